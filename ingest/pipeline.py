"""file -> pages -> clean text -> chunks -> embeddings -> store, with a report per file."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.embedding import embed_in_batches
from assistant.errors import IngestError, ReportQAError
from assistant.library import Library
from assistant.records import CheckResult, Chunk, DocumentInfo, IngestStatus, TableRecord
from ingest.checks import run_checks
from ingest.chunk import chunk_document, embedding_text
from ingest.clean import clean_document
from ingest.docx_tables import with_docx_records
from ingest.load import SUPPORTED, load_pages
from ingest.metadata import Metadata, extract_metadata
from ingest.ocr import OcrProgress, OcrSettings, OcrStats, mark_recognised, with_ocr
from ingest.tables import locate_records, with_records
from ingest.text_tables import with_text_records

MIN_TEXT_CHARS = 20
# raised when ingest writes something new for the same file: an older entry is then built again
PIPELINE_VERSION = 4  # 2: table records and consistency checks; 3: names with their evidence; 4: text tables
STAGES = ("load", "ocr", "tables", "clean", "chunk", "embed", "store")


@dataclass(frozen=True)
class Overrides:
    """Metadata given on the command line; ``None`` keeps what was extracted."""

    title: str | None = None
    department: str | None = None
    year: int | None = None
    doc_type: str | None = None
    doc: str | None = None  # the file name shown in citations (an upload's original name)


@dataclass(frozen=True)
class FileResult:
    path: Path
    status: IngestStatus
    info: DocumentInfo | None = None
    error: str = ""
    tables: int = 0  # table records extracted
    checks: tuple[CheckResult, ...] = ()  # consistency checks run on them
    ocr: OcrStats = field(default_factory=OcrStats)  # pages recognised from their images (scanned pages)


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    reused: int = 0  # chunks whose vector the store already held for the same text (not embedded again)

    @property
    def ocr(self) -> OcrStats:
        """Recognised pages over the files added: pages, engine runs and engine seconds."""
        done = [r.ocr for r in self.results if r.status in ("added", "replaced")]
        return OcrStats(sum(o.pages for o in done), sum(o.recognised for o in done), sum(o.seconds for o in done))

    def count(self, *statuses: IngestStatus) -> int:
        return sum(1 for r in self.results if r.status in statuses)

    @property
    def pages(self) -> int:
        return sum(r.info.pages for r in self.results if r.info and r.status in ("added", "replaced"))

    @property
    def chunks(self) -> int:
        return sum(r.info.chunks for r in self.results if r.info and r.status in ("added", "replaced"))

    @property
    def failures(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]


@dataclass(frozen=True)
class Prepared:
    info: DocumentInfo
    chunks: list[Chunk]
    texts: list[str]  # what gets embedded
    tables: list[TableRecord] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    ocr: OcrStats = field(default_factory=OcrStats)


def embed_key(text: str) -> str:
    """The key of an embedded text: a store holds one embedder, so the text alone decides the vector."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def embed_reusing(
    library: Library, prepared: Prepared, batch_size: int, progress: Callable[[int], None] | None = None
) -> tuple[list[list[float]], int]:
    """Vectors for a prepared file: those the store already holds for the same text (an earlier
    version of the report, its PDF and TXT copies, a rebuild) are reused; each other distinct text
    is embedded once. Returns the vectors and how many were reused."""
    keys = [c.embed_key for c in prepared.chunks]
    known = library.store.vectors_for(keys)
    todo: dict[str, str] = {}  # key -> text, each distinct new text once
    for key, text in zip(keys, prepared.texts, strict=True):
        if key not in known:
            todo.setdefault(key, text)
    if progress and len(keys) > len(todo):
        progress(len(keys) - len(todo))
    fresh = embed_in_batches(library.embedder, list(todo.values()), batch_size, progress)
    known.update(zip(todo, fresh, strict=True))
    return [known[key] for key in keys], len(keys) - len(todo)


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus supported files found recursively in folders, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED))
        else:
            found.append(path)
    return found


def prepare(
    path: Path,
    data: bytes,
    overrides: Overrides,
    stages: dict[str, float],
    size: int,
    overlap: int,
    ocr: OcrSettings | None = None,  # None: recognise, without a cache
    on_ocr_page: Callable[[OcrProgress], None] | None = None,
) -> Prepared:
    """Everything up to embedding; pure apart from parsing the bytes (and recognising the
    pages that have no usable text layer)."""
    tick = time.perf_counter()
    raw = load_pages(path, data)
    stages["load"] += time.perf_counter() - tick
    tick = time.perf_counter()
    ocr_stats = OcrStats()
    if path.suffix.lower() == ".pdf":
        raw, ocr_stats = with_ocr(path, raw, data, ocr or OcrSettings(), on_ocr_page)
    stages["ocr"] = stages.get("ocr", 0.0) + time.perf_counter() - tick
    tick = time.perf_counter()
    tables: list[TableRecord] = []
    if path.suffix.lower() == ".pdf":
        raw, tables = with_records(raw, data)
    elif path.suffix.lower() == ".docx":
        raw, tables = with_docx_records(raw, data)
    else:  # plain text: tables kept as rows of cells between bars
        raw, tables = with_text_records(raw)
    checks = run_checks(tables)
    stages["tables"] += time.perf_counter() - tick
    tick = time.perf_counter()
    cleaned = clean_document(raw).document
    stages["clean"] += time.perf_counter() - tick
    if len(cleaned.text.strip()) < MIN_TEXT_CHARS:
        reason = IngestError.NO_TEXT if path.suffix.lower() == ".pdf" else IngestError.TOO_SHORT
        raise IngestError(path, reason, ocr_stats.note or ("文字识别未得到文字" if ocr_stats.pages else ""))
    tick = time.perf_counter()
    name = overrides.doc or path.name
    meta = extract_metadata(cleaned.text, name)
    doc_id = hashlib.sha256(data).hexdigest()
    info = DocumentInfo(
        doc_id=doc_id,
        doc=name,
        title=overrides.title or meta.title,
        department=overrides.department or meta.department,
        year=overrides.year or meta.year,
        doc_type=overrides.doc_type or meta.doc_type,
        pages=len(raw),
        source_path=str(path.resolve()),
        names=named(overrides.department, meta),
        scope=meta.scope,
        confidence=1.0 if overrides.department else meta.confidence,
    )
    chunks = mark_recognised(chunk_document(doc_id, cleaned, size=size, overlap=overlap), raw)
    tables = locate_records(tables, chunks)
    info = replace(info, chunks=len(chunks))
    texts = [embedding_text(c, info.title, info.year) for c in chunks]
    chunks = [replace(c, embed_key=embed_key(t)) for c, t in zip(chunks, texts, strict=True)]
    stages["chunk"] += time.perf_counter() - tick
    return Prepared(info, chunks, texts, tables, checks, ocr_stats)


