"""What a question says about where to look: years, departments, document types. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.records import DocumentInfo
from assistant.understanding.matching import PROVINCES  # provinces named without 省/市: 江苏和浙江…
from assistant.understanding.names import Mention, Names, named_places, of_place, resolve
from assistant.understanding.orgs import parse_org

YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*[-—–~至到]+\s*((?:19|20)\d{2})\s*年")
SHORT_YEAR = re.compile(r"(?<![\d.．])([0-3]\d)\s*年(?=度?的?[\u4e00-\u9fff]{0,8}?(?:报告|预算|决算))")
RELATIVE = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "上一年": -1, "前年": -2}
RECENT = re.compile(r"近([两二三四五])年")
NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)} | {"两": 2}
DOC_TYPE_WORDS = (
    ("自评", "绩效自评报告"),
    ("决算", "部门决算"),
    ("预算", "部门预算"),
    ("政府工作报告", "政府工作报告"),
)
# A place or body named in a question: 南县政协, 龙津街道, 普陀区财政局, 北京市 ...
ORG_MENTION = re.compile(
    r"([\u4e00-\u9fff]{1,4}?(?:街道|镇|乡|县|区|市|省)(?:政协|人大|财政局|[\u4e00-\u9fff]{1,4}局|委员会|府办|办事处)?)"
)
NOT_PLACES = tuple(
    "城乡 城镇 乡村 乡镇 社区 地区 园区 城区 景区 小区 辖区 片区 街区 城市 超市 上市 开市 全省 全市 全区 全县 全镇".split()
)
GENERIC_PLACES = frozenset(
    {"街道", "本街道", "全市", "全省", "全区", "全县", "我市", "我省", "我区", "城市", "社区", "城区", "本市", "该区"}
)


@dataclass(frozen=True)
class QueryAnalysis:
    question: str
    years: tuple[int, ...] = ()  # named explicitly (2021年, 2023—2025年)
    relative_years: tuple[int, ...] = ()  # resolved from 去年, 近三年 against the newest report
    departments: tuple[str, ...] = ()  # departments of the store the question names
    unknown_orgs: tuple[str, ...] = ()  # places/bodies named that no document belongs to
    doc_types: tuple[str, ...] = ()
    doc_ids: frozenset[str] = field(default_factory=frozenset)  # documents in scope
    mentions: tuple[Mention, ...] = ()  # where the question names bodies, and which

    @property
    def ambiguous(self) -> tuple[Mention, ...]:
        """Mentions several bodies answer to equally (财政局 of a district and of a city)."""
        return tuple(m for m in self.mentions if m.ambiguous)


@lru_cache(maxsize=16384)
def aliases(department: str) -> frozenset[str]:
    """Short names people use for a department: 龙津街道 for 广州市荔湾区人民政府龙津街道办事处.
    Cached: every question checks the names of every document's department."""
    names = {department}
    tail = department.split("人民政府")[-1] or department
    if len(tail) >= 4:
        names.add(tail)
    for suffix in ("街道办事处", "办事处"):
        if tail.endswith(suffix):
            stem = tail[: -len(suffix)]
            names |= {stem + "街道", stem + "街", stem} if suffix == "街道办事处" else {stem}
    if department.endswith("人民政府"):
        place = department[: -len("人民政府")]
        names |= {place, place + "政府", place.rstrip("省市区县") if len(place) > 2 else place}
    if department.endswith("人民政府办公室"):
        place = department[: -len("人民政府办公室")]
        names |= {place + "府办", place[-1] + "府办"}
    committee = re.fullmatch(r"政协(.+?)委员会", department)
    if committee:
        names |= {committee.group(1) + "政协"}
    org = re.search(r"([\u4e00-\u9fff]{2,3}[区县市])([\u4e00-\u9fff]+局)$", department)
    if org:
        names |= {org.group(1) + org.group(2), org.group(2) if len(org.group(2)) > 2 else org.group(1) + org.group(2)}
    return frozenset(n for n in names if len(n) >= 2)


REPORT_OF_YEAR = re.compile(
    r"(?<!\d)((?:19|20)\d{2}|[0-3]\d)\s*年(?:度)?(?:的)?(?:[\u4e00-\u9fff]{0,8}?)(?:政府工作报告|部门预算|部门决算|单位预算|预算报告|决算报告|自评报告)"
    r"|(?<!\d)((?:19|20)\d{2}|[0-3]\d)\s*年(?:度)?的?报告(?=里|中|说|讲|提到|显示|提出|为准|给的)"  # 2006年报告说, not 在报告里
)


