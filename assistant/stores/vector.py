"""Chroma in a store folder: a ``chunks`` collection, a ``documents`` registry and the
documents' ``extras`` (table records and check results, as JSON).

A document's record in ``documents`` is written after all its chunks: it is the commit
marker. Chunks whose document has no record are leftovers of an interrupted ingest; readers
ignore them and the next writer removes them, so a document is either fully present or absent.

Every Chroma call runs under the store's lock and on a client that has seen the latest write
of any process (see ``assistant/stores/locking.py``).
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from chromadb.api import ClientAPI
from chromadb.errors import InternalError

from assistant.errors import StoreError
from assistant.records import Chunk, DocumentInfo
from assistant.stores.chroma_client import (
    chroma_errors_as_store_errors,
    close_client,
    open_client,
    open_collection,
    purge_log_often,
)
from assistant.stores.chroma_metadata import (
    chunk_to_metadata,
    document_to_extras,
    extras_to_document,
    info_to_metadata,
    metadata_to_chunk,
    metadata_to_embedder,
    metadata_to_info,
    metadata_to_tokens,
)
from assistant.stores.locking import ChangeStamp, StoreLock, store_lock

CHUNKS = "chunks"
DOCUMENTS = "documents"
# Kept apart from the registry: Chroma reads a record's document with its metadata, and the
# registry is read on every question. With the extras inside it, listing 1,226 documents
# (34 KB of JSON each) took 133 ms; without, a few ms.
EXTRAS = "extras"
MARKER = [1.0]  # the registry holds no vectors worth searching; Chroma wants one per record
KEYS_PER_LOOKUP = 500  # embed_key values per metadata lookup
# Chroma keeps every write in its log until the collection's vector index is saved, which happens
# every ``sync_threshold`` records (default 1000). The registry and the extras hold one record per
# document (the extras tens of KB of JSON), so with the default their logs were never purged and each
# write read them again: an upsert of 20 KB took 10 ms at first and 69 ms after 600 records, and
# building a 1,000-document store slowed to minutes per hundred documents. Saved every 16, ~9 ms.
REGISTRY_SYNC = 16


T = TypeVar("T")


class ChromaStore:
    """Chunks and the document registry, kept consistent by the commit-marker protocol.

    ``folder`` (the store folder) turns on the cross-process discipline: the store lock around
    every call, the change stamp, and reopening the client when another process wrote or a
    read fails inside Chroma. Without it (a client passed in by a test), calls are only
    serialised between threads."""

    def __init__(self, client: ClientAPI | None = None, folder: Path | None = None) -> None:
        if client is None and folder is None:
            raise ValueError("ChromaStore needs a client or a store folder")
        self.folder = folder
        self._lock = store_lock(folder) if folder is not None else StoreLock(None)
        self._stamp = ChangeStamp(folder) if folder is not None else None
        self.reopened = 0
        with self._lock.held(), chroma_errors_as_store_errors():
            self._attach(client if client is not None else open_client(folder, own=True))  # type: ignore[arg-type]
            if self._stamp is not None:
                self._stamp.accept()

    def _attach(self, client: ClientAPI) -> None:
        self.client = client
        self._documents: tuple[tuple[tuple[str, ...], int], list[DocumentInfo]] | None = None
        self._finalizer = weakref.finalize(self, close_client, client) if self.folder is not None else None
        self.chunks = open_collection(client, CHUNKS, {"hnsw:space": "cosine"})
        often = {"hnsw": {"sync_threshold": REGISTRY_SYNC, "batch_size": REGISTRY_SYNC}}
        self.registry = open_collection(client, DOCUMENTS, None, often)
        purge_log_often(self.registry, REGISTRY_SYNC)  # a store made before
        self.extra = open_collection(client, EXTRAS, None, often)
        self.batch = max(1, min(client.get_max_batch_size(), 2000))

    def _reopen(self) -> None:
        """A new client that reads the folder as it is now (call with the lock held)."""
        assert self.folder is not None and self._stamp is not None
        if self._finalizer is not None:
            self._finalizer()  # closes the old client
        self._attach(open_client(self.folder, own=True))
        self._stamp.accept()
        self.reopened += 1

    def close(self) -> None:
        """Release the Chroma client now (it is also released when the store is dropped)."""
        with self._lock.held():
            if self._finalizer is not None:
                self._finalizer()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store lock, on a client that has seen every write (re-entrant). Every Chroma
        call runs inside: its errors come out as ``StoreUnavailableError``."""
        with self._lock.held(), chroma_errors_as_store_errors():
            if self._stamp is not None and self._stamp.changed():
                self._reopen()
            yield

    def _read(self, call: Callable[[], T]) -> T:
        """Run a read under the lock; a failure inside Chroma reopens the client and retries once."""
        with self.locked():
            try:
                return call()
            except InternalError:
                if self.folder is None:
                    raise
                self._reopen()
                return call()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the lock for a write and tell other processes about it afterwards."""
        with self.locked():
            try:
                yield
            finally:
                self._documents = None
                if self._stamp is not None:
                    self._stamp.bump()

    # -- reading -------------------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        """The committed documents. Read on every question, and Chroma reads metadata slowly (70 ms
        for 1,226 documents), so they are kept while the registry's ids and the chunk count stay
        the same (3 ms to read both); any write in this process drops them too."""
        with self.locked():
            key = (tuple(self._read(lambda: self.registry.get(include=[]))["ids"]), self.chunk_count())
            cached = self._documents
            if cached is not None and cached[0] == key:
                return list(cached[1])
            got = self._read(lambda: self.registry.get(include=["metadatas"]))
            documents = [metadata_to_info(dict(m)) for m in got["metadatas"] or []]
            self._documents = (key, documents)
            return list(documents)

    def embedder(self) -> str | None:
        got = self._read(lambda: self.registry.get(limit=1, include=["metadatas"]))
        metas = got["metadatas"] or []
        return metadata_to_embedder(metas[0]) if metas else None

    def extras(self, doc_id: str) -> dict[str, Any]:
        """What ``add_document`` kept beside the document ({} for none or an unknown id)."""
        got = self._read(lambda: self.extra.get(ids=[doc_id], include=["documents", "metadatas"]))
        if not got["ids"]:  # a store made before the extras had their own collection
            got = self._read(lambda: self.registry.get(ids=[doc_id], include=["documents", "metadatas"]))
        texts = got["documents"] or []
        if not texts or not texts[0]:
            return {}
        try:
            return document_to_extras(texts[0])
        except (ValueError, TypeError) as exc:
            metas = got["metadatas"] or [{}]
            raise StoreError(f"资料库中文档 {metas[0].get('doc', doc_id)} 的表格数据已损坏：请重新导入该文档") from exc

    def chunk_count(self) -> int:
        return self._read(lambda: self.chunks.count())

    def all_chunks(self) -> list[Chunk]:
        """Every stored chunk, committed or not, read page by page under one hold of the lock (so
        no writer can shift the pages in between)."""

        def read() -> list[Chunk]:
            chunks: list[Chunk] = []
            for offset in range(0, self.chunks.count(), self.batch):
                got = self.chunks.get(include=["documents", "metadatas"], limit=self.batch, offset=offset)
                texts, metas = got["documents"] or [], got["metadatas"] or []
                chunks.extend(metadata_to_chunk(str(t), m) for t, m in zip(texts, metas, strict=True))
            return chunks

        with self.locked():
            return self._read(read)

    def _owners(self) -> list[tuple[str, str]]:
        """Every stored chunk's id and document id, read page by page (call with the lock held)."""
        owners: list[tuple[str, str]] = []
        for offset in range(0, self.chunks.count(), self.batch):
            got = self.chunks.get(include=["metadatas"], limit=self.batch, offset=offset)
            owners.extend((cid, str(m["doc_id"])) for cid, m in zip(got["ids"], got["metadatas"] or [], strict=True))
        return owners

    def keyword_rows(self) -> tuple[list[DocumentInfo], list[str], list[str], list[list[str]]]:
        """The registry, and each committed chunk's id, document and keyword tokens, read as one
        snapshot. Only those are kept, page by page, and each token string once (``sys.intern``):
        holding every chunk's whole metadata peaked at 2.4 GB for 100k chunks."""

        def read() -> tuple[list[str], list[str], list[list[str]]]:
            ids: list[str] = []
            doc_ids: list[str] = []
            corpus: list[list[str]] = []
            total = self.chunks.count()
            for offset in range(0, total, self.batch):
                got = self.chunks.get(include=["metadatas"], limit=self.batch, offset=offset)
                for cid, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
                    if meta["doc_id"] in committed:
                        ids.append(cid)
                        doc_ids.append(sys.intern(str(meta["doc_id"])))
                        corpus.append([sys.intern(t) for t in metadata_to_tokens(meta)])
            return ids, doc_ids, corpus

        with self.locked():
            documents = self.documents()
            committed = {d.doc_id for d in documents}
            return documents, *self._read(read)

    def documents_and_chunks(self) -> tuple[list[DocumentInfo], list[Chunk]]:
        """The registry and every chunk, read as one consistent snapshot."""
        with self.locked():
            return self.documents(), self.all_chunks()

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
        """Chunks and ``extras`` (table records, check results, as JSON) first, then the registry
        entry that commits them all."""
        with self._writing():
            self._add_document(info, chunks, vectors, tokens, embedder, extras)

    def _add_document(
        self,
        info: DocumentInfo,
        chunks: Sequence[Chunk],
        vectors: Sequence[Sequence[float]],
        tokens: Sequence[Sequence[str]],
        embedder: str,
        extras: dict[str, Any] | None,
    ) -> None:
        stored = self.embedder()
        if stored is not None and stored != embedder:
            raise StoreError(f"该资料库由嵌入模型 {stored} 建立，当前为 {embedder}：请换用原模型或新建资料库")
        for first in range(0, len(chunks), self.batch):
            part = range(first, min(first + self.batch, len(chunks)))
            self.chunks.add(
                ids=[chunks[i].chunk_id for i in part],
                embeddings=[list(vectors[i]) for i in part],  # type: ignore[arg-type]
                documents=[chunks[i].text for i in part],
                metadatas=[chunk_to_metadata(chunks[i], info, tokens[i]) for i in part],
            )
        self.extra.upsert(
            ids=[info.doc_id],
            embeddings=[MARKER],  # type: ignore[arg-type]
            metadatas=[{"doc": info.doc}],
            documents=[extras_to_document(extras)],
        )
        # the commit marker, written last
        self.registry.upsert(
            ids=[info.doc_id],
            embeddings=[MARKER],  # type: ignore[arg-type]
            metadatas=[info_to_metadata(info, embedder)],
        )

    def remove_document(self, doc_id: str) -> None:
        with self._writing():
            self.registry.delete(ids=[doc_id])  # uncommit first: leftovers are then orphans
            self.chunks.delete(where={"doc_id": doc_id})
            self.extra.delete(ids=[doc_id])

    def orphans(self) -> list[str]:
        """Ids of chunks whose document is not committed (left by an interrupted writer)."""
        with self.locked():
            committed = {d.doc_id: d.chunks for d in self.documents()}
            if self.chunk_count() == sum(committed.values()):
                return []
            return [cid for cid, doc_id in self._read(self._owners) if doc_id not in committed]

    def repair(self) -> int:
        """Remove chunks (and extras) of uncommitted documents; return how many chunks were removed."""
        with self.locked():
            orphans = self.orphans()
            committed = set(self.registry.get(include=[])["ids"])
            stray = [i for i in self.extra.get(include=[])["ids"] if i not in committed]
            if stray:
                with self._writing():
                    self.extra.delete(ids=stray)
            if not orphans:
                return 0
            with self._writing():
                for first in range(0, len(orphans), self.batch):
                    self.chunks.delete(ids=orphans[first : first + self.batch])
            return len(orphans)

    def vectors_for(self, keys: Iterable[str]) -> dict[str, list[float]]:
        """Stored vectors by ``embed_key``: those of these keys the store already holds."""
        wanted = sorted({k for k in keys if k})
        found: dict[str, list[float]] = {}
        for first in range(0, len(wanted), KEYS_PER_LOOKUP):
            where: Any = {"embed_key": {"$in": wanted[first : first + KEYS_PER_LOOKUP]}}

            def lookup(where: Any = where) -> Any:  # reads self.chunks anew: a retry runs on the reopened client
                return self.chunks.get(where=where, include=["embeddings", "metadatas"])

            got = self._read(lookup)
            for meta, vector in zip(
                got["metadatas"] or [], got["embeddings"] if got["embeddings"] is not None else [], strict=True
            ):
                found.setdefault(str(meta["embed_key"]), [float(x) for x in vector])
        return found

    def get(self, ids: Iterable[str]) -> dict[str, Chunk]:
        """The stored chunks of ``ids`` by id; an id the store lacks is left out."""
        wanted = list(ids)
        got = self._read(lambda: self.chunks.get(ids=wanted, include=["documents", "metadatas"]))
        texts, metas = got["documents"] or [], got["metadatas"] or []
        return {cid: metadata_to_chunk(str(t), m) for cid, t, m in zip(got["ids"], texts, metas, strict=True)}

    def query(self, vector: Sequence[float], n: int, doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        """The ``n`` chunks nearest to ``vector`` (within ``doc_ids`` when given), best first: (chunk
        id, cosine similarity)."""
        where: Any = {"doc_id": {"$in": sorted(doc_ids)}} if doc_ids is not None else None
        result = self._read(
            lambda: self.chunks.query(
                query_embeddings=[list(vector)],  # type: ignore[arg-type]
                n_results=n,
                where=where,
                include=["distances"],
            )
        )
        ids = result["ids"][0] if result["ids"] else []
        found = result.get("distances")
        distances = found[0] if found else [0.0] * len(ids)
        return [(cid, 1.0 - float(distance)) for cid, distance in zip(ids, distances, strict=True)]
