"""Which figure of a sub-answer is the comparison cell: the item's names as reports may say
them, the kind of figure it is, and the figure right after a place that names it. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.extractive import COUNT_QUESTION, MONEY_QUESTION, PERCENT_QUESTION
from assistant.figures import MONEY, Figure, cited_after, find_figures
from assistant.records import Answer, Citation
from assistant.zh import SOURCE_LABEL

# what reports call what people ask about: GDP is 生产总值
SYNONYMS = (
    ("GDP", "生产总值"),
    ("国内生产总值", "生产总值"),
)
# how a report may say what is asked: 经济增长 (a 2004 State Council report) or 生产总值增长 (most)
SPOKEN = (("经济增长", "生产总值增长"), ("经济增速", "生产总值增长"), ("生产总值增长", "经济增长"))
NAME_GAP = "[“”\"'‘’「」的]?"  # 面向中小企业预留的政府采购 is 面向中小企业预留政府采购


# an item asked in its measure (公务接待批次, 个班): the figure printed with that measure (5批次, 40个教学班)
MEASURED = re.compile(r"(?:个)?(批次|人次|辆|班)$")
# between the item's name and a measured figure: another measure of the same item may come first (5批次，39人次)
MEASURED_GAP = re.compile(r"[^，,；;。！？\[\]]{0,14}(?:[\d.]+[\u4e00-\u9fff]{1,3}(?:[（(][^）)]{0,20}[）)])?[，,、])?")


MONEY_TAIL = re.compile(r"(?:经费|资金|支出|收入|拨款|费用?|金额|预算数?|决算数?|元)$")


def expected_kind(item: str, question: str) -> str:
    if MEASURED.search(item):
        return "count"
    if PERCENT_QUESTION.search(item) or re.search(
        r"增速|增幅|增长目标|增长预期|降低目标|下降目标|强度|占比|(?:增长|上涨|下降)$", item
    ):
        return "percent"  # 城镇新增就业目标 is a count: a target is a rate only for a growth
    if MONEY_TAIL.search(item):  # 人员经费 is money, though it names 人员
        return "money"
    if COUNT_QUESTION.search(item) or re.search(
        r"人数|人口|人员|[个户件次家台辆]数|项目数|数量|新增就业|就业人数|就业岗位", item
    ):
        return "count"
    if COUNT_ASKED.search(question):  # 单价100万元以上的设备各有几台: a count, though it names 万元
        return "count"
    if MONEY_QUESTION.search(item) or MONEY_QUESTION.search(question):
        return "money"
    return ""


COUNT_ASKED = re.compile(r"(?:几|多少)[台套辆个家项次名人位处所架艘户]")
CHANGE_ITEM = re.compile(r"增|减|变化|变动|差|多|少|提高|降低|下降|上升")
CHANGE_BEFORE = re.compile(r"(?:增加|减少|增长|下降|提高|降低|上升|增产|减产|增收|减收|增|减)了?(?:约|近|超过)?$")
# 由2476元增加到4140元: the level reached is the figure after 到
FROM_TO = re.compile(r"^(?:元|万元|亿元)?(?:增加|增长|提高|上升|扩大|减少|下降|降低|缩小)?到")


PickedValue = tuple[Figure, Citation] | None


def measured(item: str) -> tuple[str, str]:
    """The item's name and the measure it is asked in: 公务接待批次 -> (公务接待, 批次); ("", "") when none."""
    match = MEASURED.search(item)
    return (item[: match.start()], match.group(1)) if match else ("", "")


def printed_measure(text: str, figure: Figure, measure: str) -> str:
    """The words after ``figure`` that end in ``measure`` (40个教学班 -> 个教学班); "" when none."""
    match = re.match(rf"个?[\u4e00-\u9fff]{{0,2}}?{measure}", text[figure.end : figure.end + 6])
    return match.group() if match else ""