REPORT_SAYS_YEAR = re.compile(r"((?:19|20)\d{2})\s*年的?(?:政府工作)?报告(?:里|中)?(?:说|讲|提到|显示|回顾)")
SHORT_YEARS = re.compile(r"(?<![\d.．%％近续第共这那多几每个])([0-3]\d)\s*年(?![来间内以])")
SHORT_YEAR_LIST = re.compile(
    r"(?<![第\d.．%％])[0-3]\d(?:\s*[、和及与到至—–~-]\s*[0-3]\d)+(?:这?[两三四五]个?)?(?=\s*年)"
)  # 05、06、07年
COUNTED_YEARS = re.compile(r"这?[两三四五]个?$")  # 17、18、19三年: the years listed, counted
BODY_SHORT_YEAR = re.compile(
    r"(^|[局委办院厅府室处所站队心部署行馆区县市州镇乡道学园中协关])([0-3]\d)\s*年(?![来间内以])"
)
CLAUSE_SHORT_YEAR = re.compile(r"(?:(?<=^)|(?<=[，,：:；;\s]))([0-3]\d)\s*年(?=的?(?:[，,。？?！!；;]|$))")
REPORTS = re.compile(r"报告|预算|决算|自评|政府工作")


def with_full_years(question: str) -> str:
    """04年 -> 2004年, 17年和19年 -> 2017年和2019年, 05、06、07年 -> 2005、2006、2007年, in a question
    about reports or right after the body it asks of (某局26年收支总表); 连续12年 stays."""
    question = SHORT_YEAR_LIST.sub(
        lambda m: re.sub(r"(?<!\d)([0-3]\d)(?!\d)", r"20\1", COUNTED_YEARS.sub("", m.group())), question
    )
    question = CLAUSE_SHORT_YEAR.sub(lambda m: f"20{m.group(1)}年", question)  # …两家，26年的。
    if not REPORTS.search(question) and len(SHORT_YEARS.findall(question)) < 2:
        return BODY_SHORT_YEAR.sub(lambda m: f"{m.group(1)}20{m.group(2)}年", question)
    return SHORT_YEARS.sub(lambda m: f"20{m.group(1)}年", question)


# the one-character names of provinces, as people list them (京、沪、粤三地)
PROVINCE_LETTERS = dict(
    zip(
        "京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川黔贵滇云陕秦甘陇青蒙桂藏宁新港澳台",
        "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 "
        "贵州 贵州 云南 云南 陕西 陕西 甘肃 甘肃 青海 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 台湾".split(),
        strict=True,
    )
)
LETTER_LIST = re.compile(
    rf"(?:(?<![\u4e00-\u9fff])|(?<=[年度在]))[{''.join(PROVINCE_LETTERS)}](?:[、和与及][{''.join(PROVINCE_LETTERS)}])+"
    r"(?=[两二三四五六七八九十]?[个]?(?:省市|省份|省区|地|省|市)|(?:[\u4e00-\u9fff]{0,3}?[两二三四五六七八九十])?\d{0,4})"
)


def with_province_names(question: str) -> str:
    """川、浙、粤三省 -> 四川、浙江、广东三省: provinces listed by their one-character names."""
    return LETTER_LIST.sub(lambda m: re.sub(r"[^、和与及]", lambda c: PROVINCE_LETTERS[c.group()], m.group()), question)


SHARED_SUFFIX = re.compile(
    r"((?:[\u4e00-\u9fff]{2,8}[、和])+[\u4e00-\u9fff]{2,4}?)(?:这|那)?[两二三四五六七八九十][个家](人民法院|人民检察院|法院|检察院|局|委|厅|办|院|中心|街道)"
)


def with_shared_suffix(question: str) -> str:
    """深圳信访、气象、统计、财政四个局 -> 深圳信访局、气象局、统计局、财政局: bodies listed by the
    words before the kind they share, then counted; or the kind counted, then the bodies in brackets
    (这四个局（信访、气象、统计、财政）)."""
    question = SHARED_SUFFIX.sub(lambda m: _each_with(m.group(1), m.group(2)), question)
    return LISTED_AFTER.sub(lambda m: _each_with(m.group(2), m.group(1)), question)


def _each_with(listed: str, suffix: str) -> str:
    """信访、气象和统计 + 局 -> 信访局、气象局和统计局 (a name that already ends so is kept)."""
    names = re.split(r"([、和])", listed)
    return "".join(n if n in "、和" or n.endswith(suffix) else n + suffix for n in names)


