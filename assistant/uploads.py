"""Files uploaded through the web page: saved in the store under their content hash, ingested one
by one with their original name for display, each with a Chinese message naming the file.

Also removal from the page, which deletes an uploaded copy together with its document."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePath

from assistant.errors import IngestError
from assistant.library import Library
from assistant.records import DocumentInfo, IngestStatus
from ingest.load import SUPPORTED, sniff
from ingest.pipeline import FileResult, IngestOptions, Overrides, Progress, ingest_paths

MAX_UPLOAD_MB = 50
UPLOADS = "uploads"  # folder inside the store
TOO_LARGE = "文件过大"


@dataclass(frozen=True)
class UploadResult:
    name: str  # the name the file had on the user's computer
    status: IngestStatus
    message: str  # Chinese, naming the file
    info: DocumentInfo | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    @property
    def kind(self) -> str:
        """How a page shows the message: success, warning (skipped) or error."""
        return {"added": "success", "replaced": "success", "duplicate": "warning"}.get(self.status, "error")


def display_name(name: str) -> str:
    """The last part of a browser-supplied name, for messages only (never used as a path)."""
    return PurePath(name.replace("\\", "/")).name.strip() or "未命名文件"


def save_upload(store: Path, name: str, data: bytes, limit_mb: int = MAX_UPLOAD_MB) -> Path:
    """Write ``data`` to ``store/uploads/<sha256><suffix>``. The suffix is the type sniffed from
    the content (a PDF named .txt is saved and read as a PDF); only when the content says
    nothing (damaged or unknown bytes) does the name's extension decide which loader reports
    the problem. Nothing else of ``name`` reaches the filesystem. Raises IngestError for a file
    over the limit or of an unsupported type."""
    shown = display_name(name)
    if len(data) > limit_mb * 1024 * 1024:
        raise IngestError(shown, TOO_LARGE, f"{len(data) / 1024 / 1024:.1f}MB，上限 {limit_mb}MB")
    claimed = PurePath(shown).suffix.lower()
    suffix = sniff(data) or claimed
    if suffix not in SUPPORTED:
        raise IngestError(shown, IngestError.UNSUPPORTED, f"仅支持 .pdf .docx .txt，收到 {claimed or '无扩展名的文件'}")
    folder = store / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(data).hexdigest()}{suffix}"
    if not path.exists():
        partial = path.with_suffix(path.suffix + ".part")
        partial.write_bytes(data)
        partial.replace(path)
    return path


def describe_result(name: str, result: FileResult) -> str:
    """The Chinese line for one file, naming it by its original name."""
    if result.status == "failed":
        return result.error.replace(result.path.name, name)
    if result.status == "duplicate":
        return f"{name}：已在资料库中，跳过"
    info = result.info
    verb = "已更新" if result.status == "replaced" else "已导入"
    if info is None:
        return f"{name}：{verb}"
    return f"{name}：{verb}（{info.title}｜{info.department or '部门未识别'}｜{info.year or '年度未识别'}｜{info.pages}页｜{info.chunks}段）"


def ingest_upload(
    library: Library,
    name: str,
    data: bytes,
    options: IngestOptions | None = None,
    progress: Progress | None = None,
    limit_mb: int = MAX_UPLOAD_MB,
) -> UploadResult:
    """Save and ingest one uploaded file. A copy that did not become a document is deleted."""
    progress = progress or Progress()
    shown = display_name(name)
    try:
        path = save_upload(library.path, name, data, limit_mb)
    except IngestError as exc:
        if progress.on_file:  # every file reports once, refused before ingest or not
            progress.on_file(FileResult(exc.path, "failed", error=str(exc)))
        return UploadResult(shown, "failed", str(exc))
    report = ingest_paths([path], library, Overrides(doc=shown), options or IngestOptions(), progress)
    result = report.results[0]
    if not any(d.source_path == str(path.resolve()) for d in library.documents()):
        path.unlink(missing_ok=True)  # failed, or the same report came from elsewhere
    return UploadResult(shown, result.status, describe_result(shown, result), result.info)


def remove_document(library: Library, doc_id: str) -> DocumentInfo | None:
    """Remove a document and, if it was uploaded through the page, its saved copy."""
    with library.writing():
        found = [d for d in library.documents() if d.doc_id == doc_id]
        if not found:
            return None
        library.remove(doc_id)
        library.keyword_index()
    saved = Path(found[0].source_path)
    if saved.parent == (library.path / UPLOADS).resolve() and saved.is_file():
        saved.unlink()
    return found[0]
