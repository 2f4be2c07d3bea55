"""Chroma in a store folder: a ``chunks`` collection and a ``documents`` registry.

A document's record in ``documents`` is written after all its chunks: it is the commit
marker. Chunks whose document has no record are leftovers of an interrupted ingest and are
removed when the store opens, so a document is either fully present or absent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.errors import StoreError
from assistant.records import Chunk, DocumentInfo

CHUNKS = "chunks"
DOCUMENTS = "documents"
MARKER = [1.0]  # the registry holds no vectors worth searching; Chroma wants one per record


@register_embedding_function
class OwnVectorsOnly(EmbeddingFunction[Documents]):
    """Set on every collection so Chroma can never fall back to its own (downloading) embedder:
    ReportQA always passes vectors it computed itself."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        raise StoreError("内部错误：ReportQA 只接受自行计算的向量（不会让 Chroma 下载模型）")

    @staticmethod
    def name() -> str:
        return "reportqa-own-vectors"

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> OwnVectorsOnly:
        return OwnVectorsOnly()

    def get_config(self) -> dict[str, Any]:
        return {}


def _collection(client: ClientAPI, name: str, metadata: dict[str, Any] | None) -> Collection:
    try:
        return client.get_or_create_collection(name, metadata=metadata, embedding_function=OwnVectorsOnly())  # type: ignore[arg-type]
    except ValueError:  # a store made before the guard existed: keep its persisted setting
        return client.get_or_create_collection(name, metadata=metadata)


