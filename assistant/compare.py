"""Comparison questions: the same item found separately for each year or department, aligned in
a table with a citation per cell, and the differences worked out in code.

"2023—2025年万里街道三公经费怎么变化的？" becomes one sub-question per year and item, each answered
only from that year's reports; a year without a report is named as missing, never guessed. The
planning and arithmetic here are pure; ``Assistant`` runs the sub-questions.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from assistant.cells import SYNONYMS, expected_kind, inner_item, pick_value
from assistant.differences import describe_change, in_wan
from assistant.figures import Figure, find_figures
from assistant.query import YEAR, YEAR_RANGE, QueryAnalysis, aliases, analyse, named_report_years, short_name
from assistant.records import (
    Answer,
    CheckedFigure,
    Citation,
    CompareBy,
    Comparison,
    ComparisonCell,
    ComparisonRow,
    DocumentInfo,
)
from assistant.understanding.orgs import is_org_name, parse_org
from assistant.zh import NOT_FOUND

COMPARE = re.compile(
    r"比较|对比|相比|相较|变化|变动|增减|多了还是少了|高了还是低了|差距|差多少|差了多少|"
    r"(?:增长|增加|减少|下降|提高|降低)了?多少|各是多少|各为多少|分别是多少|分别为多少|分别多少|"
    r"近[两二三四五]年|谁|哪个|哪家|哪一年|哪年|比(?:19|20)\d{2}年(?!.*(?:原因|为什么|为何|为啥|用于|用途))"
)
WHICH = re.compile(r"谁|哪个|哪家|哪一年|哪年")
FILLER = re.compile(
    r"怎么变化的?|如何变化|有何变化|有什么变化|变化情况|变化|变动情况|变动|增减情况|增减|"
    r"是?怎么变化的?|比一比|比比看|比较一下|比较|对比一下|对比|相比|相较|差距|差了?多少|多了还是少了|高了还是低了|[多少高低]了?多少|"
    r"(?:增长|增加|下降|减少)了?百分之几|百分之几|增幅|(?:政府工作)?报告(?:里|中)?(?:说的?|讲的?|提到的?|显示的?)?|"
    r"(?:增长|增加|减少|下降|提高|降低)了?多少|"
    r"分别是多少|各是多少|分别为多少|各为多少|分别多少|各[\u4e00-\u9fff]{0,3}?多少|是多少|有多少|为多少|多少|分别|"
    r"谁的|谁|哪个的|哪个|哪家的|哪家|哪一年|哪年|更多|更高|更少|更低|"
    r"请问|请|帮我|一下|情况|有变化吗|近[两二三四五]年|[两二三四五各每历]年|今年|去年|上年|前年|本年|(?:19|20)\d{2}|"
    r"[两二三四五六七八九十几各]地|[两二三四五六七八九十几各]个?(?:部门|单位)"
)
# a word that names a column rather than an item: "X 2023年执行数和2024年预算" asks two things
ATTRIBUTES = frozenset({"预算", "预算数", "执行数", "决算", "决算数", "预期", "目标", "增长目标", "预期目标", "实际"})
QUALIFIERS = frozenset({"预算", "预算数"})  # "2025年预算和2024年相比": says what, not which
SEPARATORS = re.compile(r"[\s、，,和及跟？?。！!：:；;]+")
COUNTING = re.compile(r"[两二三四五六七八九十几各这那][个地家级]")
STOP_ITEMS = frozenset({"的", "年", "年度", "部门", "单位", "报告", "数据", "数字"})
BASIS = {"year": "后减前", "department": "前减后"}  # what the difference column holds
COMPUTED_NOTE = "（差额和增减幅度由程序根据所引数字计算）"


@dataclass(frozen=True)
class Group:
    """One column of the comparison: a year or a department, and the documents it may use."""

    label: str  # 2024年 / 万里街道
    doc_ids: tuple[str, ...]
    missing: str = ""  # why no document covers it


@dataclass(frozen=True)
class Plan:
    groups: tuple[Group, ...]
    items: tuple[str, ...]
    departments: tuple[str, ...]  # the departments the sub-questions name (short names)
    year: int | None = None  # the one year named when the groups are departments
    by: CompareBy = "year"
    chosen: bool = False  # the department was not named: chosen as the one with reports for the years
    report: str = ""  # the years name reports (2005年和2007年政府工作报告): asked of each report as such


def is_comparison(question: str) -> bool:
    return bool(COMPARE.search(question))


def items_of(question: str, departments: Sequence[str], known: Iterable[str] = ()) -> tuple[str, ...]:
    """What is compared: the question without its years, departments and comparison words.
    ``known``: item names of the store's tables, kept whole (社会保障和就业支出 is one item)."""
    whole = sorted((k for k in known if SEPARATORS.search(k) and k in question), key=len, reverse=True)
    text = re.sub(r"比(?=\s*(?:19|20)\d{2})", " ", question)  # 2025年预算比2024年
    text = YEAR_RANGE.sub(" ", text)
    text = YEAR.sub(" ", text)
    for department in departments:
        for alias in sorted(aliases(department) | {department}, key=len, reverse=True):
            text = text.replace(alias, " ")
    text = FILLER.sub(" ", text)
    for i, name in enumerate(whole):
        text = text.replace(name, f"<{i}>")
    items = []
    for part in SEPARATORS.split(text):
        part = re.sub(r"<(\d+)>", lambda m: whole[int(m.group(1))], part)
        part = re.sub(r"[“”\"'‘’「」]", "", part).strip("的之与")
        part = re.sub(r"(?<![占同环])比$", "", part)  # X预算比Y多多少: 比 is left of the comparison
        if WHICH.search(question):  # 谁的政府采购预算多
            part = re.sub(r"(?<=.{2})[多高大少低]$", "", part)
        if COUNTING.fullmatch(part):  # 两个财政局, 三地: how many are compared, not what
            continue
        if len(re.findall(r"[\u4e00-\u9fff]", part)) >= 2 and part not in STOP_ITEMS and part not in items:
            items.append(part)
    return tuple(items)


