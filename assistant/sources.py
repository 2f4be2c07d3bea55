"""The sources of an answer as a reader sees them: which document each citation is from, and the
cited figures marked in its passage. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.figures import find_figures, same_quantity
from assistant.records import Answer, CheckedFigure, Citation, DocumentInfo

CHUNK_ID_PREFIX = 16  # Chunk.chunk_id starts with this many characters of the document's sha256


@dataclass(frozen=True)
class Source:
    """Citation ``[n]`` with the document it was taken from (None if it is no longer in the library)."""

    citation: Citation
    document: DocumentInfo | None

    @property
    def department(self) -> str:
        return self.document.department if self.document else ""

    @property
    def year(self) -> int | None:
        return self.document.year if self.document else None


def document_of(citation: Citation, documents: Sequence[DocumentInfo]) -> DocumentInfo | None:
    """The document a citation quotes: by the sha256 its chunk id starts with, else by file name."""
    prefix = citation.chunk_id.split("-", 1)[0]
    if len(prefix) == CHUNK_ID_PREFIX:
        for info in documents:
            if info.doc_id.startswith(prefix):
                return info
    named = [info for info in documents if info.doc == citation.doc]
    return named[0] if len(named) == 1 else None


def sources_of(answer: Answer, documents: Sequence[DocumentInfo]) -> tuple[Source, ...]:
    return tuple(Source(c, document_of(c, documents)) for c in answer.citations)


def figure_spans(passage: str, figures: Sequence[CheckedFigure], table_unit: str = "") -> list[tuple[int, int]]:
    """Where ``passage`` states one of the verified ``figures`` (same quantity, any money unit),
    as sorted, non-overlapping (start, end) offsets."""
    wanted = [f for checked in figures if checked.verified for f in find_figures(checked.text)]
    found = find_figures(passage) + (find_figures(passage, table_unit) if table_unit else [])
    spans = sorted(
        {
            (f.start, f.start + len(passage[f.start : f.end].rstrip()))
            for f in found
            if any(same_quantity(w, f) for w in wanted)
        }
    )
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end))
    return kept


def highlight(passage: str, figures: Sequence[CheckedFigure], table_unit: str = "") -> list[tuple[str, bool]]:
    """``passage`` cut into pieces, each marked True where it states a cited figure."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in figure_spans(passage, figures, table_unit):
        if start > at:
            pieces.append((passage[at:start], False))
        pieces.append((passage[start:end], True))
        at = end
    if at < len(passage):
        pieces.append((passage[at:], False))
    return pieces


def excerpt(passage: str, figures: Sequence[CheckedFigure], width: int = 80, table_unit: str = "") -> str:
    """The part of a passage around the first cited figure it states, on one line."""
    text = " ".join(passage.split())
    spans = figure_spans(text, figures, table_unit)
    written = {f.text for f in figures}  # prefer where the figure is written as in the answer
    at = next((s for s, e in spans if text[s:e] in written), spans[0][0] if spans else 0)
    start = max(0, min(at - width // 3, len(text) - width))
    snippet = text[start : start + width]
    return ("…" if start else "") + snippet + ("…" if start + width < len(text) else "")


def place(citation: Citation) -> str:
    """How a footnote names a source: 《title》（file），第9页."""
    where = f"，{citation.page_label}" if citation.page_label else ""
    return f"《{citation.title}》（{citation.doc}）{where}"
