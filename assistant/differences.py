"""The arithmetic of a comparison, done in code: differences in a common unit, changes in
percent or percentage points, the sentence that says them, and the table shown. Pure."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from assistant.figures import MONEY, Figure, yuan_in_wan
from assistant.records import Comparison


def _places(*figures: Figure) -> int:
    return max(max(0, -int(f.value.as_tuple().exponent)) for f in figures)


def _format(value: Decimal, places: int) -> str:
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{rounded:,.{places}f}"


def in_wan(figure: Figure) -> str:
    """An amount printed in 元 also in 万元 (as officials write it), converted in code; "" otherwise."""
    if figure.kind != "money" or figure.unit != "元" or figure.amount < MONEY["万元"]:
        return ""
    return f"（约{_format(yuan_in_wan(figure.amount, ROUND_HALF_UP), 2)}万元）"


def common_unit(a: Figure, b: Figure) -> str:
    """The money unit a difference is given in: the figures' own, else the larger (at most 亿元)."""
    if a.unit == b.unit and a.unit in MONEY:
        return a.unit
    largest = max((u for u in (a.unit, b.unit) if u in MONEY), key=lambda u: MONEY[u], default="万元")
    return "亿元" if largest == "万亿元" else largest


def difference(first: Figure, last: Figure) -> tuple[Decimal, str, Decimal | None] | None:
    """``last`` minus ``first`` in a common unit, and the change in percent of ``first`` (None for
    rates, whose difference is in percentage points). None when the two are not comparable."""
    if first.kind != last.kind:
        return None
    if first.kind == "percent":
        return last.amount - first.amount, "个百分点", None
    if first.kind == "money":
        unit = common_unit(first, last)
        delta = (last.amount - first.amount) / MONEY[unit]
    else:
        if first.measure != last.measure:  # 980万人 and a bare 1000: not known to be alike
            return None
        unit, delta = first.measure or first.unit, last.amount - first.amount
        if first.unit == last.unit and first.unit:  # 46947万吨 and 49746万吨: 2799万吨
            unit, delta = first.unit + first.measure, last.value - first.value
    change = (last.amount - first.amount) / first.amount * 100 if first.amount else None
    return delta, unit, change


def _percent(value: Decimal) -> str:
    return f"{abs(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f}%"


def describe_change(first: tuple[str, Figure], last: tuple[str, Figure], by: str) -> tuple[str, str, str]:
    """(difference, change, sentence) for ``last`` against ``first``: 2025年比2024年减少10.00万元，下降20.87%."""
    (first_label, a), (last_label, b) = first, last
    result = difference(a, b)
    if result is None:
        return "", "", f"{last_label}与{first_label}的数字口径不同，未计算差额"
    delta, unit, change = result
    places = _places(a, b) if a.unit == b.unit or unit == "个百分点" else 2
    amount = _format(abs(delta), places) + unit
    if unit == "元" and max(a.amount, b.amount) >= MONEY["万元"]:  # and in 万元, from the 万元 figures shown
        wan = yuan_in_wan(b.amount, ROUND_HALF_UP) - yuan_in_wan(a.amount, ROUND_HALF_UP)
        amount += f"（约{_format(abs(wan), 2)}万元）"
    sign = "-" if delta < 0 else ""
    diff_text = sign + amount
    change_text = (sign + _percent(change)) if change is not None else ""
    if delta == 0:
        same = f"{last_label}与{first_label}持平，差额为{amount}"
        return diff_text, change_text, same + (f"（变化{_percent(change)}）" if change is not None else "")
    if unit == "个百分点":
        return diff_text, change_text, f"{last_label}比{first_label}{'高' if delta > 0 else '低'}{amount}"
    if by == "department":
        sentence = f"{last_label}比{first_label}{'多' if delta > 0 else '少'}{amount}"
        if change is not None:
            sentence += f"，{'高' if delta > 0 else '低'}{_percent(change)}"
            back = difference(b, a)  # the other way round, on the other base: both are read
            if back is not None and back[2] is not None:
                sentence += f"（{first_label}比{last_label}{'高' if delta < 0 else '低'}{_percent(back[2])}）"
        return diff_text, change_text, sentence
    sentence = f"{last_label}比{first_label}{'增加' if delta > 0 else '减少'}{amount}"
    if change is not None:
        sentence += f"，{'增长' if delta > 0 else '下降'}{_percent(change)}"
    return diff_text, change_text, sentence


def table_rows(comparison: Comparison) -> list[list[str]]:
    """The comparison as a grid for display: a header row, then one row per item; each cell is
    the figure with its citation marker, or 未找到 with the reason."""
    header = ["项目", *comparison.groups, f"差额（{comparison.basis}）", "增减幅度"]
    grid = [header]
    for row in comparison.rows:
        cells = [f"{c.value}[{c.n}]" if c.value else f"未找到：{c.missing}" for c in row.cells]
        grid.append([row.item, *cells, row.difference or "—", row.change or "—"])
    return grid