def plan_comparison(question: str, documents: Sequence[DocumentInfo], known: Iterable[str] = ()) -> Plan | None:
    """The groups and items of a comparison question; None when it is not one (a single year and
    department, or no comparison word)."""
    if not documents:
        return None
    analysis = analyse(question, documents)
    bodies = _named_bodies(analysis)
    bodies_named = len(bodies) + sum(1 for u in analysis.unknown_orgs if is_org_name(u))
    if not is_comparison(question) and bodies_named < 2:
        return None  # two bodies named ask for each, with or without a comparison word
    items = _compared_items(question, analysis, known)
    if not items:
        return None
    years = analysis.years or analysis.relative_years
    levels = _by_level(question, documents, bodies, years, items)
    if levels is not None:
        return levels
    if len(bodies) + len(analysis.unknown_orgs) >= 2 and bodies:
        return _by_department(question, documents, analysis, bodies, items, years)
    return _by_year(question, documents, analysis, items, years)


def _compared_items(question: str, analysis: QueryAnalysis, known: Iterable[str]) -> tuple[str, ...]:
    """What is compared; () when the question asks different things per group (2023年执行数和
    2024年预算, 2025年预期增长多少)."""
    spoken = [m.text for m in analysis.mentions] + [
        p for d in analysis.departments for org in [parse_org(d)] for p in (*org.places, *org.place_stems)
    ]
    items = items_of(question, analysis.departments + analysis.unknown_orgs + tuple(spoken), known)
    if any(item in ATTRIBUTES - QUALIFIERS for item in items):
        return ()
    return tuple(item for item in items if item not in QUALIFIERS)


