"""Comparison questions planned: the groups (years or departments) each item is asked of, and the
one sub-question asked of each group's documents. Pure: no retrieval, no answering.

"2023—2025年万里街道三公经费怎么变化的？" becomes one group per year, each read only from that year's
reports (and, for a work report, the report reviewing it); a year without a report is a missing
group, never a guess.
"""

from __future__ import annotations

__all__ = ["Group", "Plan", "is_comparison", "items_of", "plan_comparison", "sub_question"]

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from assistant.cells import SYNONYMS
from assistant.compared_items import (
    AGAINST_BEFORE,
    ATTRIBUTES,
    COUNTED_IN,
    EACH_ASKED,
    QUALIFIERS,
    is_comparison,
    items_of,
)
from assistant.query import (
    NUMERALS,
    REPORT_OF_YEAR,
    YEAR,
    QueryAnalysis,
    analyse,
    named_report_years,
    short_name,
    spoken_years,
)
from assistant.records import LOOKING_BACK, CompareBy, DocumentInfo
from assistant.understanding.orgs import is_org_name, parse_org


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
    asks: str = "是多少"  # how each sub-question asks (有多少户 when a count of 户 is asked)


def plan_comparison(question: str, documents: Sequence[DocumentInfo], known: Iterable[str] = ()) -> Plan | None:
    """The groups and items of a comparison question; None when it is not one (a single year and
    department, or no comparison word)."""
    if not documents:
        return None
    analysis = analyse(question, documents)
    bodies = _named_bodies(analysis)
    bodies_named = len(bodies) + sum(1 for u in analysis.unknown_orgs if is_org_name(u))
    each_year = len(analysis.years) >= 2 and EACH_ASKED.search(question)  # 2018年、2019年各安排多少
    if not is_comparison(question) and bodies_named < 2 and not each_year:
        return None  # two bodies (or years) named ask for each, with or without a comparison word
    items, shared = _compared_items(question, analysis, known)
    if not items:
        return None
    years = analysis.years or analysis.relative_years
    plan = _by_level(question, documents, bodies, years, items)
    bodies = bodies or _counted_bodies(question, documents, analysis)
    if plan is None and len(bodies) + len(analysis.unknown_orgs) >= 2 and bodies:
        plan = _by_department(question, documents, analysis, bodies, items, years)
    elif plan is None:
        plan = _by_year(question, documents, analysis, items, years)
    if plan is not None and _one_report_states_it(plan, question):
        return None  # 2026年…多少？比2025年多了多少？ with only the 2026 report: the change it states, quoted
    counted = COUNTED_IN.search(question)  # 各有多少户: each sub-question asks for 户 too
    if plan is not None and counted:
        plan = replace(plan, asks=f"有多少{counted.group(1)}")
    return replace(plan, asks=shared + plan.asks) if plan is not None else None


def _one_report_states_it(plan: Plan, question: str) -> bool:
    """A change against a year without a report of its own, asked of the one year that has one,
    and not each year's level: the single answer quotes the change that report states."""
    covered = [g for g in plan.groups if not g.missing]
    return plan.by == "year" and len(covered) == 1 and covered[0] is plan.groups[-1] and not EACH_ASKED.search(question)


def _compared_items(question: str, analysis: QueryAnalysis, known: Iterable[str]) -> tuple[tuple[str, ...], str]:
    """What is compared, and what the question asks of each (决算 in 22年和23年决算各是多少: every
    group's 决算); () when it asks different things per group (2023年执行数和2024年预算, 2025年预期
    增长多少)."""
    spoken = [m.text for m in analysis.mentions] + [
        p for d in analysis.departments for org in [parse_org(d)] for p in (*org.places, *org.place_stems)
    ]
    items = items_of(question, analysis.departments + analysis.unknown_orgs + tuple(spoken), known)
    items = tuple(i for i in items if i not in spoken and i not in analysis.departments)  # 青海省检察院: who
    attributes = {item for item in items if item in ATTRIBUTES}
    kept = tuple(item for item in items if item not in ATTRIBUTES)
    if not attributes & (ATTRIBUTES - QUALIFIERS):
        return tuple(item for item in items if item not in QUALIFIERS), ""
    attribute = min(attributes)
    if len(attributes) > 1 or not kept or not _asked_of_every_group(question, attribute):
        return (), ""
    return kept, attribute


