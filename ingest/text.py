"""Plain-text files in UTF-8 or GB18030/GBK, detected and never guessed silently."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import IngestError
from assistant.records import RawPage
from ingest.docx import group_paragraphs

ENCODINGS = ("utf-8-sig", "gb18030")


def decode_text(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise ValueError when no supported encoding fits."""
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise ValueError("no supported encoding decodes this text")


def _plausible(text: str) -> bool:
    """Reject decodings full of control characters or private-use glyphs."""
    if not text:
        return True
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\n\r\t\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / len(text) < 0.01


def load_text(path: Path, data: bytes | None = None) -> list[RawPage]:
    try:
        text, _encoding = decode_text(data if data is not None else path.read_bytes())
    except ValueError as exc:
        raise IngestError(path, IngestError.ENCODING) from exc
    if "\f" in text:
        return [RawPage(number=i, label=f"第{i}页", text=part) for i, part in enumerate(text.split("\f"), start=1)]
    paragraphs = [line for line in text.splitlines() if line.strip()]
    return group_paragraphs(paragraphs)