def _by_department(
    question: str,
    documents: Sequence[DocumentInfo],
    analysis: QueryAnalysis,
    bodies: list[tuple[str, tuple[str, ...], int]],
    items: tuple[str, ...],
    years: Sequence[int],
) -> Plan:
    """One group per body named, in the order named; a body without reports is a missing group."""
    year = years[0] if len(years) == 1 else None
    groups = []
    named = bodies + [(u, (), question.find(u)) for u in analysis.unknown_orgs]
    for label, body, _ in sorted(named, key=lambda b: b[2]):
        own = [d for d in documents if d.department in body and d.doc_id in analysis.doc_ids]
        reason = "" if own else f"已收录的报告中没有{label}{year or ''}{'年度' if year else ''}的报告"
        groups.append(Group(label, tuple(d.doc_id for d in own), reason))
    return Plan(tuple(groups), items, tuple(g.label for g in groups), year, "department")


def _by_year(
    question: str,
    documents: Sequence[DocumentInfo],
    analysis: QueryAnalysis,
    items: tuple[str, ...],
    years: Sequence[int],
) -> Plan | None:
    """One group per year: that year's own reports, else a work report reviewing it (or the report
    the question says speaks of it); never a guess from another year."""
    pool = [d for d in documents if not analysis.departments or d.department in analysis.departments]
    said_in = dict(reports_saying(question))  # 2005年报告说的2004年: the year, and the report that gives it
    years = _compared_years(years, said_in, pool)
    if len(years) < 2:
        return None
    departments = _departments_for(pool, years)
    pool = [d for d in pool if d.department in departments]
    who = "、".join(short_name(d) for d in departments) or "所选范围"
    groups = []
    for year in years:
        if year in said_in:
            own = [d for d in pool if d.year == said_in[year]]
        else:
            own = [d for d in pool if d.year == year] or [
                d for d in pool if d.doc_type == "政府工作报告" and d.looks_back_on(year)
            ]
        reason = "" if own else f"已收录的报告中没有{who}{year}年度的报告"
        groups.append(Group(f"{year}年", tuple(d.doc_id for d in own), reason))
    chosen = not analysis.departments and bool(departments)
    report = _report_word(question, years, said_in)
    return Plan(tuple(groups), items, tuple(short_name(d) for d in departments), None, "year", chosen, report)


def _report_word(question: str, years: Sequence[int], said_in: dict[int, int]) -> str:
    """The report the years name (2005年和2007年政府工作报告 -> 政府工作报告): each part asks what that
    report says, which for a work report is mostly about the year before it."""
    if said_in or not set(years) <= set(named_report_years(question)):
        return ""
    match = REPORT_WORD.search(question)
    return match.group() if match else ""


def _compared_years(years: Sequence[int], said_in: dict[int, int], pool: Sequence[DocumentInfo]) -> tuple[int, ...]:
    """The years named (or spoken of by named reports); none named of one department: every year
    held (万里街道三公经费怎么变化的)."""
    if len(said_in) >= 2:
        return tuple(sorted(said_in))
    if len(years) >= 2:
        return tuple(years)
    if years or len({d.department for d in pool}) != 1:
        return ()
    return tuple(sorted({d.year for d in pool if d.year}))


REPORT_WORD = re.compile(r"政府工作报告|部门预算|部门决算|单位预算|预算报告|决算报告|自评报告")
BOTH_LEVELS = re.compile(r"本级")
LEVEL_WORDS = re.compile(r"^(?:(?:本级|部门|单位)(?:预算)?的?)+")
WHOLE_LEVEL = re.compile(r"部门预算|部门整体|汇总|全部门|全系统|整个部门|部门口径")


def _by_level(
    question: str,
    documents: Sequence[DocumentInfo],
    bodies: list[tuple[str, tuple[str, ...], int]],
    years: Sequence[int],
    items: tuple[str, ...],
) -> Plan | None:
    """无锡教育局部门预算和本级预算…: one body's department-wide report against its own 本级 one."""
    if len(bodies) != 1 or not (BOTH_LEVELS.search(question) and WHOLE_LEVEL.search(question)):
        return None
    label, body, _ = bodies[0]
    own = [d for d in documents if d.department in body and (not years or d.year in years)]
    unit = [d for d in own if d.scope == "本级" or d.doc_type == "单位预算"]
    whole = [d for d in own if d not in unit]
    if not unit or not whole:
        return None
    year = years[0] if len(years) == 1 else None
    items = tuple(dict.fromkeys(LEVEL_WORDS.sub("", i) for i in items if LEVEL_WORDS.sub("", i))) or items
    groups = (
        Group(f"{label}（部门汇总）", tuple(d.doc_id for d in whole)),
        Group(f"{label}（本级）", tuple(d.doc_id for d in unit)),
    )
    return Plan(groups, items, tuple(g.label for g in groups), year, "department")


