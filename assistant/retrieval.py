"""Hybrid retrieval as a LangChain retriever: Chroma dense search + jieba BM25, fused by RRF,
scoped and boosted by what the question names (department, years, document type)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.fusion import reciprocal_rank_fusion
from assistant.library import Library
from assistant.query import QueryAnalysis, aliases, analyse
from assistant.reading import TABLE_TITLE
from assistant.records import Chunk, DocumentInfo, Hit
from assistant.tokenize import expand_synonyms
from assistant.understanding.intent import LOOSE, asked_phrase
from assistant.zh import SENTENCE_END

YEAR_BOOST = 1.6
YEAR_TOKEN = re.compile(r"(?:19|20)\d{2}")


def question_tokens(library: Library, analysis: QueryAnalysis, documents: Sequence[DocumentInfo]) -> list[str]:
    """Search words of a question, without the years and department names that already scope it."""
    names = {
        t
        for d in documents
        if d.department in analysis.departments
        for a in aliases(d.department)
        for t in library.tokenize(a)
    }
    names |= {t for m in analysis.mentions if not m.ambiguous for t in library.tokenize(m.text)}
    return [
        t
        for t in library.tokenize(analysis.question)
        if t not in names and t not in ASKING_WORDS and not YEAR_TOKEN.fullmatch(t)
    ]


# how officials ask, which no report says: not words to look for (各是多少, 报告里说, 百分之几)
ASKING_WORDS = frozenset(
    "各是 各 各有 各花 还是 百分 百分之 百分之几 数是 年少 分别 里 中 报告 说 讲 提到 披露 显示 列出 所列".split()
)


TYPE_BOOST = 1.2
PIN_SHARE = 1.0  # a table row the question names scores as the best fused hit (then year boosts apply)


PER_TABLE = 3  # rows of one table beyond this give way to other passages (the report's own total)


def spread(hits: list[Hit]) -> tuple[list[Hit], set[str]]:
    """``hits`` with the rows of one table after its first ``PER_TABLE`` (and those rows' ids): a
    question that names no row ("预算收入是多少") is answered by a total, not by the many rows
    sharing its words."""
    seen: dict[tuple[str, str], int] = {}
    first: list[Hit] = []
    later: list[Hit] = []
    for hit in hits:
        title = next((h for h in reversed(hit.headings) if TABLE_TITLE.search(h)), "")
        key = (hit.info.doc_id, title)
        seen[key] = seen.get(key, 0) + 1
        (later if title and seen[key] > PER_TABLE else first).append(hit)
    return first + later, {h.chunk_id for h in later}


SECTION_LINE = re.compile(
    r"^\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)(.{2,30})$", re.M
)


def heads_section(text: str, phrase: str) -> bool:
    """Whether a passage holds the heading of a section on ``phrase`` with the section's first
    lines (第四部分 政府采购预算情况 / 深圳市信访局纳入…), not only a table of contents."""
    for match in SECTION_LINE.finditer(text):
        rest = text[match.end() :].strip()
        if phrase in LOOSE.sub("", match.group(1)) and rest and not SECTION_LINE.match(rest.split("\n", 1)[0]):
            return True
    return False


class HybridRetriever(BaseRetriever):
    """``invoke(question)`` returns LangChain Documents; ``search(analysis)`` returns Hits."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    library: Library
    k: int = 8
    fetch_k: int = 30
    keyword_weight: float = 1.5  # RRF weight of the BM25 ranking, dense 1.0 (chosen on the eval sets)
    keyword_keep: int = 4  # the best keyword matches always among the hits (2 -> 4: bundled tables 0.949 -> 1.000)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        analysis = analyse(query, self.library.documents())
        return [hit_to_document(hit) for hit in self.search(analysis)]

    def search(
        self, analysis: QueryAnalysis, year: int | None = None, documents_list: Sequence[DocumentInfo] | None = None
    ) -> list[Hit]:
        everything = self.library.documents()  # the keyword index and its IDF: always the whole store
        listed = list(documents_list) if documents_list is not None else everything
        documents = {d.doc_id: d for d in listed}
        if not documents:
            return []
        scope = set(analysis.doc_ids) or set(documents)
        if year is not None:
            scope = {d for d in scope if documents[d].year == year}
            if not scope:
                return []
        restrict = scope if len(scope) < len(everything) else None
        dense = self._dense(analysis.question, restrict)
        tokens = question_tokens(self.library, analysis, listed)
        keyword = self.library.keyword_index(everything).search(expand_synonyms(tokens), self.fetch_k, restrict)
        fused = reciprocal_rank_fusion(
            [[cid for cid, _ in dense], [cid for cid, _ in keyword]], weights=[1.0, self.keyword_weight]
        )
        wanted_years = set(analysis.years) | set(analysis.relative_years)
        by_id = self.library.store.get(cid for cid, _ in fused)
        pinned = self.library.record_index(listed).lookup(analysis.question, scope)
        phrase = asked_phrase(analysis.question, [m.text for m in analysis.mentions])  # 第四部分 政府采购预算情况
        if phrase:
            pinned += [cid for cid, _ in fused if cid in by_id and heads_section(by_id[cid].text, phrase)]
        best = fused[0][1] if fused else 1.0
        extra = [cid for cid in pinned if cid not in by_id]
        if extra:
            by_id.update(self.library.store.get(extra))
            fused = fused + [(cid, 0.0) for cid in extra]
        # a named row ranks with the best fused hit, then takes the same year and type boosts
        fused = [(cid, max(score, best * PIN_SHARE) if cid in pinned else score) for cid, score in fused]
        dense_ids, kw_ids = {c for c, _ in dense}, {c for c, _ in keyword}
        hits = []
        for cid, score in fused:
            if cid not in by_id:
                continue
            chunk = by_id[cid]
            info = documents.get(chunk.doc_id)
            if info is None:
                continue
            if info.year in wanted_years or any(info.looks_back_on(y) for y in analysis.years):
                score *= YEAR_BOOST  # a work report reviews the year before it: both are read on that year
            if info.doc_type in analysis.doc_types:
                score *= TYPE_BOOST
            hits.append(_hit(cid, chunk, score, info, dense_ids=dense_ids, kw_ids=kw_ids))
        hits.sort(key=lambda h: -h.score)
        hits, crowded = spread(hits)
        best_words = [cid for cid, _ in keyword[: self.keyword_keep] if cid not in crowded]
        return self.expand(self._keep(hits, pinned + best_words))

    def _keep(self, hits: list[Hit], wanted: list[str]) -> list[Hit]:
        """The top ``k`` hits, always holding the ``wanted`` ones: the table rows the question
        names, and the best keyword matches (a passage that alone has the question's rare word,
        水费, is kept even when dense search missed it)."""
        missing = [
            h for cid in wanted if cid not in {x.chunk_id for x in hits[: self.k]} for h in hits if h.chunk_id == cid
        ]
        if not missing:
            return hits[: self.k]
        kept = [h for h in hits[: self.k] if h.chunk_id in wanted]
        others = [h for h in hits[: self.k] if h.chunk_id not in wanted]
        room = max(0, self.k - len(kept) - len(missing))
        chosen = {h.chunk_id for h in kept + missing + others[:room]}
        return [h for h in hits if h.chunk_id in chosen]

    def expand(self, hits: list[Hit]) -> list[Hit]:
        """Append the next chunk to a hit whose last sentence runs on past its end."""
        open_ended = [h for h in hits if h.text.rstrip()[-1:] not in SENTENCE_END]
        if not open_ended:
            return hits
        wanted = {f"{h.chunk_id.rsplit('-', 1)[0]}-{h.chunk.index + 1:05d}": h.chunk_id for h in open_ended}
        following = {wanted[cid]: chunk for cid, chunk in self.library.store.get(wanted).items()}
        merged = []
        for hit in hits:
            if hit.chunk_id not in following:
                merged.append(hit)
                continue
            chunk = following[hit.chunk_id]
            skip = max(0, hit.chunk.end - chunk.start)  # the overlap both chunks hold
            tail = chunk.text[skip:] if chunk.start <= hit.chunk.end else "\n" + chunk.text
            base = len(hit.text) + (0 if chunk.start <= hit.chunk.end else 1)
            more = tuple((base + max(0, o - skip), n, label) for o, n, label in chunk.page_spans if o >= skip or o == 0)
            longer = replace(hit.chunk, text=hit.text + tail, end=chunk.end, page_spans=hit.chunk.page_spans + more)
            merged.append(replace(hit, chunk=longer))
        return merged

    def _dense(self, question: str, restrict: set[str] | None) -> list[tuple[str, float]]:
        vector = self.library.embedder.embed_query(question)
        return self.library.store.query(vector, self.fetch_k, restrict)


def _hit(cid: str, chunk: Chunk, score: float, info: DocumentInfo, dense_ids: set[str], kw_ids: set[str]) -> Hit:
    sources = tuple(name for name, ids in (("dense", dense_ids), ("keyword", kw_ids)) if cid in ids)
    return Hit(chunk_id=cid, chunk=chunk, score=score, info=info, sources=sources)


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
