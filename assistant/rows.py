"""Table rows as answers: the item a row is about, and how well a record's row and columns
match what a question names (城管执法, not the 款 above it; 基本支出 and 人员经费 as columns)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.figures import MONEY, converted, find_figures
from assistant.reading import Record, is_table_row, parse_record
from assistant.tables import bare_header

CODE = re.compile(r"^\d{3}(?: \d{2}){0,2} ")
QUOTES = re.compile(r"[\s“”‘’\"'「」《》,，]")
TOTALS = {"合计", "总计", "收入总计", "支出总计", "本年收入合计", "本年支出合计"}
BODY_SUFFIX = re.compile(r"[（(](?:本级|汇总|部门)[）)]$")
TOTAL_SUFFIX = re.compile(r"(?:合计|小计)$")


def row_label(row: str) -> str:
    """The item a table row is about: ``212 01 04 城管执法 6,522,681 ...`` -> ``城管执法``."""
    return " ".join(cell for cell in CODE.sub("", row).split() if not re.fullmatch(r"-?[\d,]+(?:\.\d+)?", cell))


def record_bonus(record: Record, question: str, department: str = "") -> float:
    """A record is the answer when its row is the item asked about (城管执法, not the 款 above
    it) and, better still, when the question names its columns (基本支出, 人员经费). The row
    named after the reporting body itself (深圳市某局（本级）：支出总计…) is the table's total."""
    plain = QUOTES.sub("", question)
    named = sum(1 for header, _ in record.cells if header and header in plain)
    # 一般公共预算支出中的基本支出 names two columns of the total row (一般公共预算支出合计, 基本支出)
    loosely = sum(1 for header, _ in record.cells if header and (header in plain or bare_header(header) in plain))
    bonus = 0.0
    if record.label:
        item = record_item(record)
        if department and len(record.label) == 1 and BODY_SUFFIX.sub("", item) == department:
            bonus += 0.2 if loosely else 0.05  # the body's own row: the total of every column
        elif item in TOTALS:  # the total row, when the question names two of its columns and no row
            bonus += 0.25 if item in plain or loosely >= 2 else 0.1 if loosely else -0.05
        elif re.fullmatch(r"(?:19|20)\d{2}\s*年度?", item):  # a column of years: the year is not the item
            bonus -= 0.05
        else:
            bonus += 0.25 if item and (item in plain or TOTAL_SUFFIX.sub("", item) in plain) else -0.05
    return bonus + min(named, 2) * 0.05


def record_item(record: Record) -> str:
    """The row's own item, without enumeration and quotes: 八、城乡社区支出 -> 城乡社区支出."""
    item = QUOTES.sub("", record.label[-1]) if record.label else ""
    return re.sub(r"^[一二三四五六七八九十]+、|^\d+[.．]", "", item)


CLASS_MARK = re.compile(r"[（(]\s*[类款项]\s*[）)]")


def narrative_for(row: str, unit: str, sentences: Sequence[str]) -> int | None:
    """Which of ``sentences`` states the item and amount of the table ``row`` as a report's
    sentence (in 万元 for a row in 元; 3．住房保障支出1856.69万元 for the record 住房保障支出：功能分类
    金额1,856.69万元); None when none does. A record in 元 or of several columns stays: it is quoted
    as the table prints it, and says more than the sentence."""
    record = parse_record(row)
    if record is None and not is_table_row(row):
        return None
    if record is not None and (unit == "元" or len(record.cells) > 1):
        return None
    label = _plain_label(record_item(record) if record is not None else row_label(row))
    amounts = find_figures(CODE.sub("", row), unit if unit in MONEY else "")
    if len(label) < 2 or not amounts or amounts[0].kind != "money":
        return None
    amount = amounts[0]
    for at, sentence in enumerate(sentences):
        # as it reads (住 房 保 障 spaced out is no sentence to quote), the amount right after the
        # item's name (not a table's title …基本支出预算表…金额10,403.11万元)
        plain = CLASS_MARK.sub("", sentence)
        named = plain.find(label)
        if is_table_row(sentence) or parse_record(sentence) or named < 0:
            continue
        for figure in find_figures(plain):
            if figure.kind != "money" or figure.unit not in MONEY:
                continue
            if unit == "元" and converted(amount.value, figure.unit, figure.value) == figure.value:
                return at
            right_after = re.fullmatch(r"[^：:，,；;。]{0,6}", plain[named + len(label) : figure.start])
            if right_after and figure.unit == (amount.unit or unit) and figure.value == amount.value:
                return at
    return None


def _plain_label(text: str) -> str:
    """住房保障（类）支出 -> 住房保障支出."""
    return CLASS_MARK.sub("", re.sub(r"\s+", "", text))
