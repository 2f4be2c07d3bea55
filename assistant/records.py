"""Typed records that flow one way through ReportQA: RawPage -> Page -> Chunk -> Hit.

This module imports nothing else from the project: it is the shared vocabulary of the
ingest pipeline, the stores and the answering chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

DOC_TYPES = (
    "绩效自评报告",
    "部门预算",
    "单位预算",
    "部门决算",
    "三公经费说明",
    "政府工作报告",
    "绩效目标表",
    "其他",
)


LOOKING_BACK = ("政府工作报告", "绩效自评报告")  # given the year after the year they review

AnswerMode = Literal["extractive", "llm"]  # who wrote an answer or memo: code (摘录模式) or a model
IngestStatus = Literal["added", "replaced", "duplicate", "failed"]  # what importing a file did
CompareBy = Literal["year", "department"]  # what the groups of a comparison are
FigureKind = Literal["money", "percent", "count"]  # what a figure states

LowLine = TypeVar("LowLine")  # a page's low line is (text, score), a passage's its text


@dataclass(frozen=True)
class Ocr(Generic[LowLine]):
    """How a text was read: from the page's text layer, or recognised from its image (OCR).

    A page's low lines carry their scores (``Ocr[tuple[str, float]]``); a passage keeps only the
    text of the low lines that print a number (``Ocr[str]``)."""

    recognised: bool = False  # the text was recognised from the page image (no usable text layer)
    confidence: float = 1.0  # mean line score (a page), lowest score it holds (a passage); 1.0: a text layer
    low_lines: tuple[LowLine, ...] = ()  # recognised lines scored below the threshold


TEXT_LAYER: Ocr[Any] = Ocr()  # read from a text layer: nothing recognised


@dataclass(frozen=True)
class RawPage:
    """One page (PDF) or section (DOCX/TXT) of text as the loader read it."""

    number: int | None  # 1-based PDF page; None where the format has no pages
    label: str  # how a citation names the place: "第3页" or "第12–40段" (第3页（识别文本） when OCR'd)
    text: str
    ocr: Ocr[tuple[str, float]] = TEXT_LAYER  # low lines with their scores


@dataclass(frozen=True)
class TableRecord:
    """One row (one side of a row) of a budget table: what each figure in it is."""

    table: str  # the table's title: 2025年部门支出预算总表
    unit: str  # 元 / 万元, from the table's 单位 line; "" when it has none
    page: int | None
    label: tuple[str, ...]  # row label path, 类 > 款 > 项 for 科目 rows
    code: str  # 科目 code as printed, "212 01 04"; "" for rows without one
    cells: tuple[tuple[str, str], ...]  # (column header, value as printed)
    chunk: int = -1  # index of the chunk that holds the record's sentence (-1: not located)

    def sentence(self) -> str:
        """The record as one readable sentence, each value with its unit:
        ``城乡社区支出/城乡社区管理事务/城管执法（科目212 01 04）：合计6,522,681元，基本支出0元。``"""
        values = "，".join(
            f"{header}{value}{self.unit if not value.endswith('%') else ''}" for header, value in self.cells
        )
        label = "/".join(self.label)
        code = f"（科目{self.code}）" if self.code else ""
        if not self.cells:
            return f"{label}{code}：表中未填列数字。"
        return f"{label}{code}：{values}。" if label or code else f"{values}。"

    def to_dict(self) -> dict[str, object]:
        return {
            "table": self.table,
            "unit": self.unit,
            "page": self.page,
            "label": list(self.label),
            "code": self.code,
            "cells": [list(c) for c in self.cells],
            "chunk": self.chunk,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TableRecord:
        return cls(
            table=str(data["table"]),
            unit=str(data["unit"]),
            page=data["page"],
            label=tuple(data["label"]),
            code=str(data["code"]),
            cells=tuple((str(h), str(v)) for h, v in data["cells"]),
            chunk=int(data.get("chunk", -1)),
        )


@dataclass(frozen=True)
class CheckResult:
    """One consistency check on a document's tables (a total against the sum of its parts)."""

    rule: str  # 三公经费 = 各分项之和 / 合计 = 各列之和 / 上级科目 = 下级科目之和 / 收入总计 = 支出总计
    table: str
    page: int | None
    passed: bool
    detail: str  # the figures compared: 合计37.91 = 0 + 1.35 + 36.56

    def to_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "table": self.table, "page": self.page, "passed": self.passed, "detail": self.detail}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        return cls(str(data["rule"]), str(data["table"]), data["page"], bool(data["passed"]), str(data["detail"]))


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
    names: tuple[tuple[str, str], ...] = ()  # (name, where read: 标题/标注/封面/正文/文件名), best first
    scope: str = ""  # 本级 / 汇总 when the document says so
    confidence: float = 0.0  # how sure ``department`` is (1.0 titled or labelled … 0.5 file name)

    @property
    def sha256(self) -> str:
        return self.doc_id

    def looks_back_on(self, year: int) -> bool:
        """Whether the document is the one to read about ``year`` besides that year's own: a work
        report or an evaluation report reviews the year before it is given."""
        return self.year is not None and self.year - 1 == year and self.doc_type in LOOKING_BACK

    def mentions_year(self, year: int) -> bool:
        """Whether the document may state figures of ``year``: its own year, the year a report
        reviews, the year before a budget (上年执行数, 比上年)."""
        budget_before = self.year is not None and self.year - 1 == year and self.doc_type in ("部门预算", "单位预算")
        return self.year == year or self.looks_back_on(year) or budget_before

    @property
    def all_names(self) -> tuple[str, ...]:
        """The department and every other name the document goes by."""
        return tuple(dict.fromkeys(n for n in (self.department, *(name for name, _ in self.names)) if n))


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
    # from a recognised page (or touching one): the lowest of its pages' mean line scores and of the
    # low-scored lines it holds; those lines when they print a number
    ocr: Ocr[str] = TEXT_LAYER
    # sha256 of the text its vector was computed from (title, headings, passage): chunks with
    # the same key share one vector, so a re-ingest or a second copy of a report embeds nothing again
    embed_key: str = ""

    @property
    def chunk_id(self) -> str:
        return f"{self.doc_id[:16]}-{self.index:05d}"


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with the document it belongs to and its score. The passage's own fields
    are its ``chunk``'s: the ones most read (text, page, headings, unit) are properties here."""

    chunk_id: str  # the key the store found the chunk by
    chunk: Chunk
    score: float
    info: DocumentInfo
    sources: tuple[str, ...] = field(default=())  # which retrievers found it

    @property
    def text(self) -> str:
        return self.chunk.text

    @property
    def page(self) -> int | None:
        return self.chunk.page

    @property
    def page_label(self) -> str:
        return self.chunk.page_label

    @property
    def headings(self) -> tuple[str, ...]:
        return self.chunk.headings

    @property
    def table_unit(self) -> str:
        return self.chunk.table_unit

    def page_of(self, offset: int) -> tuple[int | None, str]:
        """The page (number, label) of a position in ``text``: where a quoted sentence stands."""
        found = (self.page, self.page_label)
        for start, number, label in self.chunk.page_spans:
            if start <= offset:
                found = (number, label)
        return found


