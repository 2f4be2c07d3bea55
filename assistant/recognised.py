"""Figures read from recognised text (scanned pages, OCR): a figure the answer takes from a
recognised line that scored low is flagged for checking against the original, never shown as
verified fact. The figure check itself is unchanged; this only adds the flag and a note. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.figures import find_figures, same_quantity
from assistant.records import Answer, CheckedFigure, Citation

WARNING = "⚠ 识别置信度低，请核对原件"
NOTE = "部分数字来自扫描件的识别文本，识别置信度低，请核对原件：{figures}"
LABEL = "识别文本"  # how a citation of a recognised page is labelled: 第3页（识别文本）


def flag_low_confidence(figures: Sequence[CheckedFigure], citations: Sequence[Citation]) -> list[CheckedFigure]:
    """``figures`` with ``low_confidence`` set on each one a cited recognised passage prints only
    in a line scored below the threshold."""
    low = [f for c in citations if c.ocr.recognised for line in c.ocr.low_lines for f in find_figures(line)]
    if not low:
        return list(figures)
    out = []
    for checked in figures:
        mine = find_figures(checked.text)
        flagged = not checked.computed and any(same_quantity(a, b) for a in mine for b in low)
        out.append(replace(checked, low_confidence=True) if flagged else checked)
    return out


def with_ocr_flags(answer: Answer) -> Answer:
    """The answer with its low-confidence figures flagged and named in its note."""
    figures = flag_low_confidence(answer.figures, answer.citations)
    flagged = [f.text for f in figures if f.low_confidence]
    if not flagged:
        return answer
    note = NOTE.format(figures="、".join(dict.fromkeys(flagged)))
    return replace(answer, figures=tuple(figures), note="；".join(n for n in (answer.note, note) if n))


def figure_mark(figure: CheckedFigure) -> str:
    """How the CLI marks a checked figure: ✓, ✗, （计算）, or — instead of ✓ — the low-confidence warning."""
    if figure.low_confidence and not figure.computed:
        return f"{figure.text}（{WARNING}）"
    return figure.text + ("（计算）" if figure.computed else "✓" if figure.verified else "✗")