def pick_value(answer: Answer, item: str, kind: str) -> PickedValue:
    """The figure a sub-answer gives for ``item``: the first of the expected kind right after a
    place that names the item (quotes such as “三公”经费 ignored; the item's whole name before its
    pieces), with the source its sentence cites. A figure further on, past a comma, is another
    item's (…预算支出中，因公出国（境）费支出70万元): then there is no value, never a guess. The
    answer's text holds only figures that passed the figure check."""
    if answer.refused:
        return None
    text = answer.answer
    units = {c.table_unit for c in answer.citations}
    unit = units.pop() if len(units) == 1 else ""  # 项目支出 86,246.64: in the cited table's unit
    figures = [f for f in find_figures(text, unit if unit in MONEY else "") if not kind or _of_kind(f, kind)]
    name, measure = measured(item)
    if measure:  # 公务接待人次: the figure printed in 人次, named by 公务接待 (or by nothing: 个班)
        # the measure asked, so that 40个教学班 and 18个班级 compare
        figures = [
            replace(f, measure=measure) for f in figures if f.kind == "count" and printed_measure(text, f, measure)
        ]
        return _measured_value(text, figures, name, answer) if len(name) >= 2 else _first_cited(text, figures, answer)
    figures = _of_the_kind_asked(text, figures, item, kind)
    if inner_item(item) != item and not any(_mentions(n, text) for n in _item_names(inner_item(item))):
        return None  # 基本支出里的公用经费: an answer that never names 公用经费 does not give it
    by_number = {c.n: c for c in answer.citations}
    # the whole name where it first occurs (生产总值增长 before a later 经济增长), then the pieces,
    # longest first (购置费 before 公务用车, which also heads 公务用车购置及运行费)
    wholes = sorted((m for n in whole_names(item) for m in _mentions(n, text)), key=lambda m: m.start())
    pieces = [m for n in item_names(item) for m in _mentions(n, text)]
    for place in wholes + pieces:
        figure = next((f for f in figures if f.start >= place.end()), None)
        between = text[place.end() : figure.start] if figure is not None else ""
        named = NAMES_FIGURE.fullmatch(between) or RECORD_GAP.fullmatch(between) or GREW_TO.fullmatch(between)
        if figure is None or not (named or (kind == "percent" and ITS_GROWTH.fullmatch(between))):
            continue
        figure = _level_reached(text, place.end(), figure, figures)
        cited = [by_number[n] for n in cited_after(text, figure.end) if n in by_number]
        if cited:
            return figure, cited[0]
    if wholes or pieces:  # named, but no figure right after the name: the figures there are of other items,
        # unless the passage names it just before (1.X。预算数…) or words it again in the next clause
        return _headed(text, figures, item, by_number) or _named_again(
            text, (wholes + pieces)[0], figures, item, by_number
        )
    for figure in figures:  # the report words it otherwise (收入预算 for 预算收入): its first figure,
        cited = [by_number[n] for n in cited_after(text, figure.end) if n in by_number]
        if cited and _worded_otherwise(item, text[: figure.start]):  # said of much the same words
            return figure, cited[0]
    return None


def _of_kind(figure: Figure, kind: str) -> bool:
    """Whether ``figure`` is of the kind asked; an amount asked may be printed in 万 without 元
    (三公经费决算数合计为1000.86万)."""
    bare_wan = figure.kind == "count" and figure.unit in ("万", "亿") and not figure.measure
    return figure.kind == kind or (kind == "money" and bare_wan)


def _of_the_kind_asked(text: str, figures: list[Figure], item: str, kind: str) -> list[Figure]:
    """The figures that may be ``item``'s: a level, not its growth (生产总值总量); people, not any
    count (人数); not a change when a level is asked (增加2043.58万元)."""
    if re.search(r"总量|总额|总规模", item) and kind != "percent":
        figures = [f for f in figures if f.kind != "percent"]
    if kind == "count" and re.search(r"人", item):
        figures = [f for f in figures if "人" in f.measure]
    if not CHANGE_ITEM.search(item):
        figures = [f for f in figures if not CHANGE_BEFORE.search(text[max(0, f.start - 6) : f.start])]
    return figures


