"""Typed records that flow one way through ReportQA: RawPage -> Page -> Chunk -> Hit.

This module imports nothing else from the project: it is the shared vocabulary of the
ingest pipeline, the stores and the answering chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DOC_TYPES = (
    "绩效自评报告",
    "部门预算",
    "单位预算",
    "部门决算",
    "三公经费说明",
    "政府工作报告",
    "其他",
)


@dataclass(frozen=True)
class RawPage:
    """One page (PDF) or section (DOCX/TXT) of text as the loader read it."""

    number: int | None  # 1-based PDF page; None where the format has no pages
    label: str  # how a citation names the place: "第3页" or "第12–40段"
    text: str


@dataclass(frozen=True)
class Page:
    """A cleaned page: ``doc_text[start:end]`` is its cleaned text."""

    number: int | None
    label: str
    start: int
    end: int


@dataclass(frozen=True)
class DocumentInfo:
    """What ReportQA knows about one ingested document."""

    doc_id: str  # content sha256
    doc: str  # file name
    title: str
    department: str
    year: int | None
    doc_type: str
    pages: int
    chunks: int = 0
    source_path: str = ""

    @property
    def sha256(self) -> str:
        return self.doc_id


@dataclass(frozen=True)
class CleanDocument:
    """The cleaned text of a whole document, with the page each span came from."""

    text: str
    pages: tuple[Page, ...]

    def page_at(self, offset: int) -> Page:
        for page in self.pages:
            if page.start <= offset < page.end:
                return page
        return self.pages[-1]


@dataclass(frozen=True)
class Chunk:
    """A passage of a document: ``document.text[start:end] == text``."""

    doc_id: str
    index: int
    text: str
    start: int
    end: int
    page: int | None
    page_end: int | None
    page_label: str
    headings: tuple[str, ...] = ()
    table_unit: str = ""  # unit of the table this chunk is part of (元, 万元), from its 单位 line
    # (offset in ``text``, page number, page label) of every page the chunk touches, first at 0
    page_spans: tuple[tuple[int, int | None, str], ...] = ()

    @property
    def chunk_id(self) -> str:
        return f"{self.doc_id[:16]}-{self.index:05d}"


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with the document it belongs to and its score."""

    chunk_id: str
    text: str
    score: float
    info: DocumentInfo
    page: int | None
    page_label: str
    headings: tuple[str, ...] = ()
    index: int = 0
    sources: tuple[str, ...] = field(default=())  # which retrievers found it
    start: int = 0  # offsets of ``text`` in the document's cleaned text
    end: int = 0
    table_unit: str = ""
    page_spans: tuple[tuple[int, int | None, str], ...] = ()

    def page_of(self, offset: int) -> tuple[int | None, str]:
        """The page (number, label) of a position in ``text``: where a quoted sentence stands."""
        found = (self.page, self.page_label)
        for start, number, label in self.page_spans:
            if start <= offset:
                found = (number, label)
        return found


@dataclass(frozen=True)
class Citation:
    """Source ``[n]`` of an answer: the passage, where it is, and how well it matched."""

    n: int
    doc: str
    title: str
    page: int | None
    page_label: str
    text: str
    score: float
    chunk_id: str = ""
    table_unit: str = ""  # unit of the table the passage is from (元, 万元), "" for prose


@dataclass(frozen=True)
class CheckedFigure:
    text: str
    verified: bool


@dataclass(frozen=True)
class Draft:
    """What the model step of the chain returns: text with [n] markers, or a refusal."""

    text: str
    refused: bool = False
    reason: str = ""
    quotes: tuple[tuple[int, str], ...] = ()  # source n -> the sentence quoted from it


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    refused: bool
    reason: str
    citations: tuple[Citation, ...]
    figures: tuple[CheckedFigure, ...]
    mode: str  # "extractive" | "llm"
    timings_ms: dict[str, float] = field(default_factory=dict)
    nearest: tuple[str, ...] = ()