def named(department: str | None, meta: Metadata) -> tuple[tuple[str, str], ...]:
    """The document's names with their evidence; a department given on the command line first."""
    given = ((department, "指定"),) if department else ()
    return given + tuple((n.name, n.source) for n in meta.names)


@dataclass(frozen=True)
class IngestOptions:
    batch_size: int = 16  # texts per embedding call
    chunk_size: int = 320  # target characters per chunk
    chunk_overlap: int = 60  # characters repeated at most
    ocr: bool = True  # recognise pages without a usable text layer (scanned pages)
    ocr_workers: int = 0  # OCR worker processes; 0: one per core
    ocr_cache: Path | None = None  # recognised pages by image hash; None: STORE/ocr-cache


@dataclass(frozen=True)
class Progress:
    """Callbacks for a progress display; each is optional."""

    on_start: Callable[[Prepared], None] | None = None  # a file is parsed, embedding starts
    on_embedded: Callable[[int], None] | None = None  # so many more chunks embedded
    on_file: Callable[[FileResult], None] | None = None  # a file is done
    on_ocr_page: Callable[[OcrProgress], None] | None = None  # a scanned page is recognised


def ingest_paths(
    paths: Iterable[Path],
    library: Library,
    overrides: Overrides = Overrides(),
    options: IngestOptions = IngestOptions(),
    progress: Progress = Progress(),
) -> IngestReport:
    """Ingest files and folders; one bad file never stops the others or touches the store."""
    report = IngestReport()
    started = time.perf_counter()
    with library.writing():
        seen = {d.doc_id for d in library.documents()}
        for path in discover(paths):
            result = _ingest_one(path, library, overrides, options, progress, seen, report)
            report.results.append(result)
            if progress.on_file:
                progress.on_file(result)
        report.seconds = time.perf_counter() - started
        if report.count("added", "replaced"):
            library.keyword_index()  # rebuild the keyword cache once per batch
    return report


def _ingest_one(
    path: Path,
    library: Library,
    overrides: Overrides,
    options: IngestOptions,
    progress: Progress,
    seen: set[str],
    report: IngestReport,
) -> FileResult:
    try:
        if not path.is_file():
            raise IngestError(path, IngestError.NOT_FOUND)
        data = path.read_bytes()
        doc_id = hashlib.sha256(data).hexdigest()
        stale = doc_id in seen and library.version(doc_id) < PIPELINE_VERSION
        if doc_id in seen and not stale:
            return FileResult(path, "duplicate")
        cache = options.ocr_cache or library.path / "ocr-cache"
        ocr = OcrSettings(options.ocr, workers=options.ocr_workers, cache_dir=cache)
        prepared = prepare(
            path,
            data,
            overrides,
            report.stages,
            options.chunk_size,
            options.chunk_overlap,
            ocr,
            progress.on_ocr_page,
        )
        if progress.on_start:
            progress.on_start(prepared)
        tick = time.perf_counter()
        vectors, reused = embed_reusing(library, prepared, options.batch_size, progress.on_embedded)
        report.stages["embed"] += time.perf_counter() - tick
        report.reused += reused
        tick = time.perf_counter()
        source = str(path.resolve())
        older = [d for d in library.documents() if d.source_path == source and d.doc_id != doc_id]
        if stale:  # the same file, read by an older pipeline: built again (until then it stays)
            library.remove(doc_id)
        library.add_document(
            prepared.info, prepared.chunks, vectors, prepared.tables, prepared.checks, version=PIPELINE_VERSION
        )
        for old in older:  # a changed file replaces its previous version, after the new one is in
            library.remove(old.doc_id)
        report.stages["store"] += time.perf_counter() - tick
        seen.add(doc_id)
        status: IngestStatus = "replaced" if older or stale else "added"
        return FileResult(
            path,
            status,
            prepared.info,
            tables=len(prepared.tables),
            checks=tuple(prepared.checks),
            ocr=prepared.ocr,
        )
    except IngestError as exc:
        return FileResult(path, "failed", error=str(exc))
    except ReportQAError:
        raise
    except OSError as exc:
        return FileResult(path, "failed", error=f"{path.name}：无法读取文件（{exc.strerror or exc}）")