def _first_cited(text: str, figures: Sequence[Figure], answer: Answer) -> PickedValue:
    by_number = {c.n: c for c in answer.citations}
    for figure in figures:
        cited = [by_number[n] for n in cited_after(text, figure.end) if n in by_number]
        if cited:
            return figure, cited[0]
    return None


def _measured_value(text: str, figures: Sequence[Figure], name: str, answer: Answer) -> PickedValue:
    """The first figure in the measure right after a place naming the item (国内公务接待5批次，39人次)."""
    for place in (m for n in item_names(name) for m in _mentions(n, text)):
        figure = next((f for f in figures if f.start >= place.end()), None)
        if figure is not None and MEASURED_GAP.fullmatch(text[place.end() : figure.start]):
            return _first_cited(text, [figure], answer)
    return None


YEARS_SAID = re.compile(r"(?:全年|今年|去年|当年|(?:19|20)\d{2}年度?)")
NEXT_CLAUSE = re.compile(r"[^，,；;。！？\[\]]{0,14}[，,][^，,；;。！？\[\]]{0,14}")


def _named_again(
    text: str, place: re.Match[str], figures: Sequence[Figure], item: str, by_number: dict[int, Citation]
) -> PickedValue:
    """The first figure after the item's name, one clause on, when that clause words the item
    again (全国粮食连续四年增产，2007年产量达到50150万吨)."""
    figure = next((f for f in figures if f.start >= place.end()), None)
    between = text[place.end() : figure.start] if figure is not None else ""
    if figure is None or not NEXT_CLAUSE.fullmatch(between):
        return None
    clause = YEARS_SAID.sub("", re.split(r"[，,]", between)[-1]).lstrip("的")
    if not any(clause.startswith(item[i:]) for i in range(len(item) - 1)):  # 2007年产量, not 棉花产量
        return None
    cited = [by_number[n] for n in cited_after(text, figure.end) if n in by_number]
    return (figure, cited[0]) if cited and _worded_otherwise(item, text[: figure.start]) else None


def _worded_otherwise(item: str, before: str) -> bool:
    """Whether the sentence before a figure holds most of the item's characters (预算收入 in
    收入预算2,616万元; 全国粮食产量 in 全国粮食连续四年增产，2007年产量达到50150万吨), so that it is
    the item worded otherwise and not another item."""
    sentence = re.split(r"[；;。]|\[\d+\]", SOURCE_LABEL.sub("", before))[-1]
    wanted = set(re.sub(r"[^\u4e00-\u9fff]", "", ITEM_TAIL.sub("", item) or item))
    if "分别" in re.split(r"[，,]", sentence)[-1]:  # 城乡居民…分别增长4.3%、6.1%: whose is which is not said
        return False
    return not wanted or len(wanted & set(sentence)) >= 0.5 * len(wanted)


def _headed(text: str, figures: Sequence[Figure], item: str, by_number: dict[int, Citation]) -> PickedValue:
    """The first figure, when the answer's sentence begins with it and its passage names the item
    just before that sentence (1.因公出国（境）费用。2026年预算数13.20万元…)."""
    if not figures:
        return None
    figure = figures[0]
    start = max(text.rfind(c, 0, figure.start) + 1 for c in "。；;]\n")
    label = SOURCE_LABEL.match(text, start)  # （某局，2026年）
    start += len(label.group()) if label else 0
    cited = [by_number[n] for n in cited_after(text, figure.end) if n in by_number]
    if not cited or figure.start - start > 12 or len(text[start : figure.end]) < 4:
        return None
    at = cited[0].text.find(text[start : figure.end])
    lead = cited[0].text[max(0, at - 30) : at] if at > 0 else ""
    named = any(_mentions(n, lead) for n in whole_names(item) + item_names(item))
    return (figure, cited[0]) if named and not find_figures(lead.rsplit("。", 1)[-1]) else None


