"""Comparison questions answered: the same item found separately for each group of a plan
(``comparison_plan``), aligned in a table with a citation per cell, and the differences worked out
in code. Pure: ``Assistant`` runs the sub-questions.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.cells import expected_kind, in_column_of, inner_item, item_names, measured, pick_value, printed_measure
from assistant.comparison_plan import Group, Plan, is_comparison, items_of, plan_comparison, sub_question
from assistant.differences import describe_change, in_wan
from assistant.figures import Figure, cited_after, find_figures, states_value
from assistant.reading import YEAR_MENTION
from assistant.records import (
    Answer,
    CheckedFigure,
    Citation,
    Comparison,
    ComparisonCell,
    ComparisonRow,
)
from assistant.zh import NOT_FOUND, SOURCE_LABEL

__all__ = ["Compared", "Group", "Plan", "compare", "is_comparison", "items_of", "plan_comparison", "sub_question"]

BASIS = {"year": "后减前", "department": "前减后"}  # what the difference column holds
COMPUTED_NOTE = "（差额和增减幅度由程序根据所引数字计算）"


@dataclass(frozen=True)
class Compared:
    """What ``compare`` returns for ``Assistant`` to wrap in an ``Answer``."""

    text: str  # with [n] markers; the cell figures checked, the computed ones marked
    citations: tuple[Citation, ...]
    figures: tuple[CheckedFigure, ...]
    comparison: Comparison
    refused: bool = False
    reason: str = ""


def compare(
    plan: Plan,
    question: str,
    ask_one: Callable[[str, Sequence[str]], Answer],
    check: Callable[[str, Sequence[Citation]], tuple[str, list[CheckedFigure]]],
) -> Compared:
    """Ask each group for each item, align the figures, work out the differences.

    ``ask_one(question, doc_ids)`` answers from those documents only; ``check`` is the figure
    check of the answering chain, run again on the assembled cells."""
    citations: list[Citation] = []
    rows: list[ComparisonRow] = []
    lines: list[str] = []
    computed: list[CheckedFigure] = []
    figures: list[CheckedFigure] = []
    for item in plan.items:
        kind = expected_kind(item, question)
        cells: list[ComparisonCell] = []
        found: list[tuple[str, Figure]] = []
        parts: list[str] = []
        worked_out: list[str] = []  # last year's level from this year's and the stated change
        for index, group in enumerate(plan.groups):
            cell = _cell(plan, group, item, kind, ask_one, citations)
            cells.append(cell.cell)
            before = _year_before(plan, index, cells)  # 今年比去年多了还是少了, last year not found
            printed = _read_before(plan, cell, before, group, item, kind, ask_one, citations) if before else None
            if printed is not None and before is not None:  # 决算数507.98万元，较2022年决算数427.83万元
                level, n = printed
                cells[-2] = ComparisonCell(before.label, level.text, n)
                parts[-1] = f"{before.label}{level.text}{in_wan(level)}[{n}]"
                worked_out.append(f"{before.label}的数字为{group.label}报告所列的上年数")
                found.append((before.label, level))
                before = None
            stated = None
            if cell.figure is not None and (EACH_CHANGE.search(question) or before):
                stated = _stated_change(cell, plan, group, item, ask_one, citations)
            parts.append(_with_change(cell.part, stated))
            prior = _level_before(cell.figure, stated) if before and stated else None
            if prior is not None and before is not None and stated is not None:
                cells[-2] = ComparisonCell(before.label, f"{prior.text}（推算）", stated[1])
                worked_out.append(f"{before.label}{prior.text}由{group.label}的数字和所述增减推算")
                found.append((before.label, prior))
            if cell.figure is not None:
                found.append((group.label, cell.figure))
        line, checked = check(f"{item}：" + "，".join(parts), citations)
        figures += checked
        if not all(f.verified for f in checked):
            found = []  # no arithmetic on a figure the check did not find in its source
        difference_text, change_text, sentences = _changes(found, plan.by)
        conclusion = "；".join(worked_out + sentences)
        for sentence in worked_out + sentences:
            computed += [CheckedFigure(f.text, True, computed=True) for f in find_figures(sentence)]
        rows.append(ComparisonRow(item, tuple(cells), difference_text, change_text, conclusion))
        lines.append(line + (f"；{conclusion}" if conclusion else "") + "。")
    comparison = Comparison(tuple(g.label for g in plan.groups), tuple(rows), BASIS[plan.by])
    if not citations:
        reasons = "；".join(dict.fromkeys(c.missing for row in rows for c in row.cells if c.missing))
        return Compared("", (), (), comparison, True, reasons)
    text = "\n".join(lines) + (COMPUTED_NOTE if computed else "")
    if plan.chosen:  # the question named no department: say whose figures these are
        text = f"（问题未指明部门，以下为{'、'.join(plan.departments)}的数字）\n" + text
    return Compared(text, tuple(citations), tuple(figures) + tuple(computed), comparison)


@dataclass(frozen=True)
class _Cell:
    cell: ComparisonCell
    part: str  # the cell as the answer's sentence says it
    figure: Figure | None = None
    after: str = ""  # what the sub-answer says right after the figure
    sentence: str = ""  # the sub-answer's sentence that holds the figure
    at: int = 0  # where the figure starts in ``sentence``


# 各增减了多少 of each group: the change each report states beside its figure
EACH_CHANGE = re.compile(
    r"(?:各|分别)(?:是|有)?(?:增减|增长|增加|减少|下降|变化|[增减多少变])了?(?:多少|几)|(?:各|分别)(?:是|有)?什么变化|"
    r"(?:增幅|降幅|增减)(?:各|分别)(?:是|为)?多少|"
    r"(?:各|分别)(?:是)?(?:多了还是少了|增加还是减少|增加了还是减少了)|比上年(?:预算)?(?:各|分别)|"
    r"哪[个家些]是?(?:增加|减少|增长|下降)的|"
    r"每年(?:都)?(?:比上年|比前一年|比去年)(?:各)?(?:涨|增|增长|增加|多|减少|少|降)了?(?:多少|几)"
)
STATED_CHANGE = re.compile(
    r"^[，,]\s*((?:较|比|同比)[^，,。；;\[]{0,16}?(?:增加|减少|增长|下降|持平)(?:\d,\d|[^，,。；;\[]){0,12}"
    r"(?:[，,]\s*(?:增长|下降)[\d.]+%)?)"
)


# 决算数为507.98万元，较2022年决算数427.83万元: the year before, printed beside this year's figure
PRINTED_BEFORE = re.compile(
    r"^[，,]?\s*(?:较|比|同比)(上年|去年|上一年|(?:19|20)\d{2}年)度?(?:同期)?(?:年初)?(?:决算|预算|执行|实际)?(?:支出)?数?(?:为|是)?\s*"
)


def _label_year(label: str) -> int | None:
    found = re.fullmatch(r"((?:19|20)\d{2})年", label)
    return int(found.group(1)) if found else None


def _year_before(plan: Plan, index: int, cells: Sequence[ComparisonCell]) -> Group | None:
    """The group of the year just before ``index`` when its figure was not found: no report
    covers it, or its reports (an evaluation report of that year) do not state it."""
    if plan.by != "year" or index == 0 or not cells[index - 1].missing:
        return None
    year, before = _label_year(plan.groups[index].label), _label_year(plan.groups[index - 1].label)
    return plan.groups[index - 1] if year and before and year - before == 1 else None


def _printed_before(cell: _Cell, before: Group) -> Figure | None:
    """Last year's level as this year's report prints it right after this year's figure
    (决算支出数为507.98万元，较2022年决算数427.83万元…; 比上年预算数22.00万元…); None when the
    figure is followed by a change only (比上年减少5万元)."""
    if cell.figure is None:
        return None
    year, this = _label_year(before.label), _label_year(cell.cell.group)
    if year is not None and this is not None:  # 上年决算数1679.69万元，本年决算数1590.94万元: its column
        own = next(iter(find_figures(cell.sentence[cell.at :])), None)
        found = replace(own, start=own.start + cell.at, end=own.end + cell.at) if own else None
        column = in_column_of(cell.sentence, found, year, this) if found else None
        if column is not None and column is not found:
            return column
    said = PRINTED_BEFORE.match(cell.after)
    if said is None or said.group(1) not in ("上年", "去年", "上一年", before.label):
        return None
    figure = next(iter(find_figures(cell.after[said.end() :])), None)
    if figure is None or figure.start != 0 or figure.kind != cell.figure.kind or figure.unit != cell.figure.unit:
        return None
    return figure


def _read_before(
    plan: Plan,
    cell: _Cell,
    before: Group,
    group: Group,
    item: str,
    kind: str,
    ask_one: Callable[[str, Sequence[str]], Answer],
    citations: list[Citation],
) -> tuple[Figure, int] | None:
    """Last year's level as this year's report prints it, and the number of the passage that says
    it: beside this year's figure, else in a sentence of its own (2021年的…合计为807.95万)."""
    beside = _printed_before(cell, before)
    if beside is not None:
        return beside, cell.cell.n
    return _read_in_next(plan, before, group, item, kind, ask_one, citations) if cell.figure is not None else None


