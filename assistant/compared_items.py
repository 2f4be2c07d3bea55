"""What a comparison question compares: whether it is one, and its items — the question without
its years, bodies, and the words that ask for levels or changes. Pure.

"万里街道2024年和2025年三公经费各是多少？增加了多少？" compares 三公经费; 各是多少 and 增加了多少 say what is
asked of it, not another item.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from assistant.query import YEAR_RANGE, aliases

COMPARE = re.compile(
    r"比较|对比|相比|相较|变化|变动|增减|[怎如]么?变的|[怎如]么?变了|有没有变|变没变|多了还是少了|高了还是低了|差距|差多少|差了多少|"
    r"(?:增长|增加|减少|下降|提高|降低|[涨降]|[多高少低]出)了?多少|[增减多少高低]了多少|[跟和与同较]\s*(?:19|20)\d{2}\s*年[^，,。？?]{0,8}?比|[增降涨]幅|(?:增加|减少|增长|增减|变动)额|各是多少|各多少|各为多少|分别是多少|分别为多少|分别多少|"
    r"近[两二三四五]年|谁|哪个|哪家|哪一年|哪年|比(?:19|20)\d{2}年(?!.*(?:原因|为什么|为何|为啥|用于|用途))"
)
WHICH = re.compile(r"谁|哪个|哪家|哪一年|哪年")
FILLER = re.compile(
    r"怎么变化的?|如何变化|有何变化|有什么变化|变化情况|变化|变动情况|变动|增减情况|增减|"
    r"是?[怎如]么?变(?:化)?[的了]?|有没有变过?|变没变过?|哪一?项有?|比一比|比比看|比较一下|比较|对比一下|对比|相比|相较|差距|相?差了?多少|多了还是少了|高了还是低了|[多少高低]了?多少|"
    r"(?:增长|增加|下降|减少)了?百分之几|百分之几|增幅|(?:政府工作)?报告(?:里|中)?(?:说的?|讲的?|提到的?|显示的?)?|"
    r"(?:增长|增加|减少|下降|提高|降低)了?多少|"
    r"分别是多少|各是多少|分别为多少|各为多少|分别多少|各[\u4e00-\u9fff]{0,3}?多少|是多少|有多少|为多少|多少|分别|"
    r"(?:哪[个家一]?[年个家省市区县]?|谁)?最[多少高低大小快慢]|[大多高快]不[大多高快]|哪个?[省市区县地家年]更?[多少高低大小快慢]|哪一?年[\u4e00-\u9fff]{1,3}?最[多少高低大小快慢]|"  # 哪家最多, 变化大不大: asked of the figures
    r"谁的|谁|哪个的|哪个|哪家的|哪家|哪一年|哪年|更多|更高|更少|更低|"
    r"请问|请|帮我|一下|情况|是增是减|是升是降|各自(?:提到|说|讲)?的?|(?:是)?(?:增加|多了|增长)还是(?:减少|少了|下降)了?|(?:增减)?幅度(?:是)?多[大少]|有变化吗|[跟和与同较]?(?:去年|上年度?|上一年度?|前一年)(?:年初)?(?:预算数?)?比|说的上一年|上一年度?|上年度|前一年|比第?[一二三四五]名|各?[有是为]?几[台套辆个家项次名人位处]（?[台套]?）?|近[两二三四五]年|[两二三四五各每历]年|今年|去年|上年|前年|本年|(?:19|20)\d{2}|"
    r"[两二三四五六七八九十几各]地|[两二三四五六七八九十几各]个?(?:部门|单位)|这?[两二三四五六七八九十几]+(?:家|个局?)的?"
)
# a word that names a column rather than an item: "X 2023年执行数和2024年预算" asks two things
ATTRIBUTES = frozenset({"预算", "预算数", "执行数", "决算", "决算数", "预期", "目标", "增长目标", "预期目标", "实际"})
QUALIFIERS = frozenset({"预算", "预算数"})  # "2025年预算和2024年相比": says what, not which
EACH_GREW = re.compile(r"(?:各|分别|每年)(?:增长|增速|上涨|涨)(?:了|是|为)?(?:多少|几)")
GROUPS_COMPARED = re.compile(r"比|相比|相较|差")  # 19年比18年涨了多少: the difference of the two levels
AGAINST_BEFORE = re.compile(
    r"[跟和与同较比]\s*(?:(?:19|20)\d{2}年|上年度?|去年|上一年度?|前一年)(?:年初)?(?:预算数?)?相比[，,]|"  # 与2025年年初预算相比，
    r"[跟和与同较比]\s*(?:(?:19|20)\d{2}年|上年度?|去年|上一年度?|前一年)(?:年初)?(?:预算数?)?比?[，,]?\s*"
    r"(?:(?:各|分别)(?:是|有)?(?:多了还是少了|增加还是减少|什么变化|变化|增减了?多少|[增减多少]了?多少|增加了?多少|减少了?多少)"
    r"|哪[个家]是?(?:增加|减少)的?)"
)
SOURCE_NAMED = re.compile(r"(?:按|根据|依据|以)[^，,。？?；;]{0,16}?(?:文件|口径|表格?|报告|数据)(?:为准)?")
EACH_ASKED = re.compile(r"[各每](?:是|为|有|安排了?|花了?)?多少|分别(?:是|为|有|安排了?)?多少")
COUNTED_IN = re.compile(r"多少([户家个项人名台辆套所])")
AS_OF = re.compile(r"(?:截至|截止到?)\s*(?:(?:19|20)\d{2}\s*年)?(?:\d{1,2}\s*月)?(?:\d{1,2}\s*日)?[底末]?")
MONEY_OF = re.compile(r"(涉及|投入|使用)了?多少(?:钱|资金|经费)")
BARE_CHANGE = re.compile(r"(?:下?降|上?涨|增长|增加|减少)了?")
CHANGE_ONLY = re.compile(  # 比多出, 是百分, 增幅是: what is asked of the levels, not an item
    r"[比较跟与和]?[是为]?(?:同比|环比|变化|变动|相差|差额|[增减]?额|[多少高低]出|[多少高低]了|增加|减少|增长|下降|上[涨升]|[涨降增]|[增降涨]?幅度?|"
    r"百分点?|个百分点|翻了?|几倍|几番|大吗|大不大|明显吗)+[了是为吗]?"
)
# what an event is counted in (公务接待…多少批次、多少人次): measures of the item before, not items
EVENT_MEASURES = frozenset({"批次", "人次"})
LEVELS_ASKED = re.compile(EACH_ASKED.pattern + "|是多少")  # 各多少，涨了多少
SEPARATORS = re.compile(r"(?:[\s、，,和跟？?。！!：:；;]|以及|(?<![涉以普危顾企波触])及)+")  # not 涉及
COUNTING = re.compile(r"[两二三四五六七八九十几各这那](?:[个地家级份]|个?(?:省市|[省市区县局]))")
STOP_ITEMS = frozenset(
    {
        "的",
        "年",
        "年度",
        "部门",
        "单位",
        "报告",
        "数据",
        "数字",
        "说法",
        "口径",
        "按",
        "根据",
        "达到",
        "实现",
        "为准",
        "以",
        "安排",
        "安排了",
        "拟安排",
        "逐年",
        "以及",
        "列",
        "做个",
        "看看",
        "顺便",
        "算下",
        "也说",
        "是不是",
        "定了",
        "定的",
        "给我",
        "这个数",
        "两家",
        "两年",
        "怎么",
        "盘子",
        "万亿",
        "万亿元",
        "亿元",
        "万元",
        "原因",
        "啥原因",
        "什么原因",
        "主要原因",
    }
)


# the whole budget asked by the report's name (这四家的部门预算哪家盘子最大): its income total
TOTAL_ASKED = dict.fromkeys(("部门预算", "单位预算", "总预算", "预算总额", "预算总盘子", "部门预算总额"), "收入预算")


def is_comparison(question: str) -> bool:
    return bool(COMPARE.search(question))


def items_of(question: str, departments: Sequence[str], known: Iterable[str] = ()) -> tuple[str, ...]:
    """What is compared: the question without its years, departments and comparison words.
    ``known``: item names of the store's tables, kept whole (社会保障和就业支出 is one item)."""
    whole = sorted((k for k in known if SEPARATORS.search(k) and k in question), key=len, reverse=True)
    text = _without_asking(question, departments)
    for i, name in enumerate(whole):
        text = text.replace(name, f"<{i}>")
    items: list[str] = []
    measured = ""  # the item the measures just read belong to
    for part in _listed(text):
        part = _cleaned(re.sub(r"<(\d+)>", lambda m: whole[int(m.group(1))], part), question)
        if COUNTING.fullmatch(part):  # 两个财政局, 三地: how many are compared, not what
            continue
        if BARE_CHANGE.fullmatch(part):  # 能耗，…2006年降了多少: the change stated of the item before;
            word = "下降" if "降" in part else "增长"  # 19年比18年涨了多少, 各多少、涨了多少: of its levels
            stated = not GROUPS_COMPARED.search(question) and not LEVELS_ASKED.search(question)
            if items and stated and not items[-1].endswith(word) and items[-1] not in QUALIFIERS:
                items[-1] += word
            continue
        if CHANGE_ONLY.fullmatch(part):
            continue
        if part in EVENT_MEASURES and (measured or items):
            measured = measured or items.pop()
            items.append(measured + part)
            continue
        measured = ""
        if len(re.findall(r"[\u4e00-\u9fff]", part)) >= 2 and part not in STOP_ITEMS and part not in items:
            items.append(part)
    return tuple(dict.fromkeys(TOTAL_ASKED.get(i, i) for i in items))