# 这四个局（信访、气象、统计、财政）: the kind counted, then the bodies in brackets
LISTED_AFTER = re.compile(
    r"(?:这|那)?[两二三四五六七八九十]个(局|委|厅|办|院|中心|街道)[（(]((?:[\u4e00-\u9fff]{2,8}[、和])+[\u4e00-\u9fff]{2,8})[）)]"
)


SPOKEN_WORDS = (  # what reports write for what people say
    (re.compile(r"GDP", re.IGNORECASE), "生产总值"),
    (re.compile(r"全国生产总值"), "国内生产总值"),
    (
        re.compile(r"(?:国务院)?总理的?(?=[^，,。？?]{0,24}政府工作报告)"),
        "国务院",
    ),  # the Premier gives the State Council's
    (re.compile(r"社保(?![局卡费基金中心所处])"), "社会保障"),  # 社保和就业支出: the budget's 社会保障和就业支出
    (re.compile(r"公车"), "公务用车"),  # 公车有几辆, 公车运行维护费
)


DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0"}
WRITTEN_YEAR = re.compile(r"(?:一九|二[〇零○Ｏ])[〇零○Ｏ一二三四五六七八九]{2}(?=\s*(?:年|[、和与及至到—–~-]))")


def with_digit_years(question: str) -> str:
    """二〇一八年 -> 2018年, 二〇一七、二〇一八年 -> 2017、2018年."""
    return WRITTEN_YEAR.sub(lambda m: "".join(DIGITS[c] for c in m.group()), question)


# what people say around a question: why they ask, and please/thanks (never what is asked)
CONTEXT_CLAUSE = re.compile(
    r"^(?:我|我们|领导)[^，,。？?；;]{0,24}?(?:写|做|准备|整理|汇总|起草|核对|梳理|看)[^，,。？?；;]{0,20}?"
    r"(?:材料|分析|汇报|稿子?|报告|对比|比较|比对|测算|表格?)[，,。；;]\s*"
)
POLITE = re.compile(
    r"(?:^|(?<=[，,。；;：:\s]))(?:领导问[：:]?|请问一下|请问|请|麻烦(?:你|您)?|帮(?:我|忙)|想问一下|我想(?:知道|了解|问一下|问)|"
    r"需要|给我|看[一]?下|查[一]?下|核[一]?下|算[一]?下|列[一]?下|对比一下)+"
)
ASIDES = re.compile(  # said in passing: 这个数给我一下, 顺便算下, 是不是比…多
    r"(?:这个数)?给我(?:一下|看看|说说)|(?:也|再)?(?:说|列|算|看|核)一下|顺便(?:算|看|核)?[一]?下?|再看看|做个对比|是不是(?=比)"
)
THANKS = re.compile(r"[，,。\s]*(?:谢谢(?:了|啦)?|多谢|辛苦(?:了|啦)?|麻烦(?:了|算一下|你了|您了))[。！!]*$")


def without_preamble(question: str) -> str:
    """我在写涉农资金汇报材料，需要中央财政…的支出 -> 中央财政…的支出: the question without why it is
    asked or its courtesies. A clause that asks for a figure (我想知道…是多少) keeps what it asks."""
    text = THANKS.sub("", CONTEXT_CLAUSE.sub("", question.strip()))
    text = ASIDES.sub("", POLITE.sub("", text))
    return text if len(text) >= 4 else question


# 深圳市统计局与市财政局: the second body is of the city named with the first
SAME_CITY = re.compile(
    r"([\u4e00-\u9fff]{2,3}([市县区]))([\u4e00-\u9fff]{0,10}?(?:局|委|办|厅|政协|人大|机关|馆|院|中心))([与和、及跟同])\2"
    r"(?=[\u4e00-\u9fff]{1,10}?(?:局|委|办|厅|政协|人大|馆|院|中心))"
)
# 县政协(寻甸), 人社局（昆明市）: the body, then its place in brackets
PLACE_AFTER = re.compile(
    r"(?<![\u4e00-\u9fff])([省市区县]?)([\u4e00-\u9fff]{0,10}?(?:局|委|办|厅|政协|人大|馆|院|中心|监委))"
    r"[（(]([\u4e00-\u9fff]{2,4}?)([省市区县]?)[）)]"
)


def with_same_city(question: str) -> str:
    """深圳市统计局与市财政局 -> 深圳市统计局与深圳市财政局 (and 某县政协和县文旅局); 县政协(寻甸) ->
    寻甸县政协."""
    question = SAME_CITY.sub(lambda m: f"{m.group(1)}{m.group(3)}{m.group(4)}{m.group(1)}", question)
    return PLACE_AFTER.sub(_place_first, question)