def _read_in_next(
    plan: Plan,
    before: Group,
    group: Group,
    item: str,
    kind: str,
    ask_one: Callable[[str, Sequence[str]], Answer],
    citations: list[Citation],
) -> tuple[Figure, int] | None:
    """Last year's figure as this year's report states it in a sentence of last year alone
    (2021年的三公经费决算数合计为807.95万), asked of this year's documents and cited to them."""
    year = _label_year(before.label)
    if year is None:
        return None
    answer = ask_one(sub_question(plan, before, item), group.doc_ids)
    picked = pick_value(answer, item, kind)
    if picked is None:
        return None
    figure, citation = picked
    text = SOURCE_LABEL.sub("", answer.answer[: figure.start])
    start = max(text.rfind(edge) for edge in "。；;\n]") + 1
    sentence = text[start:] + answer.answer[figure.start : answer.answer.find("[", figure.end)]
    if {int(y) for y in YEAR_MENTION.findall(sentence)} != {year}:
        return None
    return figure, _cited(citation, citations).n


def _with_change(part: str, stated: tuple[str, int] | None) -> str:
    """A cell with the change its report states: before the cell's own citation when it is the
    cell's passage, else with the citation of the passage that says it."""
    if stated is None:
        return part
    change, n = stated
    at = part.rfind("[")
    if part[at:] == f"[{n}]":
        return f"{part[:at]}（{change}）{part[at:]}"
    return f"{part}（{change}[{n}]）"


