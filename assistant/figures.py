"""Figures in answers: find them, normalise them and check them against the cited passages. Pure.

A figure is supported by a passage that states the same quantity: the same number of the same
kind (money, percent, count of the same thing), money compared after unit conversion
(6,522,681元 = 652.2681万元), and not with the opposite direction (增长 vs 下降).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from assistant.records import FigureKind
from assistant.zh import MARKER_RUN

FULL_WIDTH = str.maketrans("０１２３４５６７８９．％－", "0123456789.%-")
FIGURE = re.compile(
    r"(?<![\d.])(?<!\d,)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d])\s*(%|‰|万亿元|亿元|万元|元|万亿|亿|万)?"
)
MULTIPLIER = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "万亿": Decimal(10**12)}
MONEY = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000), "万亿元": Decimal(10**12)}
MEASURE = re.compile(r"\s*([\u4e00-\u9fff]{1,2})")
NOT_MEASURES = frozenset(
    [
        "左右",
        "以上",
        "以内",
        "以下",
        "多",
        "余",
        "约",
        "和",
        "与",
        "及",
        "或",
        "的",
        "为",
        "是",
        "比",
        "较",
        "同比",
        "其中",
        "主要",
        "增长",
        "增加",
        "下降",
        "减少",
    ]
)
IGNORED_CONTEXT = re.compile(r"^\s*(?:年|月|日|号|季度|次会议|届|部分)")
DOWN = re.compile(r"(?:下降|减少|降低|下滑|回落|缩减|减)[^\d，。；]{0,3}$")
UP = re.compile(r"(?:增长|增加|提高|上升|提升|增)[^\d，。；]{0,3}$")
CN_FIGURE = re.compile(r"[零一二两三四五六七八九十百千万亿]{2,}(?:万元|亿元|元|万人|人|个|件|次|项|家|处|倍)")
# 科目 codes of budget tables (212, 212 01, 212 01 04) name an item; they are not quantities
SUBJECT_CODE = re.compile(
    r"(?<![\d,.])\d{3}(?: \d{2}){0,2}(?= [\u4e00-\u9fff])|(?<=（科目)\d{3}(?: \d{1,2}){0,2}(?=）)"
)


@dataclass(frozen=True)
class Figure:
    text: str  # as written
    value: Decimal  # the number as written, before units
    kind: FigureKind
    unit: str  # as written: 元, 万元, %, 万 ... ("" for none)
    amount: Decimal  # value in yuan (money), percent points (percent), or units (count)
    measure: str  # what a count counts: 人, 件, 平方 ... ("" when nothing follows)
    direction: int  # -1 after 下降/减少, +1 after 增长/增加, 0 otherwise
    start: int
    end: int


def normalise(text: str) -> str:
    return text.translate(FULL_WIDTH)


def _direction(before: str) -> int:
    if DOWN.search(before):
        return -1
    if UP.search(before):
        return 1
    return 0


def find_figures(text: str, default_unit: str = "") -> list[Figure]:
    """Numbers in ``text`` that state a quantity (years, dates and citation markers excluded).
    ``default_unit``: the unit of a table (单位：元) for its numbers written without one."""
    text = normalise(text)
    codes = [m.span() for m in SUBJECT_CODE.finditer(text)]
    figures = []
    for match in FIGURE.finditer(text):
        if any(start <= match.start() < end for start, end in codes):
            continue
        number, unit = match.group(1), match.group(2) or ""
        unit = unit or (default_unit if default_unit in MONEY and not MEASURE.match(text[match.end() :]) else "")
        if match.start() > 0 and text[match.start() - 1] == "[":
            continue  # a citation marker [n]
        rest = text[match.end() :]
        if not unit and IGNORED_CONTEXT.match(rest):
            continue  # 2022年, 3月, 15日
        try:
            value = Decimal(number.replace(",", ""))
        except InvalidOperation:
            continue
        measure_match = MEASURE.match(rest)
        measure = measure_match.group(1) if measure_match else ""
        measure = "" if measure in NOT_MEASURES or measure[:1] in NOT_MEASURES else measure
        kind: FigureKind
        if unit in MONEY:
            kind, amount = "money", value * MONEY[unit]
        elif unit in ("%", "‰"):
            kind, amount = "percent", value if unit == "%" else value / 10
        else:
            kind, amount = "count", value * MULTIPLIER.get(unit, Decimal(1))
        direction = _direction(text[max(0, match.start() - 6) : match.start()])
        figures.append(
            Figure(match.group(0).strip(), value, kind, unit, amount, measure, direction, match.start(), match.end())
        )
    return figures


def converted(amount: Decimal, unit: str, like: Decimal, rounding: str | None = None) -> Decimal:
    """``amount`` yuan in ``unit``, rounded to as many decimals as ``like`` has (``rounding``: a
    ``decimal`` mode; None is the context's, half to even)."""
    places = max(0, -int(like.as_tuple().exponent))
    return (amount / MONEY[unit]).quantize(Decimal(1).scaleb(-places), rounding=rounding)


WAN_PLACES = Decimal("0.01")  # an amount converted to 万元 is shown to 2 places


def yuan_in_wan(amount: Decimal, rounding: str | None = None) -> Decimal:
    """The one 元 -> 万元 conversion answers show: ``amount`` yuan in 万元, to 2 places.

    Two roundings are in use and kept as they were: a table row quoted by the offline answerer
    rounds half to even (the default, as the figure check converts), a comparison's amounts and
    difference round half up (``decimal.ROUND_HALF_UP``). They differ only on an exact half cent,
    12,250元: 1.22 and 1.23万元."""
    return converted(amount, "万元", WAN_PLACES, rounding)


def same_quantity(a: Figure, b: Figure) -> bool:
    """Whether answer figure ``a`` states passage figure ``b``; money written in another unit may
    be rounded (6,043,390元 is 604.34万元), as code that converts units writes it."""
    if a.kind != b.kind:
        return False
    if a.amount != b.amount:
        rounded = a.kind == "money" and a.unit != b.unit and converted(b.amount, a.unit, a.value) == a.value
        if not rounded:
            return False
    if a.direction and b.direction and a.direction != b.direction:
        return False
    return a.kind != "count" or a.measure == b.measure or not a.measure or not b.measure


def supported(figure: Figure, passages: Sequence[str], units: Sequence[str] = ()) -> bool:
    """Whether one of the passages states the same quantity (``units``: each passage's table unit)."""
    for i, passage in enumerate(passages):
        unit = units[i] if i < len(units) else ""
        others = find_figures(passage) + (find_figures(passage, unit) if unit else [])
        if any(same_quantity(figure, other) for other in others):
            return True
    return False


def chinese_figures(text: str) -> list[re.Match[str]]:
    """Quantities written in Chinese numerals (三千万元): verifiable only as exact quotes."""
    return list(CN_FIGURE.finditer(text))


def cited_after(text: str, position: int) -> list[int]:
    """The source numbers of the first run of [n] markers after ``position`` ([] if none)."""
    run = MARKER_RUN.search(text, position)
    return [int(n) for n in re.findall(r"\d+", run.group())] if run else []


def plain_number(text: str) -> str:
    """A figure as compared by the evaluation: no spaces or thousands separators."""
    return re.sub(r"[\s,]", "", normalise(text))


def gold_value(text: str) -> Decimal | None:
    try:
        return Decimal(re.sub(r"[\s,%％]", "", normalise(text)))
    except InvalidOperation:
        return None


def states_value(text: str, value: Decimal) -> bool:
    """Whether ``text`` states the number ``value`` as a figure (not as part of a year or a code)."""
    return any(f.value == value for f in find_figures(text))
