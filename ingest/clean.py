"""Cleaning of Chinese PDF text: rejoin hard-wrapped lines, drop page furniture, keep numbers.

Pure functions. ``clean_document`` returns the cleaned text, the page each span came from
and, for every cleaned character, its offset in the raw text of its page, so a citation can
show the original passage.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.records import CleanDocument, Page, RawPage
from assistant.zh import SENTENCE_END

FOOTER = re.compile(
    r"^(?:[-－—–]\s*\d{1,4}\s*[-－—–]"  # - 3 -
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"  # 第 3 页 / 第3页 共13页
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3 / 13
    r"|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
BARE_NUMBER = re.compile(r"^\d{1,4}$")
HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、"
    r"|[（(][一二三四五六七八九十]+[）)]"
    r"|[（(]\d{1,2}[）)]"
    r"|\d{1,2}[.．、](?!\d)"
    r"|第[一二三四五六七八九十]+[部章节条]"
    r"|[①②③④⑤⑥⑦⑧⑨⑩])"
)
NUMBER = re.compile(r"[-+]?\d[\d,，]*(?:\.\d+)?%?")
HEADER_CELL = re.compile(r"[\u4e00-\u9fff()（）/]{1,12}")
UNIT_LINE = re.compile(r"单位\s*[:：]\s*(元|万元|亿元|千元)")
LABEL_START = re.compile(r"^[\u4e00-\u9fff]{2,8}[:：]")  # 编制部门：… 预算主管部门：…
TABLE_TITLE = re.compile(r"^\S{0,40}表$")
LINE_END = SENTENCE_END + "：…"  # a line ending so is not wrapped: it ends a sentence, opens a list or trails off
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’、]")
INDENT = re.compile(r"^(?:\u3000|\s{2,})")
MIN_RUNNING_PAGES = 3


@dataclass(frozen=True)
class Line:
    page: int  # index into the raw pages
    start: int  # offset of ``text`` in the raw page text
    text: str  # stripped
    indented: bool


@dataclass(frozen=True)
class CleanResult:
    document: CleanDocument
    source_map: tuple[int, ...]  # cleaned offset -> raw offset within its page
    removed_lines: tuple[str, ...]


def is_structured(text: str) -> bool:
    """A table row or header: several whitespace-separated cells and no sentence punctuation."""
    if any(mark in text for mark in "。，；！？"):
        return False
    cells = text.split()
    if len(cells) < 2:
        return False
    numeric = sum(1 for cell in cells if NUMBER.fullmatch(cell))
    if numeric >= 2:
        return True
    # a header row: short cells of words only ("功能分类科目名称 合计 基本支出 项目支出")
    return len(cells) >= 2 and all(HEADER_CELL.fullmatch(cell) for cell in cells)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def split_lines(raw: RawPage, page_index: int) -> list[Line]:
    lines = []
    offset = 0
    for piece in raw.text.split("\n"):
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            lines.append(Line(page_index, offset + lead, stripped, bool(INDENT.match(piece))))
        offset += len(piece) + 1
    return lines


def running_lines(pages: Sequence[list[Line]]) -> set[str]:
    """First/last lines that repeat on many pages: running headers and footers."""
    if len(pages) < MIN_RUNNING_PAGES:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edge = {lines[0].text, lines[-1].text} if lines else set()
        counts.update(re.sub(r"\d+", "#", text) for text in edge)
    needed = max(MIN_RUNNING_PAGES, len(pages) // 2)
    return {text for text, count in counts.items() if count >= needed and len(text) <= 40 and text[-1] not in "。；"}


def drop_furniture(pages: Sequence[list[Line]]) -> tuple[list[list[Line]], list[str]]:
    """Remove page numbers and running headers from every page."""
    running = running_lines(pages)
    kept_pages, removed = [], []
    for lines in pages:
        kept = []
        for position, line in enumerate(lines):
            at_edge = position in (0, len(lines) - 1)
            if (
                FOOTER.match(line.text)
                or (at_edge and BARE_NUMBER.match(line.text))
                or (at_edge and re.sub(r"\d+", "#", line.text) in running)
            ):
                removed.append(line.text)
                continue
            kept.append(line)
        kept_pages.append(kept)
    return kept_pages, removed


def wrap_width(lines: Sequence[Line]) -> float:
    """The width at which this page hard-wraps prose: a high percentile of its line widths."""
    widths = sorted(display_width(line.text) for line in lines if not is_structured(line.text))
    if not widths:
        return 0.0
    return 0.8 * widths[int(0.8 * (len(widths) - 1))]


def continues(prev: Line, cur: Line, wrap_width: float) -> bool:
    """Whether ``cur`` is the hard-wrapped continuation of ``prev``."""
    if cur.indented or HEADING_START.match(cur.text) or LABEL_START.match(cur.text):
        return False
    if is_structured(cur.text) or TABLE_TITLE.search(prev.text):
        return False
    if is_structured(prev.text) or prev.text[-1] in LINE_END or UNIT_LINE.search(prev.text):
        return False
    return display_width(prev.text) >= wrap_width


def tidy_spaces(text: str) -> list[tuple[int, str]]:
    """Characters of a prose line to keep, with their offset: spaces next to CJK go."""
    kept = []
    for i, ch in enumerate(text):
        if ch.isspace():
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if not before or not after or before.isspace():
                continue
            if CJK.match(before) or CJK.match(after):
                continue
            kept.append((i, " "))
        else:
            kept.append((i, ch))
    return kept


def structured_chars(text: str) -> list[tuple[int, str]]:
    """Characters of a table row: whitespace runs become one space, cells stay apart."""
    kept: list[tuple[int, str]] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if kept and kept[-1][1] != " ":
                kept.append((i, " "))
        else:
            kept.append((i, ch))
    return kept


def clean_document(raw_pages: Sequence[RawPage]) -> CleanResult:
    pages_lines = [split_lines(raw, i) for i, raw in enumerate(raw_pages)]
    pages_lines, removed = drop_furniture(pages_lines)
    widths = [wrap_width(lines) for lines in pages_lines]
    chars: list[str] = []
    source: list[int] = []
    page_starts = [0] * len(raw_pages)
    prev: Line | None = None
    for index, lines in enumerate(pages_lines):
        page_starts[index] = len(chars)
        for line in lines:
            joined = prev is not None and continues(prev, line, widths[prev.page])
            if prev is not None and not joined:
                chars.append("\n")
                source.append(line.start - 1 if prev.page == line.page else line.start)
                if prev.page != line.page and page_starts[index] == len(chars) - 1:
                    page_starts[index] = len(chars)  # the newline belongs to the page before
            elif joined and prev is not None and _needs_space(prev, line):
                chars.append(" ")
                source.append(line.start)
            pieces = structured_chars(line.text) if is_structured(line.text) else tidy_spaces(line.text)
            for offset, ch in pieces:
                chars.append(ch)
                source.append(line.start + offset)
            prev = line
    text = "".join(chars)
    pages = []
    for index, raw in enumerate(raw_pages):
        start = page_starts[index]
        end = page_starts[index + 1] if index + 1 < len(raw_pages) else len(text)
        pages.append(Page(number=raw.number, label=raw.label, start=start, end=max(start, end)))
    return CleanResult(CleanDocument(text=text, pages=tuple(pages)), tuple(source), tuple(removed))


def _needs_space(prev: Line, cur: Line) -> bool:
    return prev.text[-1].isascii() and prev.text[-1].isalpha() and cur.text[0].isascii() and cur.text[0].isalpha()