def _level_reached(text: str, named_at: int, figure: Figure, figures: Sequence[Figure]) -> Figure:
    """农村居民人均纯收入由2476元增加到4140元: the figure after 到, the level the item reached."""
    if not re.search(r"[由从](?:(?:19|20)\d{2}年(?:的)?)?$", text[named_at : figure.start]) or not FROM_TO.match(
        text[figure.end : figure.end + 6]
    ):
        return figure
    return next((f for f in figures if f.start > figure.end and f.kind == figure.kind), figure)


# between an item's name and its figure: a few words (预算, 支出, 合计：, 人数不低于), no new clause
NAMES_FIGURE = re.compile(r"[^，,；;。！？\[\]]{0,14}")


# a table row named by the item: 基本工资：<the column's head, however long>1,309.12万元
RECORD_GAP = re.compile(r"：[^，,；;。！？\[\]]{0,40}")
# 国内生产总值20.94万亿元，比上年增长10.7%: the growth of the level just named
ITS_GROWTH = re.compile(r"[^，,；;。！？\[\]]{0,16}[，,]\s*(?:比上年|比去年|同比|较上年)(?:增长|上涨|下降|提高)")
# 经营主体新增105万户，达到920万户: the level reached after the growth
GREW_TO = re.compile(
    r"(?:新增|净增|增加|增长)[^，,；;。！？\[\]]{0,12}[，,、]\s*(?:已经)?(?:达到|达|突破|超过|增至|升至)"
)
ITEM_TAIL = re.compile(r"(?:的)?(?:预算数|预算|决算数|决算|执行数|的钱|资金|金额|数额|情况|预期目标|目标)$")


WITHIN = re.compile(r"(?:里|中|内|下)的|下面的|之下的|表[里中]的?|表的|之中的?")  # not 高中教育, 中小学
CLASS_SUFFIX = re.compile(r"(?<=.{2})(?:类|项|款|这一项|一项|这项|科目)$")


def item_names(item: str) -> list[str]:
    """Ways a report may name ``item``, longest first: 公务用车购置费预算, 公务用车购置费, …, 购置费.
    For "X里的Y" (政府采购预算表里的货物类) the names of Y come first: X only says where."""
    inner = inner_item(item)
    if inner != item:
        return list(dict.fromkeys([*_item_names(inner), *_item_names(item)]))
    return _item_names(item)


def inner_item(item: str) -> str:
    """Y of "X里的Y" (政府采购预算表里的货物类 -> 货物): what is asked, X says only where; else ``item``."""
    pieces = WITHIN.split(item)
    inner = pieces[-1]
    if inner == item or len(inner) < 2:
        return item
    if re.fullmatch(r"合计数?|总计数?|总数|总额", inner):  # 机关运行经费支出预算表的合计数: X itself
        return re.sub(r"(?:预算)?表?$", "", pieces[-2]) or item
    return CLASS_SUFFIX.sub("", inner) or inner


def _item_names(item: str) -> list[str]:
    for asked, written in SYNONYMS:
        item = item.replace(asked, written)
    spoken = [item.replace(asked, written) for asked, written in SPOKEN if asked in item]
    return list(dict.fromkeys(n for variant in [item, *spoken] for n in _names_of(variant)))


NAMED_COLUMNS = ("执行数", "决算数", "决算")  # a column the answer names next to its figure


def whole_names(item: str) -> list[str]:
    """``item`` and its core (without 预算/目标…) as the reports may say them: 经济增长目标,
    经济增长, 生产总值增长目标, 生产总值增长."""
    item = inner_item(item)
    for asked, written in SYNONYMS:
        item = item.replace(asked, written)
    variants = [item, *(item.replace(asked, written) for asked, written in SPOKEN if asked in item)]
    names = []
    for variant in variants:
        core = ITEM_TAIL.sub("", variant) or variant
        tail = variant[len(core) :].lstrip("的")
        names += [variant, tail if tail in NAMED_COLUMNS else core]  # 执行数: the column is the anchor
    return list(dict.fromkeys(n for n in names if len(n) >= 2))