def _place_first(match: re.Match[str]) -> str:
    level, body, place, suffix = match.groups()
    if place in ("本级", "汇总", "机关", "部门", "单位", "含") or place.startswith("含"):
        return match.group()
    return f"{place}{suffix or level}{body}"


def spelled_out(question: str) -> str:
    """A question as the reports would word it: without its preamble and courtesies, years in
    full digits, provinces and listed bodies spelled out (川、浙两省; 信访、统计两个局; 市财政局 after
    a body of a city), GDP as 生产总值, 总理's work report as the State Council's."""
    question = with_same_city(without_preamble(question))
    question = with_shared_suffix(with_full_years(with_digit_years(with_province_names(question))))
    for spoken, written in SPOKEN_WORDS:
        question = spoken.sub(written, question)
    return question


def named_report_years(question: str) -> tuple[int, ...]:
    """Years that name a report (2008年政府工作报告, 04年政府工作报告): the report of that year."""
    spoken = [m.group(1) or m.group(2) for m in REPORT_OF_YEAR.finditer(question)]
    years = {int(y) + (2000 if len(y) == 2 else 0) for y in spoken}
    for match in REPORT_OF_YEAR.finditer(question):  # 2005年和2006年政府工作报告: both reports
        listed = re.search(r"(?:(?:19|20)\d{2}\s*年?\s*[和、与及]\s*)+$", question[: match.start()])
        years |= {int(y) for y in re.findall(r"(?:19|20)\d{2}", listed.group())} if listed else set()
        span = re.search(r"((?:19|20)\d{2})\s*年?\s*[至到—–~-]\s*$", question[: match.start()])
        last = int(match.group(1)) if match.group(1) and len(match.group(1)) == 4 else 0
        years |= set(range(int(span.group(1)), last + 1)) if span and last else set()  # 2005年至2008年的…报告
    return tuple(sorted(years))


def spoken_years(question: str) -> tuple[int, ...]:
    """The years asked about, not those that only name a report: 2004年到2006年 in
    2004年到2006年…（按2005、2006、2007年政府工作报告）."""
    text = question
    for match in reversed(list(REPORT_OF_YEAR.finditer(question))):
        listed = re.search(r"(?:(?:19|20)\d{2}\s*年?\s*[和、与及]\s*)+$", question[: match.start()])
        text = text[: listed.start() if listed else match.start()] + " " + text[match.end() :]
    return explicit_years(text)


BARE_YEAR = re.compile(r"(?<![\d.,，])((?:19|20)\d{2})(?![\d.,%‰万亿元千百个人户家项次台辆套名位])")


def explicit_years(question: str) -> tuple[int, ...]:
    years: set[int] = set()
    for start, end in YEAR_RANGE.findall(question):
        years |= set(range(int(start), int(end) + 1))
    years |= {int(y) for y in YEAR.findall(question)}
    years |= {
        int(y)
        for y in re.findall(
            r"(?<!\d)((?:19|20)\d{2})(?=\s*(?:和|与|、|及|至|到|-|—|[两二三四五六七八九十]年))", question
        )
    }
    years |= {2000 + int(y) for y in SHORT_YEAR.findall(question)}  # 04年政府工作报告
    years |= {int(y) for y in BARE_YEAR.findall(question)}  # 机关运行经费 2025比2024 增加额
    return tuple(sorted(years))


def relative_years(question: str, newest: int | None) -> tuple[int, ...]:
    if newest is None:
        return ()
    years = {newest + delta for word, delta in RELATIVE.items() if word in question}
    recent = RECENT.search(question)
    if recent:
        span = NUMERALS[recent.group(1)]
        years |= set(range(newest - span + 1, newest + 1))
    return tuple(sorted(years))