def _level_before(figure: Figure | None, stated: tuple[str, int]) -> Figure | None:
    """Last year's level worked out from this year's and the change its report states (较上年增加
    8.10万元: 27.60 - 8.10); None unless both are money in one unit."""
    change = next((f for f in find_figures(stated[0]) if f.kind == "money"), None)
    if figure is None or change is None or change.unit != figure.unit or not change.direction:
        return None
    value = figure.value - change.direction * change.value
    places = max(0, -int(figure.value.as_tuple().exponent))
    text = f"{value:,.{places}f}{figure.unit}"
    found = find_figures(text)
    return found[0] if found and value >= 0 else None


def _stated_change(
    cell: _Cell,
    plan: Plan,
    group: Group,
    item: str,
    ask_one: Callable[[str, Sequence[str]], Answer],
    citations: list[Citation],
) -> tuple[str, int] | None:
    """The change the cell's report states of the item, and the number of the passage that says
    it: right after the figure (较2025年年初预算减少878.34万元，下降10.9%) in the cited sentence;
    else said of the item elsewhere, asked for and cited on its own."""
    stated = STATED_CHANGE.match(cell.after)
    if stated:
        return stated.group(1), cell.cell.n
    asked = sub_question(plan, group, item).removesuffix(f"{plan.asks}？") + "比上年增减多少？"
    answer = ask_one(asked, group.doc_ids)
    said = None if answer.refused else CHANGE_OF.search(answer.answer)
    numbers = cited_after(answer.answer, said.end()) if said else []
    source = next((c for c in answer.citations if c.n in numbers), None)
    if said is None or source is None or not _said_of(answer.answer[: said.start()], item):
        return None
    if not all(states_value(source.text, f.value) for f in find_figures(said.group(1))):
        return None  # a figure its passage does not print is never shown
    return said.group(1), _cited(source, citations).n


