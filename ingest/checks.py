"""Consistency checks on a document's table records, from the disclosure rules.

A budget table adds up: 三公经费 is the sum of its three parts, a 合计 column the sum of the
columns beside it, a 类 the sum of its 款, a 款 the sum of its 项, and 收入总计 equals 支出总计.
When extracted records do not add up, either the document is wrong or the extraction is: either
way the user hears about it at ingest instead of getting a wrong answer later.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from assistant.records import CheckResult, TableRecord

THREE_PUBLIC_PARTS = ("因公出国", "公务接待", "公务用车")


def amount(value: str) -> Decimal | None:
    """The amount a cell prints; None for anything else (a percentage, a dash)."""
    if "%" in value:
        return None
    try:
        return Decimal(value.replace(",", "").replace("－", "-"))
    except InvalidOperation:
        return None


def _tolerance(values: Sequence[str]) -> Decimal:
    """Rounded parts may miss their rounded total by one in the last place each."""
    places = max((len(v.split(".")[1]) for v in values if "." in v), default=0)
    return Decimal(1).scaleb(-places) * len(values) / 2


def _compare(
    rule: str, record: TableRecord, total: tuple[str, str], parts: Sequence[tuple[str, str]]
) -> CheckResult | None:
    values = [amount(v) for _, v in parts]
    expected = amount(total[1])
    if expected is None or any(v is None for v in values):
        return None  # not amounts: nothing to add up
    got = sum((v for v in values if v is not None), Decimal(0))
    passed = abs(got - expected) <= _tolerance([total[1], *(v for _, v in parts)])
    where = "/".join(record.label)
    detail = f"{where + '：' if where else ''}{total[0]}{total[1]} = " + " + ".join(f"{h} {v}" for h, v in parts)
    return CheckResult(rule, record.table, record.page, passed, detail if passed else detail.replace(" = ", " ≠ ", 1))


def three_public(records: Sequence[TableRecord]) -> list[CheckResult | None]:
    """三公经费合计 = 因公出国(境)费 + 公务接待费 + 公务用车购置及运行费 (and 用车小计 = 购置 + 运行)."""
    out: list[CheckResult | None] = []
    for record in records:
        cells = list(record.cells)
        total = next(((h, v) for h, v in cells if "三公" in h and ("合计" in h or h.endswith("三公”经费"))), None)
        parts = [(h, v) for h, v in cells if any(p in h for p in THREE_PUBLIC_PARTS) and h != "购置费"]
        parts = [(h, v) for h, v in parts if not h.endswith(("购置费", "运行费")) or "购置及运行费" in h]
        if total and len(parts) == len(THREE_PUBLIC_PARTS):
            out.append(_compare("三公经费 = 各分项之和", record, total, parts))
        car = next(((h, v) for h, v in cells if "公务用车" in h and "小计" in h), None)
        car_parts = [(h, v) for h, v in cells if h in ("购置费", "运行费")]
        if car and len(car_parts) == 2:
            out.append(_compare("公务用车购置及运行费 = 购置费 + 运行费", record, car, car_parts))
    return out


def row_totals(records: Sequence[TableRecord]) -> list[CheckResult | None]:
    """A row's leading 合计 column against the sum of the other columns of that row."""
    out: list[CheckResult | None] = []
    for record in records:
        if "三公" in record.table or len(record.cells) < 3:
            continue
        head, *rest = record.cells
        if head[0].endswith("合计") and not any("合计" in h or "小计" in h for h, _ in rest):
            out.append(_compare("合计 = 各列之和", record, head, rest))
    return out


def subject_totals(records: Sequence[TableRecord]) -> list[CheckResult | None]:
    """A 类 against the sum of its 款, a 款 against the sum of its 项, column by column."""
    out: list[CheckResult | None] = []
    by_table: dict[str, list[TableRecord]] = defaultdict(list)
    for record in records:
        if record.code:
            by_table[record.table].append(record)
    for rows in by_table.values():
        for parent in rows:
            depth = len(parent.code.split())
            children = [r for r in rows if r.code.startswith(parent.code + " ") and len(r.code.split()) == depth + 1]
            headers = {h for h, _ in parent.cells}
            if not children or any(h not in headers for c in children for h, _ in c.cells):
                continue
            for header, value in parent.cells:
                parts = [(c.code, dict(c.cells).get(header, "0")) for c in children]
                out.append(_compare("上级科目 = 下级科目之和", parent, (header, value), parts))
    return out


def grand_totals(records: Sequence[TableRecord]) -> list[CheckResult | None]:
    """收入总计 = 支出总计 (the two sides of a 收支总表)."""
    out: list[CheckResult | None] = []
    by_table: dict[str, list[TableRecord]] = defaultdict(list)
    for record in records:
        if record.label and record.label[-1] in ("收入总计", "支出总计", "总计") and record.cells:
            by_table[record.table].append(record)
    for rows in by_table.values():
        income = next((r for r in rows if r.label[-1] in ("收入总计", "总计")), None)
        spend = next((r for r in rows if r is not income and r.label[-1] in ("支出总计", "总计")), None)
        if income and spend:
            out.append(_compare("收入总计 = 支出总计", income, income.cells[0], [spend.cells[0]]))
    return out


def run_checks(records: Sequence[TableRecord]) -> list[CheckResult]:
    found = [*three_public(records), *row_totals(records), *subject_totals(records), *grand_totals(records)]
    return [c for c in found if c is not None]