def _asked_of_every_group(question: str, attribute: str) -> bool:
    """Whether the one attribute named is asked of every group: said after the years listed (22年和
    23年决算) or after each (15年决算和16年决算), not of one year only (2025年预期增长多少)."""
    first = {m.group(1): m for m in reversed(list(YEAR.finditer(question)))}  # each year where first said
    years = sorted(first.values(), key=lambda m: m.start())
    said = [m.start() for m in re.finditer(attribute, question)]
    if len(years) < 2:
        return True
    listed = all(
        re.fullmatch(r"[和、与及跟至到,，\s]*", question[a.end() : b.start()]) for a, b in itertools.pairwise(years)
    )
    return len(said) >= len(years) or (listed and any(at >= years[-1].end() for at in said))


def _by_department(
    question: str,
    documents: Sequence[DocumentInfo],
    analysis: QueryAnalysis,
    bodies: list[tuple[str, tuple[str, ...], int]],
    items: tuple[str, ...],
    years: Sequence[int],
) -> Plan:
    """One group per body named, in the order named; a body without reports is a missing group.
    A year naming the reports (2025年政府工作报告里，2024年…) is not the year asked of."""
    against = {int(y) for m in AGAINST_BEFORE.finditer(question) for y in re.findall(r"(?:19|20)\d{2}", m.group())}
    kept = [y for y in years if y not in against] or list(years)  # 与2025年年初预算相比: not the year asked
    spoken = [y for y in kept if y not in named_report_years(question)]
    if not spoken and len(analysis.relative_years) == 1:  # 2025年…报告里，去年…: the year before
        spoken = list(analysis.relative_years)
    year = spoken[0] if len(spoken) == 1 else kept[0] if len(kept) == 1 else None
    groups = []
    named = bodies + [(u, (), question.find(u)) for u in analysis.unknown_orgs]
    chosen = [d for d in documents if d.doc_id in analysis.doc_ids]
    if not spoken and chosen and all(d.doc_type in LOOKING_BACK for d in chosen):
        year = None  # 三省25年政府工作报告里，经营主体…: the year names the reports, which speak of the year before
    ordered = sorted(named, key=lambda b: b[2])
    own_years = _own_years(question, [at for _, _, at in ordered])
    per_body: list[int | None] = list(own_years) or [None] * len(ordered)
    for (label, body, _), own_year in zip(ordered, per_body, strict=True):
        own = [d for d in chosen if d.department in body]
        if own_year:  # 甲区2024年和乙县2025年…: each body asked of its own year
            read = [d for d in documents if d.year == own_year or d.looks_back_on(own_year)]
            own = [d for d in read if d.department in body]
            label = f"{label}{own_year}年"
        when = f"{year}年度" if year and not own_year else ""
        reason = "" if own else f"已收录的报告中没有{label}{when}的报告"
        groups.append(Group(label, tuple(d.doc_id for d in own), reason))
    return Plan(tuple(groups), items, tuple(g.label for g in groups), None if own_years else year, "department")


def _own_years(question: str, starts: Sequence[int]) -> list[int]:
    """One year per body when each body is named with a year of its own, in the stretch from its
    name to the next body's, and they differ: 甲区2024年和乙县2025年; [] otherwise. A year naming
    a report (甲区2020年政府工作报告里的2019年…) is not the one asked of."""
    naming = {m.start(g) for m in REPORT_OF_YEAR.finditer(question) for g in (1, 2) if m.group(g)}
    owned = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(question)
        found = [(m.start(1), int(m.group(1))) for m in YEAR.finditer(question, start, end)]
        asked = [y for at, y in found if at not in naming] or [y for _, y in found]
        if len(set(asked)) != 1:
            return []
        owned.append(asked[0])
    return owned if len(set(owned)) > 1 else []