def _named_bodies(analysis: QueryAnalysis) -> list[tuple[str, tuple[str, ...], int]]:
    """The bodies a question names with confidence: (label, department strings, position)."""
    seen: list[tuple[str, tuple[str, ...], int]] = []
    for mention in analysis.mentions:
        if mention.ambiguous:
            continue
        body = mention.bodies[0]
        if all(body != b for _, b, _ in seen):
            seen.append((short_name(body[0]), body, mention.start))
    return seen


REPORT_SAYS = re.compile(
    r"((?:19|20)\d{2})年(?:的)?(?:政府工作)?报告(?:里|中)?(?:说|讲|提到|显示|提出)?的?[，,]?(?:上一年|当年)?[（(]?"
    r"((?:19|20)\d{2})年"
)


def reports_saying(question: str) -> list[tuple[int, int]]:
    """(year spoken of, year of the report that speaks of it): 2005年报告说2004年 -> (2004, 2005)."""
    return [(int(spoken), int(report)) for report, spoken in REPORT_SAYS.findall(question) if report != spoken]


def _departments_for(pool: Sequence[DocumentInfo], years: Sequence[int]) -> tuple[str, ...]:
    """The departments whose reports cover the most of the asked years."""
    covered = {
        d.department: len({x.year for x in pool if x.department == d.department and x.year in years}) for d in pool
    }
    best = max(covered.values(), default=0)
    return tuple(sorted(d for d, n in covered.items() if n == best and best > 0))


def sub_question(plan: Plan, group: Group, item: str) -> str:
    """The single question asked of one group's documents."""
    for asked, written in SYNONYMS:
        item = item.replace(asked, written)
    if plan.by == "department":
        year = f"{plan.year}年" if plan.year else ""
        return f"{year}{group.label}{item}是多少？"
    departments = "、".join(plan.departments)
    if plan.report:  # 国务院2005年的报告中粮食产量: what that report says, not a content word to match
        return f"{departments}{group.label}的报告中{item}是多少？"
    return f"{group.label}{departments}{item}是多少？"


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
        for group in plan.groups:
            cell = _cell(plan, group, item, kind, ask_one, citations)
            cells.append(cell.cell)
            parts.append(cell.part)
            if cell.figure is not None:
                found.append((group.label, cell.figure))
        line, checked = check(f"{item}：" + "，".join(parts), citations)
        figures += checked
        if not all(f.verified for f in checked):
            found = []  # no arithmetic on a figure the check did not find in its source
        difference_text, change_text, sentences = _changes(found, plan.by)
        conclusion = "；".join(sentences)
        for sentence in sentences:
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
    if picked is None and inner_item(item) != item:  # 基本支出里的公用经费: then 公用经费 alone
        answer = ask_one(sub_question(plan, group, inner_item(item)), group.doc_ids)
        picked = pick_value(answer, item, kind)
    if picked is None:
        why = answer.reason if answer.refused and answer.reason else f"{NOT_FOUND}所问的数字"
        return _Cell(ComparisonCell(group.label, missing=f"{NOT_FOUND}（{why}）"), f"{group.label}：{NOT_FOUND}")
    figure, citation = picked
    same = next((c for c in citations if c.chunk_id == citation.chunk_id and c.page == citation.page), None)
    if same is None:
        same = dataclasses.replace(citation, n=len(citations) + 1)
        citations.append(same)
    shown = figure.text + (figure.measure if figure.kind == "count" and figure.unit else "")  # 46947万吨
    part = f"{group.label}{shown}{in_wan(figure)}[{same.n}]"
    return _Cell(ComparisonCell(group.label, shown, same.n), part, figure)


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
