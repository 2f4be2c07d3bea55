"""Pick the loader by file content (not only the extension) and report bad input clearly."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from assistant.errors import IngestError
from assistant.records import RawPage
from ingest.docx import load_docx
from ingest.pdf import load_pdf
from ingest.text import decode_text, load_text

SUPPORTED = (".pdf", ".docx", ".txt")
LOADERS: dict[str, Callable[[Path, bytes], list[RawPage]]] = {
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".txt": load_text,
}


def load_pages(path: Path, data: bytes) -> list[RawPage]:
    """Raw pages of one file whose bytes are ``data``."""
    suffix = path.suffix.lower()
    if suffix not in LOADERS:
        raise IngestError(path, IngestError.UNSUPPORTED, f"仅支持 .pdf .docx .txt，收到 {suffix or '无扩展名的文件'}")
    if not data.strip():
        raise IngestError(path, IngestError.EMPTY)
    if suffix == ".pdf" and not data.lstrip()[:5] == b"%PDF-":
        raise IngestError(path, IngestError.CORRUPT, "不是 PDF 文件")
    if suffix == ".docx" and not data.startswith(b"PK"):
        raise IngestError(path, IngestError.CORRUPT, "不是 DOCX（zip）文件")
    return LOADERS[suffix](path, data)  # the bytes that were hashed, not the file read again


def sniff(data: bytes) -> str | None:
    """What the bytes are, whatever the file is called: ``.pdf``, ``.docx``, ``.txt`` (UTF-8 or
    GB18030 text), or None (another or an unknown format)."""
    if data.lstrip()[:5] == b"%PDF-":
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return ".docx" if "word/document.xml" in archive.namelist() else None
        except zipfile.BadZipFile:
            return None
    if b"\x00" in data[:4096]:
        return None  # binary
    try:
        decode_text(data)
    except ValueError:
        return None
    return ".txt"