def analyse(question: str, documents: Sequence[DocumentInfo]) -> QueryAnalysis:
    names = resolve(question, documents)
    departments = names.departments
    bare = YEAR.sub(lambda m: " " * len(m.group()), question)
    for mention in names.mentions:  # a resolved mention is not also an unknown body
        bare = bare[: mention.start] + " " * (mention.end - mention.start) + bare[mention.end :]
    bare = re.sub(r"(?<!\d)(?:19|20)\d{2}", " ", bare)
    unknown = tuple(sorted(set(names.unknown) | set(_unknown_orgs(bare, documents))))
    doc_types = tuple(t for word, t in DOC_TYPE_WORDS if word in question)
    scope = [d for d in documents if not departments or d.department in departments]
    if not departments:  # 江苏2025年政府工作报告: a place named without a body
        scope, missing = _in_places(question, scope, names, doc_types)
        unknown = tuple(sorted(set(unknown) | set(missing)))
    scope = _prefer_level(question, scope)
    years = explicit_years(question)
    named = named_report_years(question)
    if named:  # "2008年政府工作报告": the report of that year, not the one reviewing it
        scope = [d for d in scope if d.year in named] or scope
        # 2006年报告说，2005年…: about 2005 (unless the question also asks the report's own year)
        saying = {int(y) for y in REPORT_SAYS_YEAR.findall(question) if question.count(f"{y}年") == 1}
        years = tuple(y for y in years if y not in saying) or years
    elif years:  # "2022年三公经费": the reports about that year (or reviewing it), when there are any
        in_year = [d for d in scope if d.year in years or any(d.looks_back_on(y) for y in years)]
        scope = in_year or scope
    newest = max((d.year for d in scope if d.year), default=None)  # 去年: before this department's newest report
    return QueryAnalysis(
        question=question,
        years=years,
        relative_years=relative_years(question, newest),
        departments=departments,
        unknown_orgs=unknown,
        doc_types=doc_types,
        doc_ids=frozenset(d.doc_id for d in scope),
        mentions=names.mentions,
    )


COUNTED_GROUP = re.compile(r"^[两二三四五六七八九十几各多数]+个?[省市区县地家局委办厅]")


def _unknown_orgs(bare: str, documents: Sequence[DocumentInfo]) -> list[str]:
    """Places and bodies named (南县政协, 无锡市财政局, 江苏) that no document is of."""
    known = {alias for doc in documents for name in doc.all_names for alias in aliases(name)}
    titles = [d.title for d in documents]
    found = [
        m
        for m in ORG_MENTION.findall(bare)
        if m not in GENERIC_PLACES
        and not m.endswith(NOT_PLACES)
        and not any(word in m for word in ("了", "的", "个", "几", "多少", "和", "与", "其中", "报告"))
        and not COUNTED_GROUP.match(m)  # 五省市, 两市: how many are asked of, not a name
        and not any(alias in m or m in alias for alias in known if len(alias) >= 2)
        and not any(m in t for t in titles)
    ]
    mentioned = set(ORG_MENTION.findall(bare))
    found += [
        p
        for p in PROVINCES
        if p in bare
        and not any(p in m for m in mentioned)
        and not any(p in alias for alias in known)
        and not any(p in t for t in titles)
    ]
    return found


SCOPING_TYPES = ("政府工作报告", "绩效自评报告")  # named, they say which document; 预算 is just a word


def _in_places(
    question: str, scope: list[DocumentInfo], names: Names, doc_types: tuple[str, ...]
) -> tuple[list[DocumentInfo], list[str]]:
    """The documents of the places a question names (and of the document type it names, when
    that type says which document); what the library lacks, as unknown names."""
    places = named_places(question, scope, names)
    if not places:
        return scope, []
    own = [d for d in scope if any(of_place(d, p) for p in places)]
    if not own:
        return scope, list(places)
    typed = [t for t in doc_types if t in SCOPING_TYPES]
    if typed and not any(d.doc_type in typed for d in own):
        return scope, [f"{'、'.join(places)}的{typed[0]}"]
    return own, []


LEVEL_WORDS = re.compile(r"本级|单位预算")


def _prefer_level(question: str, scope: list[DocumentInfo]) -> list[DocumentInfo]:
    """One body's 部门预算 (汇总) and its 本级/单位预算 side by side: the question's 本级/单位 picks
    the latter, anything else the former."""
    if LEVEL_WORDS.search(question):
        own = [d for d in scope if d.scope == "本级" or d.doc_type == "单位预算"]
        return own or scope
    whole = {(d.department, d.year) for d in scope if d.scope != "本级" and d.doc_type != "单位预算"}
    return [d for d in scope if (d.department, d.year) not in whole or (d.scope != "本级" and d.doc_type != "单位预算")]


def short_name(department: str) -> str:
    """The name people use in a memo: 万里街道 for 上海市普陀区人民政府万里街道办事处, 深圳市统计局
    (never a bare 统计局: several cities have one), 北京市 for 北京市人民政府."""
    org = parse_org(department)
    if not org.places:
        return org.name or department
    place = org.places[-1]
    if org.body == "人民政府":
        return place
    if org.body.endswith("街道办事处"):
        return org.body[: -len("办事处")]
    if org.body.startswith("政协") and org.body.endswith("委员会"):
        return place + "政协"
    return place + org.body
