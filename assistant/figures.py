"""Figures in answers: find them, normalise them and check them against the cited passages. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

FULL_WIDTH = str.maketrans("０１２３４５６７８９．，％－", "0123456789.,%-")
FIGURE = re.compile(
    r"(?<![\d.])(\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(%|‰|亿元|万元|元|亿|万)?",
)
UNIT_SCALE = {
    "元": Decimal(1),
    "万元": Decimal(10_000),
    "亿元": Decimal(100_000_000),
    "万": Decimal(10_000),
    "亿": Decimal(100_000_000),
}
IGNORED_CONTEXT = re.compile(r"^\s*(?:年|月|日|号|季度|次会议|届)")


@dataclass(frozen=True)
class Figure:
    text: str  # as written in the answer
    value: Decimal  # plain number, before units
    unit: str  # "", "%", "元", "万元", "亿元", ...
    start: int
    end: int

    @property
    def amount_yuan(self) -> Decimal | None:
        scale = UNIT_SCALE.get(self.unit)
        return self.value * scale if scale is not None else None


def normalise(text: str) -> str:
    return text.translate(FULL_WIDTH)


def find_figures(text: str) -> list[Figure]:
    """Numbers in ``text`` that state a quantity (years, dates and citation markers excluded)."""
    text = normalise(text)
    figures = []
    for match in FIGURE.finditer(text):
        number, unit = match.group(1), match.group(2) or ""
        if match.start() > 0 and text[match.start() - 1] == "[":
            continue  # a citation marker [n]
        if not unit and IGNORED_CONTEXT.match(text[match.end() :]):
            continue  # 2022年, 3月, 15日
        try:
            value = Decimal(re.sub(r"[,，]", "", number))
        except InvalidOperation:
            continue
        figures.append(Figure(match.group(0).strip(), value, unit, match.start(), match.end()))
    return figures


def supported(figure: Figure, passages: list[str]) -> bool:
    """Whether a passage states the same quantity: same number and unit, or the same amount in
    another money unit (6,522,681元 = 652.2681万元), or the same plain number."""
    for passage in passages:
        for other in find_figures(passage):
            if other.value == figure.value and (other.unit == figure.unit or not figure.unit or not other.unit):
                return True
            a, b = figure.amount_yuan, other.amount_yuan
            if a is not None and b is not None and a == b:
                return True
    return False


def plain_number(text: str) -> str:
    """A figure as compared by the evaluation: no spaces or thousands separators."""
    return re.sub(r"[\s,，]", "", normalise(text))
