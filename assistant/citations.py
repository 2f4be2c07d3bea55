"""Citations and the figure check: [n] markers renumbered to the passages they point at, and
every figure of an answer checked against a passage its own sentence cites. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.figures import chinese_figures, cited_after, find_figures, supported
from assistant.records import CheckedFigure, Citation, Hit
from assistant.zh import MARKER

REMOVED = "［未核实数字已删除］"  # where a figure its passage does not print stood


def resolve_citations(
    text: str, hits: Sequence[Hit], quotes: Sequence[tuple[int, str]] = ()
) -> tuple[str, list[Citation]]:
    """Renumber the [n] markers that point at a source; drop the ones that point nowhere. The
    page of a citation is the page of the sentence quoted from it, when the model says which."""
    quoted = dict(quotes)
    order: dict[int, int] = {}
    citations: list[Citation] = []

    def renumber(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if not 1 <= n <= len(hits):
            return ""
        if n not in order:
            hit = hits[n - 1]
            order[n] = len(order) + 1
            at = hit.text.find(quoted[n]) if n in quoted else -1
            page, label = hit.page_of(at) if at >= 0 else (hit.page, hit.page_label)
            citations.append(Citation(order[n], hit, page, label))
        return f"[{order[n]}]"

    return MARKER.sub(renumber, text), citations


def check_figures(text: str, citations: Sequence[Citation]) -> tuple[str, list[CheckedFigure]]:
    """Every figure must be stated in a passage its own sentence cites (the first [n] run after
    it; all sources when none follows). Unsupported figures are removed, never shown as fact."""
    by_number = {c.n: c for c in citations}

    def cited(position: int) -> list[Citation]:
        return [by_number[n] for n in cited_after(text, position) if n in by_number] or list(citations)

    checked: list[tuple[int, int, str, bool]] = []
    for figure in find_figures(text):
        sources = cited(figure.end)
        ok = supported(figure, [c.text for c in sources], [c.table_unit for c in sources])
        checked.append((figure.start, figure.end, figure.text, ok))
    for match in chinese_figures(text):
        ok = any(match.group() in c.text for c in cited(match.end()))
        checked.append((match.start(), match.end(), match.group(), ok))
    checked.sort()
    kept = text
    for start, end, _, ok in reversed(checked):
        if not ok:
            kept = kept[:start] + REMOVED + kept[end:]
    return kept, [CheckedFigure(figure, ok) for _, _, figure, ok in checked]
