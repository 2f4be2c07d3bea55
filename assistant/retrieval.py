"""Hybrid retrieval as a LangChain retriever: Chroma dense search + jieba BM25, fused by RRF,
scoped and boosted by what the question names (department, years, document type)."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.fusion import reciprocal_rank_fusion
from assistant.library import Library
from assistant.query import QueryAnalysis, analyse
from assistant.records import DocumentInfo, Hit

YEAR_BOOST = 1.6
TYPE_BOOST = 1.2


class HybridRetriever(BaseRetriever):
    """``invoke(question)`` returns LangChain Documents; ``search(analysis)`` returns Hits."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    library: Library
    k: int = 8
    fetch_k: int = 30

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        analysis = analyse(query, self.library.documents())
        return [hit_to_document(hit) for hit in self.search(analysis)]

    def search(self, analysis: QueryAnalysis, year: int | None = None) -> list[Hit]:
        documents = {d.doc_id: d for d in self.library.documents()}
        if not documents:
            return []
        scope = set(analysis.doc_ids) or set(documents)
        if year is not None:
            scope = {d for d in scope if documents[d].year == year}
        restrict = scope if len(scope) < len(documents) else None
        dense = self._dense(analysis.question, restrict)
        keyword = self.library.keyword_index().search(self.library.tokenize(analysis.question), self.fetch_k, restrict)
        fused = reciprocal_rank_fusion([[cid for cid, _ in dense], [cid for cid, _ in keyword]])
        wanted_years = set(analysis.years) | set(analysis.relative_years)
        records = self.library.store.get(cid for cid, _ in fused)
        by_id = {
            cid: (text, meta)
            for cid, text, meta in zip(records["ids"], records["documents"], records["metadatas"], strict=True)
        }
        hits = []
        for cid, score in fused:
            if cid not in by_id:
                continue
            text, meta = by_id[cid]
            info = documents.get(str(meta["doc_id"]))
            if info is None:
                continue
            if info.year in wanted_years:
                score *= YEAR_BOOST
            if info.doc_type in analysis.doc_types:
                score *= TYPE_BOOST
            hits.append(
                _hit(cid, text, score, info, meta, dense_ids={c for c, _ in dense}, kw_ids={c for c, _ in keyword})
            )
        hits.sort(key=lambda h: -h.score)
        return hits[: self.k]

    def _dense(self, question: str, restrict: set[str] | None) -> list[tuple[str, float]]:
        vector = self.library.embedder.embed_query(question)
        where: Any = {"doc_id": {"$in": sorted(restrict)}} if restrict else None
        result = self.library.store.chunks.query(
            query_embeddings=[vector],  # type: ignore[arg-type]
            n_results=self.fetch_k,
            where=where,
            include=["distances"],
        )
        ids = result["ids"][0] if result["ids"] else []
        found = result.get("distances")
        distances = found[0] if found else [0.0] * len(ids)
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(ids, distances, strict=True)]


def _hit(
    cid: str, text: str, score: float, info: DocumentInfo, meta: Any, dense_ids: set[str], kw_ids: set[str]
) -> Hit:
    sources = tuple(name for name, ids in (("dense", dense_ids), ("keyword", kw_ids)) if cid in ids)
    return Hit(
        chunk_id=cid,
        text=text,
        score=score,
        info=info,
        page=int(meta["page"]) or None,
        page_label=str(meta["page_label"]),
        headings=tuple(json.loads(str(meta.get("headings", "[]")))),
        index=int(meta["index"]),
        sources=sources,
    )


def hit_to_document(hit: Hit) -> Document:
    return Document(
        page_content=hit.text,
        metadata={
            "chunk_id": hit.chunk_id,
            "doc": hit.info.doc,
            "title": hit.info.title,
            "department": hit.info.department,
            "year": hit.info.year,
            "page": hit.page,
            "page_label": hit.page_label,
            "score": hit.score,
        },
    )