def _without_asking(question: str, departments: Sequence[str]) -> str:
    """The question without its years, bodies and the words that ask for levels or changes."""
    text = AGAINST_BEFORE.sub(" ", question)  # 和2025年年初预算比分别是多了还是少了: each one's change
    text = re.sub(r"比(?=\s*(?:19|20)\d{2})", " ", text)  # 2025年预算比2024年
    text = AS_OF.sub(" ", text)  # 截至2025年10月: when, not what
    text = SOURCE_NAMED.sub(" ", text)  # 按部门预算公开文件: where from, not what
    text = YEAR_RANGE.sub(" ", text)
    text = re.sub(r"(?<!\d)(?:19|20)\d{2}\s*年度?[末底]?", " ", text)  # 2024年度与2025年度, 2021年末
    text = re.sub(r"(?<!\d)[0-3]\d年(?!\d)[末底]?", " ", text)  # 19年比17年: short years are years too
    for department in departments:
        for alias in sorted(aliases(department) | {department}, key=len, reverse=True):
            text = text.replace(alias, " ")
    text = EACH_GREW.sub("增长 ", text)  # 地区生产总值各增长了多少: each group's growth is the item
    text = MONEY_OF.sub(r"\1资金 ", text)  # 项目各有几个、涉及多少钱: the money is the second item
    text = re.sub(r"(?:各|都)?有?几辆(公务)?车", r" \1车辆", text)  # 各有几辆车: the vehicles are the item
    return FILLER.sub(" ", text)


