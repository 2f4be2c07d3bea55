"""The offline model step (摘录模式): the chain's inputs become a draft quoting the sentences of
the sources that answer, with [n] markers, or a refusal that says why. Table records are shown
with their table and unit; 元 is converted to 万元 in code."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.chain_state import ChainState
from assistant.extractive import FIGURE_QUESTION, ITEM, Pick, expected_kind, pick_sentences, trim, weights
from assistant.figures import MONEY, find_figures, yuan_in_wan
from assistant.query import named_report_years, short_name
from assistant.reading import LAST_YEAR, POINT_NUMBER, Record, is_table_row, parse_record, table_title
from assistant.records import Draft, Hit
from assistant.rows import CODE
from assistant.timing import ACTUAL_ASKED, PAST_ASKED, TARGET_QUESTION, TARGET_WORDS, under_plan

MIN_COVERAGE = 0.5


YEAR_NAMES_REPORT = re.compile(
    r"(?:19|20)\d{2}年(?:的)?(?:[\u4e00-\u9fff]{0,6})?(?:工作报告|部门预算|部门决算|报告中|报告里)"
)
ROW_NUMBERS = frozenset({"行次", "栏次", "序号", "编号"})
# 多少辆, 多少微克/立方米: a figure of that measure, not an amount spent or another rate
COUNTED = re.compile(
    r"(?:多少|几)(?:万|亿)?([辆台套名家所户艘架人]|微克|毫克|公里|千米|平方公里|平方米|公顷|亩|吨|千瓦|立方米)"
)
# asked in so many words: 总量是多少亿元 is not answered by 增长5.2%, 下降目标是百分之几 not by 涨幅2%
KIND_ASKED = (
    ("money", re.compile(r"多少钱|多少(?:万|亿|万亿)?元|金额|总投资|投资多少|花了多少"), "金额"),
    ("percent", re.compile(r"百分之几|百分比|多少%|比例是多少|比重是多少"), "百分比"),
)
SCORE_ASKED = re.compile(r"多少分|几分|得分(?:是|为)?多少")
SCORE_SAID = re.compile(r"\d\s*分(?![别类配期批项之])|得分|评分|分值|总分")
ZERO = re.compile(r"^0(?:\.0+)?(?:元|万元|亿元|千元)?$")
ACTUALS = re.compile(r"决算|实际支出|实际花")
# budget items every report names the same way: asked by name, a passage without the name does not answer
# (其他运行经费 is not 机关运行经费, 基本经费 not 三公经费); words reports vary (全省生产总值, 完成预算的96%) are left out
NAMED_ITEMS = (
    "三公经费", "机关运行经费", "政府采购", "公务接待费", "公务用车", "因公出国", "基本支出", "项目支出",
    "人员经费", "公用经费", "生产总值", "居民人均可支配收入", "城镇调查失业率",
)  # fmt: skip
# items a passage may name with a word between (一般公共预算拨款收入)
LOOSE_ITEMS = {"一般公共预算收入": r"一般公共预算.{0,4}收入"}
PEOPLE_ASKED = re.compile(r"(?:人次|人数)(?:是|有|为|共|一共)?多少|多少(?:人次|人)(?![民均])")
ECONOMY_GROWTH = re.compile(r"经济增长|经济增速")
PLAIN = re.compile(r"[“”\"'‘’「」\s]")
BUDGET_TYPES = ("部门预算", "单位预算")


def extractive_model(inputs: ChainState) -> Draft:
    """The offline model step: returns a draft with [n] markers, or a refusal."""
    hits = list(inputs.hits)
    if inputs.reason:
        return Draft("", refused=True, reason=inputs.reason)
    analysis = inputs.analysis
    years = analysis.years or analysis.relative_years
    picks = pick_sentences(inputs.question, inputs.tokens, hits, inputs.idf, years, MIN_COVERAGE, asked_years(inputs))
    if not picks or picks[0].coverage < MIN_COVERAGE:
        return Draft("", refused=True, reason="已收录的报告中没有与问题直接对应的内容")
    reason = scope_refusal(inputs, picks) or figure_refusal(inputs.question, picks, hits)
    if reason:
        return Draft("", refused=True, reason=reason)
    weight = weights(inputs.tokens, inputs.idf)
    parts = []
    quotes = tuple((pick.hit_index + 1, pick.text) for pick in picks)
    for pick in picks:
        hit = hits[pick.hit_index]
        name = short_name(hit.info.department)
        who = f"{name}，{hit.info.year}年" if hit.info.year else name
        record = parse_record(pick.text)
        if record is not None:
            parts.append(f"（{who}）{describe_record(pick.text, record, hit, inputs.question)}[{pick.hit_index + 1}]")
        elif is_table_row(pick.text):
            parts.append(f"（{who}）{describe_row(pick.text, hit)}[{pick.hit_index + 1}]")
        else:
            parts.append(f"（{who}）{trim(pick.text, weight)}[{pick.hit_index + 1}]")
    return Draft("；".join(parts), quotes=quotes)


def asked_years(inputs: ChainState) -> tuple[int, ...]:
    """The years a question asks about: not a year that only names the report it is asked in
    (2025年政府工作报告里，去年… asks about 2024)."""
    analysis = inputs.analysis
    reports = named_report_years(inputs.question)
    spoken = tuple(y for y in analysis.years if y not in reports)
    bases = {int(y) for y in re.findall(r"(?:比|较|与)\s*((?:19|20)\d{2})\s*年", inputs.question)}
    if spoken and set(spoken) <= bases:  # 2024年部门预算比2023年…: 2024 is asked, against 2023
        return analysis.years
    past = reports and analysis.relative_years and PAST_ASKED.search(inputs.question)
    return spoken or (analysis.relative_years if past else analysis.years)


def scope_refusal(inputs: ChainState, picks: list[Pick]) -> str:
    """Why the chosen passages are not about the year or the kind of figure asked, or ""."""
    analysis, question = inputs.analysis, inputs.question
    if (
        analysis.years
        and not LAST_YEAR.search(question)
        and not (  # "2025年政府工作报告中，过去一年…": the year names a report the store has
            YEAR_NAMES_REPORT.search(question) and set(analysis.years) <= set(inputs.scoped_years)
        )
        and not any(set(p.years) & set(analysis.years) for p in picks)
    ):
        asked = "、".join(str(y) for y in analysis.years)
        return f"报告中有相关内容，但说的不是{asked}年的情况"
    budgets_only = all(t in BUDGET_TYPES for t in inputs.scoped_types) and inputs.scoped_types
    if ACTUALS.search(question) and budgets_only and not any(ACTUALS.search(p.text) for p in picks):
        return "已收录的相关报告是预算，只有预算数，没有所问的决算（实际支出）数"
    return ""


def figure_refusal(question: str, picks: list[Pick], hits: list[Hit]) -> str:
    """Why the chosen passages do not give the figure asked, or ""."""
    missing = missing_item(question, picks, hits)
    if missing:
        return f"报告中有相关内容，但没有提到所问的{missing}"
    # the figures of passages about the question: not 200万亩 of a forest beside 高标准农田 without one
    figures = [
        f
        for p in picks
        if p.coverage >= MIN_COVERAGE
        for f in find_figures(p.text)
        if not (
            f.kind == "count" and not f.measure and p.text[f.end : f.end + 1] in ("、", "．")
        )  # 11、: a point's number
    ]
    if FIGURE_QUESTION.search(question) and not figures:
        return "报告中有相关内容，但没有给出所问的数字"
    people = [f for f in figures if f.kind == "count" and ("人" in f.measure or f.measure.startswith(("名", "位")))]
    if PEOPLE_ASKED.search(question) and not people:
        return "报告中有相关内容，但没有给出所问的人数"  # 门急诊总人次: not 每门急诊人次平均收费 171.7
    counted = COUNTED.search(question)  # 多少辆: a count of vehicles, not an amount spent on them
    if expected_kind(question) == "count" and not counted and not any(f.kind == "count" for f in figures):
        return "报告中有相关内容，但没有给出所问的数量"
    rows = any(is_table_row(p.text) or parse_record(p.text) is not None for p in picks)  # bare amounts
    for kind, asked, what in KIND_ASKED:
        if asked.search(question) and not rows and not any(f.kind == kind or f.measure.endswith("元") for f in figures):
            return f"报告中有相关内容，但没有给出所问的{what}"
    if TARGET_QUESTION.search(question) and not any(states_target(p.text, hits[p.hit_index]) for p in picks):
        return "报告中有相关内容，但没有给出所问的目标（只有实际完成的数字）"
    if ACTUAL_ASKED.search(question) and all(TARGET_WORDS.search(p.text) for p in picks):
        return "报告中有相关内容，但只有目标数，没有给出所问的实际数"
    if SCORE_ASKED.search(question) and not any(SCORE_SAID.search(p.text) for p in picks):
        return "报告中有相关内容，但没有给出所问的得分"  # 自评良好 is a grade, not a score
    # a figure keeps two characters of its measure (平方 for 平方米): compare on those
    if counted and not any(f.kind == "count" and f.measure.startswith(counted.group(1)[:2]) for f in figures):
        return f"报告中有相关内容，但没有给出所问的数量（{counted.group()}）"
    return ""


def missing_item(question: str, picks: list[Pick], hits: list[Hit]) -> str:
    """The budget items the question names when no chosen passage (nor its table's title) names
        any of them; "" when one is named or none is asked. A passage is named by its headings too
    (十二、政府采购预算表情况说明 over 拟购买服务1278.50万元), and by the words just before it
    (1.因公出国（境）费用。2026年预算数13.20万元)."""
    plain = PLAIN.sub("", question)
    asked = [item for item in NAMED_ITEMS if item in plain]
    said = "".join(PLAIN.sub("", _lead_in(pick, hits) + "".join(hits[pick.hit_index].headings)) for pick in picks)
    said = ECONOMY_GROWTH.sub("生产总值增长", said)  # 经济增长预期目标 is the growth of 生产总值
    # 公务接待经费 names 公务接待费; 一般公共预算拨款收入 names 一般公共预算收入
    named = any(item in said or (item.endswith("费") and f"{item[:-1]}经费" in said) for item in asked)
    loose = [item for item in LOOSE_ITEMS if item in plain]
    if named or any(re.search(LOOSE_ITEMS[item], said) for item in loose):
        return ""
    return "、".join(asked + loose)


ENUMERATED = re.compile(rf"\n|{POINT_NUMBER}")  # where a paragraph or a numbered point starts


def _lead_in(pick: Pick, hits: list[Hit], width: int = 30, paragraph: int = 150) -> str:
    """A chosen sentence with the words before it in its passage: back to where its paragraph or
    numbered point starts (一、2017年因公出国（境）费决算7.8万元…。…出国2人次。), at least ``width``."""
    text = hits[pick.hit_index].text
    at = text.find(pick.text[:20])
    if at <= 0:
        return pick.text
    before = text[max(0, at - paragraph) : at]
    starts = [m.start() for m in ENUMERATED.finditer(before)]
    if starts and not ENUMERATED.match(pick.text):
        before = before[starts[-1] :] if len(before) - starts[-1] > width else before[-width:]
    else:
        before = before[-width:]
    return before + pick.text


def states_target(sentence: str, hit: Hit) -> bool:
    """Whether a sentence gives a target: it says so, follows a lead-in that does
    (主要预期目标是：…；城镇新增就业900万人；…), or stands under the heading of the report year's plan
    (二、2025年主要任务)."""
    at = hit.text.find(sentence[:20])
    lead_in = hit.text[max(0, at - 120) : at] if at >= 0 else ""
    if TARGET_WORDS.search(sentence) or TARGET_WORDS.search(lead_in.rsplit("。", 1)[-1]):
        return True
    return under_plan(hit)


DECLARED_UNIT = re.compile(r"单位\s*[:：]\s*(万元|亿元|千元|元)(?![\u4e00-\u9fff])|金额[（(](万元|亿元|元)[）)]")
BARE_AMOUNT = re.compile(r"-?[\d,]+\.\d{2}")


def with_declared_unit(hit: Hit) -> Hit:
    """A table chunk whose unit was not tied to its table at ingest, but whose text declares one
    unit (部门：… 单位：万元): that unit."""
    if hit.table_unit:
        return hit
    units = {a or b for a, b in DECLARED_UNIT.findall(hit.text)}
    return replace(hit, chunk=replace(hit.chunk, table_unit=units.pop())) if len(units) == 1 else hit


def describe_record(sentence: str, record: Record, hit: Hit, question: str) -> str:
    """A table record with its table; bare amounts with the table's unit; the amounts in 元 the
    question asks about also in 万元, converted in code."""
    title = table_title(hit)
    cells = [(h, v) for h, v in record.cells if h not in ROW_NUMBERS]  # 行次 52 is not an amount
    if hit.table_unit:
        cells = [(h, v + hit.table_unit if BARE_AMOUNT.fullmatch(v) else v) for h, v in cells]
    record = replace(record, cells=tuple(cells)) if cells else record
    shown = [(h, v) for h, v in record.cells if not ZERO.match(v) or (h and h in question)]
    focus = [cell for cell in record.cells if cell[0] and cell[0] in question] or list(record.cells[:1])
    label = "/".join(record.label) or headed_item(sentence, hit)
    text = (f"{label}：" if label else "") + "，".join(
        _with_wan(h, v) if (h, v) in focus else f"{h}{v}" for h, v in shown or record.cells
    )
    return text + (f"（{title}）" if title else "")


HEADED_SPAN = 80  # how far before its sentence a 项 line still heads it


def headed_item(sentence: str, hit: Hit) -> str:
    """The 项 a passage names before a sentence that does not name it (…信息化建设（项）。主要用于…。
    年初预算为135.90万元…), as 信息化建设（项）; "" when none."""
    at = hit.text.find(sentence[:12])
    named = ITEM.findall(hit.text[max(0, at - HEADED_SPAN) : at]) if at > 0 else []
    return f"{named[-1]}（项）" if named else ""


def _with_wan(header: str, value: str) -> str:
    """A cell the question asks about; an amount in 元 also in 万元, converted in code."""
    found = find_figures(value)
    if found and found[0].unit == "元" and found[0].value >= MONEY["万元"]:
        return f"{header}{value}（约合{yuan_in_wan(found[0].value)}万元）"
    return f"{header}{value}"


def describe_row(row: str, hit: Hit) -> str:
    """A table row with its table and unit; an amount in 元 also in 万元, converted in code."""
    title = table_title(hit)
    where = "，".join(part for part in (title, f"单位：{hit.table_unit}" if hit.table_unit else "") if part)
    text = f"{row}（{where}）" if where else row
    figures = find_figures(CODE.sub("", row))  # the 科目 code (212 01 04) is not an amount
    if hit.table_unit == "元" and figures and figures[0].value >= MONEY["万元"]:
        first = figures[0].value
        text += f"，其中{first:,}元约合{yuan_in_wan(first)}万元"
    return text