def open_client(path: Path) -> ClientAPI:
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(
        path=str(path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    )


def open_http_client(url: str) -> ClientAPI:
    """A Chroma server (``chroma run``) shared by several ReportQA instances."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"REPORTQA_CHROMA_URL 无效：{url}（应形如 http://主机:8000）")
    try:
        return chromadb.HttpClient(
            host=parts.hostname,
            port=parts.port or (443 if parts.scheme == "https" else 8000),
            ssl=parts.scheme == "https",
            settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
        )
    except (ValueError, ConnectionError, OSError) as exc:
        raise StoreError(f"无法连接 Chroma 服务 {url}：{exc}（请确认服务已启动，地址和端口正确）") from exc


def info_to_metadata(info: DocumentInfo, embedder: str) -> dict[str, Any]:
    return {
        "doc_id": info.doc_id,
        "doc": info.doc,
        "title": info.title,
        "department": info.department,
        "year": info.year or 0,
        "doc_type": info.doc_type,
        "pages": info.pages,
        "chunks": info.chunks,
        "source_path": info.source_path,
        "embedder": embedder,
    }


def metadata_to_info(meta: dict[str, Any]) -> DocumentInfo:
    return DocumentInfo(
        doc_id=str(meta["doc_id"]),
        doc=str(meta["doc"]),
        title=str(meta["title"]),
        department=str(meta["department"]),
        year=int(meta["year"]) or None,
        doc_type=str(meta["doc_type"]),
        pages=int(meta["pages"]),
        chunks=int(meta["chunks"]),
        source_path=str(meta.get("source_path", "")),
    )


def chunk_metadata(chunk: Chunk, info: DocumentInfo, tokens: Sequence[str]) -> dict[str, Any]:
    return {
        "doc_id": chunk.doc_id,
        "doc": info.doc,
        "year": info.year or 0,
        "department": info.department,
        "doc_type": info.doc_type,
        "index": chunk.index,
        "page": chunk.page or 0,
        "page_end": chunk.page_end or 0,
        "page_label": chunk.page_label,
        "start": chunk.start,
        "end": chunk.end,
        "headings": json.dumps(list(chunk.headings), ensure_ascii=False),
        "table_unit": chunk.table_unit,
        "page_spans": json.dumps([list(span) for span in chunk.page_spans], ensure_ascii=False),
        "tokens": " ".join(tokens),
        "ocr": chunk.ocr,
        "ocr_confidence": chunk.ocr_confidence,
        "ocr_low": json.dumps(list(chunk.ocr_low), ensure_ascii=False),
    }


class ChromaStore:
    """Chunks and the document registry, kept consistent by the commit-marker protocol."""

    def __init__(self, client: ClientAPI) -> None:
        self.client = client
        self.chunks = _collection(client, CHUNKS, {"hnsw:space": "cosine"})
        self.registry = _collection(client, DOCUMENTS, None)
        self.batch = max(1, min(client.get_max_batch_size(), 2000))

    # -- reading -------------------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        got = self.registry.get(include=["metadatas"])
        return [metadata_to_info(dict(m)) for m in got["metadatas"] or []]

    def embedder(self) -> str | None:
        got = self.registry.get(limit=1, include=["metadatas"])
        metas = got["metadatas"] or []
        return str(metas[0]["embedder"]) if metas else None

    def extras(self, doc_id: str) -> dict[str, Any]:
        """What ``add_document`` kept beside the document ({} for none or an unknown id)."""
        got = self.registry.get(ids=[doc_id], include=["documents", "metadatas"])
        texts = got["documents"] or []
        if not texts or not texts[0]:
            return {}
        try:
            return dict(json.loads(texts[0]))
        except (ValueError, TypeError) as exc:
            metas = got["metadatas"] or [{}]
            raise StoreError(f"资料库中文档 {metas[0].get('doc', doc_id)} 的表格数据已损坏：请重新导入该文档") from exc

    def chunk_count(self) -> int:
        return self.chunks.count()

    def all_chunks(self) -> tuple[list[str], list[dict[str, Any]]]:
        ids: list[str] = []
        metas: list[dict[str, Any]] = []
        total = self.chunks.count()
        for offset in range(0, total, self.batch):
            got = self.chunks.get(include=["metadatas"], limit=self.batch, offset=offset)
            ids.extend(got["ids"])
            metas.extend(dict(m) for m in got["metadatas"] or [])
        return ids, metas

    # -- writing -------------------------------------------------------------------------
    def add_document(
        self,
        info: DocumentInfo,
        chunks: Sequence[Chunk],
        vectors: Sequence[Sequence[float]],
        tokens: Sequence[Sequence[str]],
        embedder: str,
        extras: dict[str, Any] | None = None,
    ) -> None:
        """Chunks first, then the registry entry that commits them; ``extras`` (table records,
        check results) is kept as JSON in the registry entry, so it commits with the document."""
        stored = self.embedder()
        if stored is not None and stored != embedder:
            raise StoreError(f"该资料库由嵌入模型 {stored} 建立，当前为 {embedder}：请换用原模型或新建资料库")
        for first in range(0, len(chunks), self.batch):
            part = range(first, min(first + self.batch, len(chunks)))
            self.chunks.add(
                ids=[chunks[i].chunk_id for i in part],
                embeddings=[list(vectors[i]) for i in part],  # type: ignore[arg-type]
                documents=[chunks[i].text for i in part],
                metadatas=[chunk_metadata(chunks[i], info, tokens[i]) for i in part],
            )
        # the commit marker, written last
        self.registry.upsert(
            ids=[info.doc_id],
            embeddings=[MARKER],  # type: ignore[arg-type]
            metadatas=[info_to_metadata(info, embedder)],
            documents=[json.dumps(extras or {}, ensure_ascii=False)],
        )

    def remove_document(self, doc_id: str) -> None:
        self.registry.delete(ids=[doc_id])  # uncommit first: leftovers are then orphans
        self.chunks.delete(where={"doc_id": doc_id})

    def repair(self) -> int:
        """Remove chunks of uncommitted documents; return how many were removed."""
        committed = {d.doc_id: d.chunks for d in self.documents()}
        if self.chunks.count() == sum(committed.values()):
            return 0
        ids, metas = self.all_chunks()
        orphans = [cid for cid, meta in zip(ids, metas, strict=True) if meta["doc_id"] not in committed]
        for first in range(0, len(orphans), self.batch):
            self.chunks.delete(ids=orphans[first : first + self.batch])
        return len(orphans)

    def get(self, ids: Iterable[str]) -> dict[str, Any]:
        return dict(self.chunks.get(ids=list(ids), include=["documents", "metadatas"]))