def _by_year(
    question: str,
    documents: Sequence[DocumentInfo],
    analysis: QueryAnalysis,
    items: tuple[str, ...],
    years: Sequence[int],
) -> Plan | None:
    """One group per year: that year's own reports, else a work report reviewing it (or the report
    the question says speaks of it); never a guess from another year."""
    if analysis.unknown_orgs and not analysis.departments:
        return None  # 云县…22年和23年: a body the library lacks is refused, not read from another's reports
    pool = [d for d in documents if not analysis.departments or d.department in analysis.departments]
    said_in = dict(reports_saying(question)) or _reports_listed(question, years) or _year_before_each(question)
    spoken = set(years) - set(named_report_years(question))
    if len(said_in) < 2 and len(spoken) == 1 and len(years) > 1:
        return None  # 广东25年政府工作报告里，2024年…: one year asked of, in the report named
    years = _compared_years(years, said_in, pool)
    if len(years) < 2:
        return None
    departments = _departments_for(pool, years)
    pool = [d for d in pool if d.department in departments]
    who = "、".join(short_name(d) for d in departments) or "所选范围"
    report = _report_word(question, years, said_in)
    groups = []
    for year in years:
        own = _reports_of_year(pool, year, said_in.get(year), bool(report))
        reason = "" if own else f"已收录的报告中没有{who}{year}年度的报告"
        groups.append(Group(f"{year}年", tuple(d.doc_id for d in own), reason))
    chosen = not analysis.departments and bool(departments)
    return Plan(tuple(groups), items, tuple(short_name(d) for d in departments), None, "year", chosen, report)


def _reports_of_year(
    pool: Sequence[DocumentInfo], year: int, said_in: int | None, reports_named: bool
) -> list[DocumentInfo]:
    """The documents a year's figure is read from: the report the question says speaks of it; the
    year's own reports and the work report reviewing it (2005年粮食产量 is in the 2006 report), or
    only the year's own when the years name reports (2005年政府工作报告)."""
    if said_in is not None:
        return [d for d in pool if d.year == said_in]
    own = [d for d in pool if d.year == year]
    if reports_named and own:
        return own
    return own + [d for d in pool if d.doc_type == "政府工作报告" and d.looks_back_on(year)]


def _reports_listed(question: str, years: Sequence[int]) -> dict[int, int]:
    """按06年和08年政府工作报告的说法，2005年和2007年…: each year spoken of, read from the report
    listed in the same place."""
    named = named_report_years(question)
    spoken = sorted((set(spoken_years(question)) & set(years)) or set(years) - set(named))
    if len(named) < 2 or len(named) != len(spoken) or any(r <= y for r, y in zip(named, spoken, strict=True)):
        return {}
    return dict(zip(spoken, named, strict=True))


EACH_YEAR_BEFORE = re.compile(
    r"报告[^，,。？?；;]{0,8}?(?:说|提到|讲|里|中|显示|给)的?[，,]?\s*(?:上一年|上年|去年|前一年)|"
    r"^[^，,。？?；;]{0,3}(?:上一年|上年|去年|前一年)[^。？?；;]{0,30}?(?:几|[两二三四五六七八九十]|各)份[^。？?；;]{0,8}?报告"
)  # 2005至2008年的报告各自提到的上一年…, 上一年全国粮食产量，05年到08年四份报告里…


def _year_before_each(question: str) -> dict[int, int]:
    """2005年至2008年的政府工作报告各自提到的上一年…, 2004年报告说的上一年…: each report's year
    before, read from that report."""
    reports = named_report_years(question)
    if len(reports) < 2 or not EACH_YEAR_BEFORE.search(question):
        return {}
    return {year - 1: year for year in reports}


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


COUNTED_BODIES = re.compile(r"([两二三四五六七八九十])个?(?:省市|省|市|区|县|局|部门|单位|家)")


def _counted_bodies(
    question: str, documents: Sequence[DocumentInfo], analysis: QueryAnalysis
) -> list[tuple[str, tuple[str, ...], int]]:
    """五省市2025年政府工作报告中…: the bodies counted, when the library holds exactly that many
    reports of the kind and year named; [] otherwise."""
    counted = COUNTED_BODIES.search(question)
    if not counted or not analysis.doc_types:
        return []
    years = set(named_report_years(question)) or set(analysis.years)
    pool = [d for d in documents if d.doc_type in analysis.doc_types and d.year in years]
    departments = list(dict.fromkeys(d.department for d in pool))
    if len(departments) != NUMERALS[counted.group(1)]:
        return []
    return [(short_name(d), (d,), i) for i, d in enumerate(departments)]


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
        return f"{year}{group.label}{item}{plan.asks}？"
    departments = "、".join(plan.departments)
    if plan.report:  # 国务院2005年的报告中粮食产量: what that report says, not a content word to match
        return f"{departments}{group.label}的报告中{item}{plan.asks}？"
    return f"{group.label}{departments}{item}{plan.asks}？"