CHANGE_END = re.compile(r"(?:增长|上涨|下降|增加|减少|增速|增幅)$")


# an average asked (平均每辆的运行费): a name without the average (运行费) names the total
PER_ONE = re.compile(r"^(?:平均每[\u4e00-\u9fff]|人均|每[\u4e00-\u9fff])")


def _names_of(item: str) -> list[str]:
    per = PER_ONE.match(item)
    if per:
        return [n for n in _all_names_of(item) if n.startswith(per.group())]
    return _all_names_of(item)


def _all_names_of(item: str) -> list[str]:
    core = ITEM_TAIL.sub("", item) or item
    tail = item[len(core) :].lstrip("的")
    names = [item] + ([tail] if tail in NAMED_COLUMNS else []) + [core]
    change = CHANGE_END.search(core)  # 农村居民人均可支配收入增长: 收入增长 is any income's growth
    least = 3 + (len(change.group()) if change else 0)
    names += [core[i:] for i in range(1, len(core) - least + 1)]  # tails: 购置费 for 公务用车购置费
    names += [core[:i] for i in range(len(core) - 1, 2, -1)]  # heads: 群众团体事务 for 群众团体事务费
    return list(dict.fromkeys(n for n in names if len(n) >= 3 or n == item))


def _mentions(name: str, text: str) -> list[re.Match[str]]:
    """Where ``text`` names ``name``, quotes and 的 inside it ignored (“三公”经费); [] when it does not."""
    return list(re.finditer(NAME_GAP.join(re.escape(c) for c in name.replace("的", "")), text))


# a column header that names its year: 2014年决算数977.3万元, 上年决算数1679.69万元, 本年预算数…
COLUMN_YEAR = re.compile(
    r"^(?:((?:19|20)\d{2})年度?|(上年|上一年度?)(?=[决预执实]\S{0,3}数)|(本年)(?=[决预执实]\S{0,3}数))"
)
SENTENCE_EDGE = "。！？\n["
HEADER_MAX = 30  # a column header, or the words before a figure in a sentence that starts with its year


def column_year(text: str, figure: Figure, doc_year: int) -> int | None:
    """The year the header before ``figure`` names (上年/本年 of a report of ``doc_year``); None
    when it names none or is a change (比上年增减)."""
    start = max(text.rfind(sep, 0, figure.start) for sep in "：:，,；;。）)\n]") + 1  # not （某局，2025年）
    header = text[start : figure.start].strip()
    said = COLUMN_YEAR.match(header)
    if said is None or len(header) > HEADER_MAX or re.search(r"比|较|增|减", header):
        return None
    if said.group(1):
        return int(said.group(1))
    return doc_year - 1 if said.group(2) else doc_year


def in_column_of(text: str, figure: Figure, year: int, doc_year: int) -> Figure | None:
    """``figure``, or the figure of the same record in the column of ``year`` when its own column
    names another year (2014年决算数977.3万元，2015年决算数918.5万元: 2015's is 918.5); None when
    no column of the record names ``year``."""
    own = column_year(text, figure, doc_year)
    if own is None or own == year:
        return figure
    low = max(text.rfind(edge, 0, figure.start) for edge in SENTENCE_EDGE) + 1
    ends = [i for i in (text.find(edge, figure.end) for edge in SENTENCE_EDGE) if i >= 0]
    high = min(ends, default=len(text))
    for other in find_figures(text[low:high]):
        moved = replace(other, start=other.start + low, end=other.end + low)
        if (other.kind, other.unit) == (figure.kind, figure.unit) and column_year(text, moved, doc_year) == year:
            return moved
    return None