def _listed(text: str) -> list[str]:
    """The pieces of each clause; a shared tail is read within one clause (not 预算 + 三公经费 of the
    next), and a clause asking only of the 预算 (某街道25年预算比24年多了多少？三公经费…) asks its total."""
    clauses = [c for c in re.split(r"[？?。！!；;]", text) if c.strip()]
    if len(clauses) >= 2:
        clauses = ["收入预算" if re.fullmatch(r"\s*预算\s*比?\s*", c) else c for c in clauses]
    return [p for clause in clauses for p in _shared_tails(SEPARATORS.split(clause))]


def _cleaned(part: str, question: str) -> str:
    """A piece without quotes and the words around an item's name."""
    part = re.sub(r"[“”\"'‘’「」]", "", part).strip("的之与")
    part = re.sub(r"^全[国省市区县](?=.{2})", "", part)  # 全省经营主体: the body is the province
    part = re.sub(r"(?<![占同环])比$", "", part)  # X预算比Y多多少: 比 is left of the comparison
    if WHICH.search(question):  # 谁的政府采购预算多; 哪家花得多, 哪年增得多: how, not what
        part = re.sub(r"(?<=.{2})[多高大少低]$", "", part)
        part = re.sub(r"^[\u4e00-\u9fff]得$", "", part)
    if COUNTING.fullmatch(part):
        return part
    part = re.sub(r"^(?:各自?|分别|级)(?=.{2})", "", part)  # 各完成预算, 某市级三公经费
    part = re.sub(r"(?<=.{2})(?:[较跟]|的部分)$", "", part)  # 收入预算较2024年, 拟购买服务的部分
    part = re.sub(r"[（(](?![类款项])[^）)]{2,20}[）)]", "", part)  # 补助支出（离退休人员经费）: the same item
    part = re.sub(r"^(?:[说讲给定提]的|提到的)(?=.{2})|(?<=.{2})(?:安排了|安排)$", "", part)
    return re.sub(r"^(?:把|将)(?=.{2})|(?<=.{2})(?:的?(?:盘子|这个数|数额|金额)|[列说]?一下|也?列)$", "", part)


def _shared_tails(parts: list[str]) -> list[str]:
    """城镇居民、农村居民人均可支配收入 (or 城镇、农村居民…): the first shares the second's tail."""
    parts = [p for p in parts if p and not COUNTING.fullmatch(p) and p not in STOP_ITEMS]  # not 两个, 年度
    for i in range(len(parts) - 1):
        first, second = parts[i], parts[i + 1]
        if not 2 <= len(first) <= 4 or len(second) < len(first) + 3:
            continue
        at = second.find(first[-2:], 1)
        if len(first) > 2 and 0 < at < len(second) - 2:  # 城镇居民 + 农村居民人均… -> 城镇居民人均…
            parts[i] = first + second[at + 2 :]
        elif len(first) == 2 and re.fullmatch(r"[\u4e00-\u9fff]{2}", second[:2]):  # 城镇 + 农村居民…
            parts[i] = first + second[2:]
    return parts
