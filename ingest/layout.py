"""Recognised boxes -> lines of a page in reading order. Pure.

The OCR engine returns one box per run of text. Boxes whose vertical centres lie within half a
line height of each other form one line, read left to right; a wide gap between two boxes of a
line is a gap between table cells and becomes whitespace, so a table row stays one line with its
cells in order (the cleaning and table stages treat it like a pypdf table row). A line that starts
well right of the page's left margin is marked as a paragraph start with the full-width indent a
PDF text layer has, so cleaning rejoins hard-wrapped prose exactly as it does for text pages.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

LOW_CONFIDENCE = 0.9  # a recognised line scored below this is not shown as verified fact
CELL_GAP = 1.0  # a gap wider than this many line heights separates table cells
INDENT = 1.2  # a line starting this many line heights right of the margin opens a paragraph
PARAGRAPH_INDENT = "\u3000\u3000"
NUMBER = re.compile(r"\d[\d,，.]*")
SPLIT_THOUSANDS = re.compile(r"(?<=\d)([,，])\s+(?=\d{3}(?!\d))")  # the engine reads 76,609,000 as 76, 609, 000


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float
    text: str
    score: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @classmethod
    def from_result(cls, item: Sequence[Any]) -> Box:
        """One ``[box (4 points), text, score]`` of rapidocr."""
        points, text, score = item
        xs = [float(p[0]) for p in points]
        ys = [float(p[1]) for p in points]
        text = SPLIT_THOUSANDS.sub(r"\1", str(text).strip())
        return cls(min(xs), min(ys), max(xs), max(ys), text, float(score))


@dataclass(frozen=True)
class Line:
    text: str  # cells separated by two spaces; a paragraph start begins with a full-width indent
    score: float  # the lowest score of its boxes
    left: float
    top: float


def group_lines(boxes: Sequence[Box]) -> list[list[Box]]:
    """Boxes grouped into lines (top to bottom), each line's boxes left to right."""
    boxes = [b for b in boxes if b.text]
    if not boxes:
        return []
    tolerance = statistics.median(b.height for b in boxes) / 2
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.middle):
        if lines and abs(box.middle - statistics.fmean(b.middle for b in lines[-1])) <= tolerance:
            lines[-1].append(box)
        else:
            lines.append([box])
    return [sorted(line, key=lambda b: b.left) for line in lines]


def join_line(boxes: Sequence[Box], height: float) -> str:
    """The boxes of one line as text: adjacent runs joined, table cells kept apart."""
    text = boxes[0].text
    for before, box in itertools.pairwise(boxes):
        gap = box.left - before.right
        text += "  " + box.text if gap > CELL_GAP * height else box.text
    return text


def layout_page(result: Sequence[Sequence[Any]]) -> list[Line]:
    """The page's lines in reading order from rapidocr's output."""
    grouped = group_lines([Box.from_result(item) for item in result])
    if not grouped:
        return []
    height = statistics.median(b.height for line in grouped for b in line)
    lefts = sorted(line[0].left for line in grouped)
    margin = lefts[len(lefts) // 10]  # the left edge most lines start at (a few stray boxes ignored)
    out = []
    for boxes in grouped:
        text = join_line(boxes, height)
        if boxes[0].left - margin > INDENT * height:
            text = PARAGRAPH_INDENT + text
        out.append(Line(text, min(b.score for b in boxes), boxes[0].left, boxes[0].top))
    return out


def fix_quotes(text: str) -> str:
    """The engine reads a closing ” as ASCII "; put it back after an opening “."""
    out, open_quote = [], False
    for ch in text:
        if ch == '"':
            ch = "”" if open_quote else "“"
        if ch in "“”":
            open_quote = ch == "“"
        out.append(ch)
    return "".join(out)


def numbers_in(text: str) -> list[str]:
    """The numbers a line prints, separators removed (to find the line again in a chunk)."""
    return [re.sub(r"[,，]", "", n).rstrip(".") for n in NUMBER.findall(text)]