# 部门预算收入4,676.96万元，较2025年年初预算增加206.09万元: the change said of the item
CHANGE_OF = re.compile(
    r"[，,]\s*((?:较|比|与上年相比|与上年度相比)[^，,。；;\[]{0,16}?(?:增加|减少|增长|下降|持平)(?:\d,\d|[^，,。；;\[]){0,12})"
)


OF_PART = re.compile(r"(?<=[出算费入表计])的")  # 一般公共预算基本支出的公用经费: a part of a total


def _cell(
    plan: Plan,
    group: Group,
    item: str,
    kind: str,
    ask_one: Callable[[str, Sequence[str]], Answer],
    citations: list[Citation],
) -> _Cell:
    """One group's figure for one item, its citation added to ``citations`` (a passage cited
    twice keeps one number); or why there is none."""
    if group.missing:
        return _Cell(ComparisonCell(group.label, missing=group.missing), f"{group.label}：{group.missing}")
    answer = ask_one(sub_question(plan, group, item), group.doc_ids)
    picked = pick_value(answer, item, kind)
    for inner in (inner_item(item), OF_PART.split(item)[-1]):  # 基本支出里的公用经费: then 公用经费 alone
        if picked is None and inner != item and len(inner) >= 2:
            answer = ask_one(sub_question(plan, group, inner), group.doc_ids)
            picked = pick_value(answer, item, kind)
    year = _label_year(group.label)
    if picked is not None and year is not None:  # 2014年决算数977.3万元，2015年决算数918.5万元: the year's column
        in_year = in_column_of(answer.answer, picked[0], year, year)
        picked = (in_year, picked[1]) if in_year is not None else None
    if picked is None:
        why = answer.reason if answer.refused and answer.reason else f"{NOT_FOUND}所问的数字"
        return _Cell(ComparisonCell(group.label, missing=f"{NOT_FOUND}（{why}）"), f"{group.label}：{NOT_FOUND}")
    figure, citation = picked
    same = _cited(citation, citations)
    shown = figure.text + (figure.measure if figure.kind == "count" else "")  # 46947万吨, 36台
    if measured(item)[1]:  # as printed: 40个教学班
        shown = figure.text + printed_measure(answer.answer, figure, figure.measure)
    part = f"{group.label}{shown}{in_wan(figure)}[{same.n}]"
    start = max(answer.answer.rfind(end, 0, figure.start) for end in "。！？\n") + 1
    sentence = answer.answer[
        start : answer.answer.find("[", figure.end) if "[" in answer.answer[figure.end :] else None
    ]
    return _Cell(
        ComparisonCell(group.label, shown, same.n),
        part,
        figure,
        answer.answer[figure.end :],
        sentence,
        figure.start - start,
    )


def _said_of(before: str, item: str) -> bool:
    """Whether a change that follows ``before`` is said of ``item``: named in the same sentence, with
    at most its own level between (公共服务支出16992.37万元，比上年增加…), not another item's."""
    names = [n for n in item_names(item) if len(n) >= min(len(item), max(4, len(item) - 2))]  # not 一般公共 alone
    at = max((before.rfind(n) for n in names), default=-1)
    return at >= 0 and not re.search(r"[。；;]", before[at:]) and len(find_figures(before[at:])) <= 1


def _cited(citation: Citation, citations: list[Citation]) -> Citation:
    """``citation`` as numbered in the answer: a passage cited twice keeps one number."""
    same = next((c for c in citations if c.chunk_id == citation.chunk_id and c.page == citation.page), None)
    if same is None:
        same = dataclasses.replace(citation, n=len(citations) + 1)
        citations.append(same)
    return same


def _changes(found: list[tuple[str, Figure]], by: str) -> tuple[str, str, list[str]]:
    """(difference, change, sentences): years each against the year before, and the whole span
    for three or more; departments the first named against each other."""
    difference_text = change_text = ""
    sentences = []
    pairs = itertools.pairwise(found) if by == "year" else ((o, found[0]) for o in found[1:])
    for first, last in pairs:
        difference_text, change_text, sentence = describe_change(first, last, by)
        sentences.append(sentence)
    if len(found) > 2 and by == "year":  # 近三年: also the whole span
        difference_text, change_text, sentence = describe_change(found[0], found[-1], by)
        sentences.append(sentence)
    return difference_text, change_text, sentences
