"""A store folder: Chroma, the keyword index derived from it, and the embedder that fills it."""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from langchain_core.embeddings import Embeddings

from assistant.errors import StoreError
from assistant.records import CheckResult, Chunk, DocumentInfo, TableRecord
from assistant.stores.keyword import KeywordIndex, generation
from assistant.stores.vector import ChromaStore
from assistant.tables import RecordIndex
from assistant.tokenize import tokenize


class Library:
    """Everything ingested into one store folder. The embedder loads on first use."""

    def __init__(
        self,
        path: Path,
        embedder_factory: Callable[[], Embeddings],
        embedder_name: str,
        store: ChromaStore | None = None,
        create: bool = True,
    ) -> None:
        if not create and store is None and not (path / "chroma").exists():
            raise StoreError(f"资料库不存在：{path}（请先用 reportqa ingest 导入报告，或检查 --store）")
        self.path = path
        self.embedder_name = embedder_name
        self._embedder_factory = embedder_factory
        self._embedder: Embeddings | None = None
        self.store = store or ChromaStore(folder=path)
        stored = self.store.embedder()
        if stored is not None and stored != embedder_name:
            raise StoreError(
                f"该资料库由嵌入模型 {stored} 建立，当前配置为 {embedder_name}："
                "请把 REPORTQA_EMBED_MODEL 设回原模型，或新建资料库"
            )
        self.repaired = 0
        self._keyword: tuple[str, KeywordIndex] | None = None
        self._records = RecordIndex()
        self._records_seen: dict[str, int] = {}
        self._lock = threading.RLock()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the store's write lock (one writer across processes and threads) and clear up
        what an interrupted writer left. Readers never take it and never delete chunks; they
        keep answering while a writer works (each Chroma call takes the short store lock)."""
        with self._write_lock(block=True) as handle:
            assert handle is not None
            if not self.shared:
                self.repaired = self.store.repair()
            yield
            self._drop_stale_indexes(keep=generation(self.store.documents()))

    @property
    def shared(self) -> bool:
        """Whether the documents live on a Chroma server that other machines write to as well:
        the write lock is this machine's only, so nothing is removed as left over by an
        interrupted writer (it may be another machine's ingest in progress) unless asked to
        (``reportqa repair``). Readers ignore such chunks either way."""
        return self.store.folder is None

    def repair(self) -> int:
        """Remove the chunks no committed document owns, now; how many."""
        with self._write_lock(block=True):
            self.repaired = self.store.repair()
            return self.repaired

    def repair_if_idle(self) -> int:
        """Remove what an interrupted writer left, unless a writer is busy now (or the store is
        read-only for this user: readers ignore such chunks anyway); how many chunks."""
        if self.shared:
            return 0
        try:
            with self._write_lock(block=False) as handle:
                if handle is None:
                    return 0
                self.repaired = self.store.repair()
                return self.repaired
        except PermissionError:
            return 0

    @contextmanager
    def _write_lock(self, block: bool) -> Iterator[TextIO | None]:
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / ".write.lock", "w", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
            except BlockingIOError:
                yield None
                return
            try:
                yield handle
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @property
    def embedder(self) -> Embeddings:
        with self._lock:
            if self._embedder is None:
                self._embedder = self._embedder_factory()
            return self._embedder

    @property
    def jieba_cache(self) -> Path:
        return self.path / "jieba"

    def tokenize(self, text: str) -> list[str]:
        return tokenize(text, self.jieba_cache)

    def documents(self) -> list[DocumentInfo]:
        return sorted(self.store.documents(), key=lambda d: (d.doc, d.doc_id))

    def find(self, key: str) -> list[DocumentInfo]:
        """Documents whose file name, sha256 (or a prefix of 8+ characters) or title is ``key``."""
        return [
            d
            for d in self.documents()
            if key in (d.doc, d.title, Path(d.doc).stem) or (len(key) >= 8 and d.doc_id.startswith(key))
        ]

    # -- writing -------------------------------------------------------------------------
    def add_document(
        self,
        info: DocumentInfo,
        chunks: Sequence[Chunk],
        vectors: Sequence[Sequence[float]],
        tables: Sequence[TableRecord] = (),
        checks: Sequence[CheckResult] = (),
        version: int = 0,
    ) -> None:
        tokens = [self.tokenize(c.text + " " + " ".join(c.headings)) for c in chunks]
        extras = {
            "version": version,
            "tables": [t.to_dict() for t in tables],
            "checks": [c.to_dict() for c in checks],
        }
        with self._lock:
            self.store.add_document(info, chunks, vectors, tokens, self.embedder_name, extras)

    def tables(self, doc_id: str) -> list[TableRecord]:
        """The table records of one document, as extracted at ingest."""
        return [TableRecord.from_dict(t) for t in self.store.extras(doc_id).get("tables", [])]

    def version(self, doc_id: str) -> int:
        """The version of the ingest pipeline that built a document (0: before tables)."""
        return int(self.store.extras(doc_id).get("version", 0))

    def checks(self, doc_id: str) -> list[CheckResult]:
        """The consistency checks run on one document's tables at ingest."""
        return [CheckResult.from_dict(c) for c in self.store.extras(doc_id).get("checks", [])]

    def remove(self, doc_id: str) -> None:
        with self._lock:
            self.store.remove_document(doc_id)
            self._records.keep_only({d.doc_id for d in self.store.documents()})
            self._records_seen.pop(doc_id, None)

    # -- keyword index -------------------------------------------------------------------
    def keyword_index(self, documents: Sequence[DocumentInfo] | None = None) -> KeywordIndex:
        """The BM25 index of the committed documents (``documents``: a snapshot already read).

        Cached on disk under the generation of the documents; a cached index that does not hold
        exactly their chunks is never used. If the store has moved on since ``documents`` was
        read, the index of the store as it is now is returned: always one whole state."""
        with self._lock:
            committed = list(documents) if documents is not None else self.store.documents()
            gen = generation(committed)
            if self._keyword is not None and self._keyword[0] == gen:
                return self._keyword[1]
            folder = self.path / "keyword" / gen
            try:
                index = KeywordIndex.load(folder)
                if not index.holds(committed):
                    raise ValueError(f"keyword index {gen} does not match its documents")
            except (OSError, ValueError, KeyError) as exc:
                if folder.exists() and not isinstance(exc, FileNotFoundError):
                    _discard(folder)  # a damaged cache: rebuilt below
                index = self._build_keyword_index()
                if index.whole():
                    index.save(self.path / "keyword" / index.built_for)
            self._keyword = (index.built_for, index)
            return index

    def record_index(self, documents: Sequence[DocumentInfo] | None = None) -> RecordIndex:
        """The table records of the committed documents by item name; a document's records are
        read once, when it first appears."""
        with self._lock:
            committed = list(documents) if documents is not None else self.store.documents()
            for info in committed:
                if self._records_seen.get(info.doc_id) != info.chunks:  # new, or ingested again
                    self._records.add(info.doc_id, self.tables(info.doc_id))
                    self._records_seen[info.doc_id] = info.chunks
            return self._records

    def _build_keyword_index(self) -> KeywordIndex:
        """From the tokens stored in Chroma, of committed documents only (a writer may be busy),
        the registry and the chunks read as one snapshot."""
        documents, ids, doc_ids, corpus = self.store.keyword_rows()
        return KeywordIndex(ids, doc_ids, corpus, built_for=generation(documents))

    def _drop_stale_indexes(self, keep: str) -> None:
        """Writers only: older generations, and partial saves of processes that died."""
        root = self.path / "keyword"
        for folder in root.iterdir() if root.exists() else ():
            if folder.name.startswith(".tmp-"):
                if not _alive(folder.name):
                    shutil.rmtree(folder, ignore_errors=True)
            elif folder.name != keep:
                _discard(folder)


def _discard(folder: Path) -> None:
    """Remove a cache folder: renamed away first (atomic), so no reader sees it half deleted."""
    dead = folder.with_name(f".tmp-{os.getpid()}-old-{folder.name}")
    try:
        folder.rename(dead)
    except OSError:
        return  # already gone (another process) or in use
    shutil.rmtree(dead, ignore_errors=True)


def _alive(tmp_name: str) -> bool:
    """Whether the process that named a ``.tmp-<pid>-…`` folder still runs."""
    try:
        pid = int(tmp_name.split("-")[1])
    except (IndexError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
