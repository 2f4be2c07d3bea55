"""DOCX paragraphs and tables in document order, grouped into numbered sections."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from assistant.errors import IngestError
from assistant.records import RawPage

PARAGRAPHS_PER_SECTION = 30


def load_docx(path: Path, data: bytes | None = None) -> list[RawPage]:
    try:
        document = docx.Document(io.BytesIO(data) if data is not None else str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise IngestError(path, IngestError.CORRUPT, type(exc).__name__) from exc
    blocks = [text for text in _blocks(document) if text.strip()]
    return group_paragraphs(blocks)


def group_paragraphs(blocks: list[str], size: int = PARAGRAPHS_PER_SECTION) -> list[RawPage]:
    """Sections of ``size`` paragraphs; the label is the paragraph range a citation shows."""
    pages = []
    for first in range(0, len(blocks), size):
        part = blocks[first : first + size]
        last = first + len(part)
        pages.append(RawPage(number=None, label=f"第{first + 1}–{last}段", text="\n".join(part)))
    return pages


def _blocks(document: Document) -> list[str]:
    """Paragraph texts and table rows (cells joined by spaces) in document order."""
    out: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            out.append(item.text)
        elif isinstance(item, Table):
            out.extend(_table_rows(item))
    return out


def _table_rows(table: Table) -> list[str]:
    try:
        return _merged_rows(table)
    except ValueError:  # a broken merge (a continued cell with nothing above it, a bad span)
        return _raw_rows(table)


def _raw_rows(table: Table) -> list[str]:
    """Each row's text as written, cell by cell, without python-docx's reading of merges."""
    rows = []
    for tr in table._tbl.tr_lst:
        cells = ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.iter(qn("w:tc"))]
        rows.append(" ".join(" ".join(c.split()) for c in cells if c.strip()))
    return rows


def _merged_rows(table: Table) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if not cells or cells[-1] != text:  # merged cells repeat their text
                cells.append(text)
        rows.append(" ".join(cells))
    return rows