@dataclass(frozen=True)
class Citation:
    """Source ``[n]`` of an answer: the hit it cites, at the page of the sentence quoted from it."""

    n: int
    hit: Hit
    page: int | None  # the quoted sentence's page (the passage's first page when none is quoted)
    page_label: str

    @property
    def doc(self) -> str:
        return self.hit.info.doc

    @property
    def title(self) -> str:
        return self.hit.info.title

    @property
    def text(self) -> str:
        return self.hit.text

    @property
    def score(self) -> float:
        return round(self.hit.score, 4)

    @property
    def chunk_id(self) -> str:
        return self.hit.chunk_id

    @property
    def table_unit(self) -> str:
        """Unit of the table the passage is from (元, 万元), "" for prose."""
        return self.hit.table_unit

    @property
    def ocr(self) -> Ocr[str]:
        """Whether the passage was recognised from a scanned page (识别文本), and its low lines."""
        return self.hit.chunk.ocr

    def to_dict(self) -> dict[str, object]:
        """The citation as flat JSON, the OCR fields under their own keys (``reportqa ask --json``)."""
        return {
            "n": self.n,
            "doc": self.doc,
            "title": self.title,
            "page": self.page,
            "page_label": self.page_label,
            "text": self.text,
            "score": self.score,
            "chunk_id": self.chunk_id,
            "table_unit": self.table_unit,
            "ocr": self.ocr.recognised,
            "ocr_confidence": self.ocr.confidence,
            "ocr_low": list(self.ocr.low_lines),
        }


@dataclass(frozen=True)
class CheckedFigure:
    text: str
    verified: bool  # stated in a passage its sentence cites (or, when computed, from verified figures)
    computed: bool = False  # a difference or change worked out in code from cited figures
    low_confidence: bool = False  # read from a recognised line scored below the threshold: check the original


@dataclass(frozen=True)
class ComparisonCell:
    """One item for one year or department: the figure as printed and the source that states it,
    or why it is missing."""

    group: str  # 2024年 / 万里街道
    value: str = ""  # 47.91万元, as printed; "" when missing
    n: int = 0  # citation number in the answer (0 when missing)
    missing: str = ""  # why there is no figure: 已收录的报告中没有2023年度的报告


@dataclass(frozen=True)
class ComparisonRow:
    item: str  # 三公经费
    cells: tuple[ComparisonCell, ...]
    difference: str = ""  # last minus first, computed in code: -10.00万元 ("" when not computable)
    change: str = ""  # percentage change against the first: -20.87%
    conclusion: str = ""


@dataclass(frozen=True)
class Comparison:
    """An item × year (or department) table, each cell cited; the arithmetic done in code."""

    groups: tuple[str, ...]
    rows: tuple[ComparisonRow, ...]
    basis: str = "后减前"  # years: the later less the earlier; departments: the one named first less the other


@dataclass(frozen=True)
class Draft:
    """What the model step of the chain returns: text with [n] markers, or a refusal."""

    text: str
    refused: bool = False
    reason: str = ""
    quotes: tuple[tuple[int, str], ...] = ()  # source n -> the sentence quoted from it
    mode: AnswerMode = "extractive"  # who wrote the text
    note: str = ""  # what the user should know about how it was written (a model that failed)


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    refused: bool
    reason: str
    citations: tuple[Citation, ...]
    figures: tuple[CheckedFigure, ...]
    mode: AnswerMode
    timings_ms: dict[str, float] = field(default_factory=dict)
    nearest: tuple[str, ...] = ()
    note: str = ""  # e.g. 无法连接模型服务；以下为摘录模式答案
    asked: str = ""  # the question as answered, when a follow-up was rewritten (那2024年呢？)
    comparison: Comparison | None = None  # for a comparison question: the table behind the answer
    candidates: tuple[str, ...] = ()  # an ambiguous name: the bodies answered, each labelled (您指的是…？)
    ambiguous: str = ""  # the name as the question wrote it (统计局), when several bodies answer to it

    def clarified(self) -> list[tuple[str, str]]:
        """For an ambiguous name: (candidate, the question asked again of that candidate)."""
        asked = self.asked or self.question
        return [(c, asked.replace(self.ambiguous, c, 1)) for c in self.candidates if self.ambiguous in asked]

    parts: tuple[str, ...] = ()  # a question in several parts: each part as asked
