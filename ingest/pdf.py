"""PDF pages with pypdf, one RawPage per page."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from assistant.errors import IngestError
from assistant.records import RawPage

# pypdf logs every recoverable oddity of real-world PDFs; keep the terminal readable.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def load_pdf(path: Path, data: bytes | None = None) -> list[RawPage]:
    """Pages of the PDF whose bytes are ``data`` (read from ``path`` when not given)."""
    try:
        reader = PdfReader(io.BytesIO(data) if data is not None else str(path))
        if reader.is_encrypted:
            try:
                reader.decrypt("")  # many "protected" PDFs open with an empty user password
            except (FileNotDecryptedError, NotImplementedError) as exc:
                raise IngestError(path, IngestError.ENCRYPTED) from exc
            if not reader.pages or (reader.is_encrypted and not _readable(reader)):
                raise IngestError(path, IngestError.ENCRYPTED)
        pages = [
            RawPage(number=i, label=f"第{i}页", text=page.extract_text() or "")
            for i, page in enumerate(reader.pages, start=1)
        ]
    except IngestError:
        raise
    except FileNotDecryptedError as exc:
        raise IngestError(path, IngestError.ENCRYPTED) from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise IngestError(path, IngestError.CORRUPT, type(exc).__name__) from exc
    if not pages:
        raise IngestError(path, IngestError.CORRUPT, "没有页面")
    return pages


def _readable(reader: PdfReader) -> bool:
    try:
        reader.pages[0].extract_text()
    except FileNotDecryptedError:
        return False
    return True
