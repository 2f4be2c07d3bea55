"""An organisation's name, split into the places it is of and its body: 上海市普陀区财政局 is
(上海市, 普陀区) + 财政局. Pure; shared by ingest (names with their evidence) and matching."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

PLACE_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "省", "市", "区", "县", "旗", "盟")
PLACE = re.compile(r"[\u4e00-\u9fff]{1,7}?(?:特别行政区|自治区|自治州|自治县|省|市|区|县|旗|盟)")
# words ending in a place suffix that are not places
NOT_PLACES = frozenset(
    "城乡 城镇 乡村 乡镇 社区 地区 园区 城区 景区 小区 辖区 片区 街区 城市 超市 上市 开市 全省 全市 全区 全县 "
    "省市 市区 市县 本市 本区 本县 本省 我市 我省 我区 我县 该市 该区 该县 各区 各县 各市".split()
)
# how a body's name ends: the organ word (the last characters an abbreviation keeps)
ORGAN_WORDS = (
    "街道办事处",
    "办事处",
    "委员会办公厅",
    "委员会办公室",
    "常委会办公厅",
    "人民政府办公室",
    "人民政府办公厅",
    "人民政府",
    "委员会",
    "联合会",
    "管委会",
    "办公厅",
    "办公室",
    "人民法院",
    "人民检察院",
    "检察院",
    "法院",
    "研究院",
    "学校",
    "小学",
    "中学",
    "大学",
    "学院",
    "医院",
    "卫生院",
    "幼儿园",
    "林场",
    "农场",
    "管理局",
    "中心",
    "电视台",
    "电台",
    "气象台",
    "大队",
    "支队",
    "剧团",
    "出版社",
    "少年宫",
    "机关",
    "政府",
    "街道",
    "局",
    "厅",
    "委",
    "办",
    "院",
    "会",
    "所",
    "站",
    "馆",
    "处",
    "署",
    "部",
    "镇",
    "乡",
)
PARENTHESES = re.compile(r"[（(][^）)]{0,20}[）)]")
PARTY_PREFIX = re.compile(r"^(?:中国共产党|中共)")
TOWN_GOVERNMENT = re.compile(r"([\u4e00-\u9fff]{1,6}?[镇乡])人民政府")
COMMITTEE = re.compile(r"^(政协|中国人民政治协商会议)(.+?)(委员会)(.*)$")


@dataclass(frozen=True)
class Org:
    """``name`` without parentheses = places + body; ``organ`` is the end of ``body``."""

    name: str
    places: tuple[str, ...]
    body: str
    organ: str

    @property
    def place_stems(self) -> tuple[str, ...]:
        """Places as people shorten them: 上海 for 上海市, 宁夏 for 宁夏回族自治区."""
        return tuple(stem(p) for p in self.places)

    @property
    def level(self) -> str:
        """省 / 市 / 区 / 县 … of the body: the suffix of its last place ("" for 国务院)."""
        return next((s for s in PLACE_SUFFIXES if self.places and self.places[-1].endswith(s)), "")


ETHNIC_AUTONOMY = re.compile(r"^([\u4e00-\u9fff]{2,4}?)(?:[\u4e00-\u9fff]{1,4}?族)+自治[区州县旗]$")


def stem(place: str) -> str:
    if place.endswith("回族自治区") or place.endswith("维吾尔自治区") or place.endswith("壮族自治区"):
        return place[:2]
    autonomous = ETHNIC_AUTONOMY.match(place)  # 寻甸回族彝族自治县 is 寻甸
    if autonomous:
        return autonomous.group(1)
    for suffix in PLACE_SUFFIXES:
        if place.endswith(suffix) and len(place) - len(suffix) >= 2:
            return place[: -len(suffix)]
    return place


def leading_places(text: str, whole: bool = False) -> tuple[tuple[str, ...], str]:
    """The places a name starts with, and the rest: 上海市普陀区财政局 -> (上海市, 普陀区), 财政局.
    ``whole``: the text may be all places (the 南县 of 政协南县委员会)."""
    places: list[str] = []
    rest = text
    while True:
        match = PLACE.match(rest)
        if not match or match.group() in NOT_PLACES or len(rest) - match.end() < (0 if whole else 1):
            break
        places.append(match.group())
        rest = rest[match.end() :]
    return tuple(places), rest


@lru_cache(maxsize=16384)
def parse_org(name: str) -> Org:
    """政协南县委员会 -> (南县,) 政协委员会; 中共江苏省委办公厅 -> (江苏省,) 委办公厅."""
    plain = PARENTHESES.sub("", name).strip()
    text = PARTY_PREFIX.sub("", plain)
    committee = COMMITTEE.match(text)
    if committee:
        places, rest = leading_places(committee.group(2), whole=True)
        body = "政协" + rest + committee.group(3) + committee.group(4)  # 中国人民政治协商会议… is 政协…
    else:
        places, body = leading_places(text)
        if body.startswith("人民政府") and body.endswith(("办事处", "镇", "乡")):  # 普陀区人民政府万里街道办事处
            head, _, tail = body.partition("人民政府")
            if not head and tail:
                more, tail = leading_places(tail)
                places += more
                body = tail
    town = TOWN_GOVERNMENT.fullmatch(body)
    if town:  # 双桥集镇人民政府: the government of a town, named by the town as a place's is
        places, body = (*places, town.group(1)), "人民政府"
    organ = next((w for w in ORGAN_WORDS if body.endswith(w)), body[-1:] if body else "")
    return Org(plain, places, body, organ)


def in_order(short: str, long: str) -> bool:
    """Whether the characters of ``short`` occur in ``long`` in order: an abbreviation's rule (省委办 in
    中共江苏省委办公厅), and one organ word of another (法院 in 人民法院, not 检察院)."""
    rest = iter(long)
    return all(char in rest for char in short)


def is_org_name(text: str) -> bool:
    """Whether ``text`` reads as an organisation's name: a body that ends in an organ word."""
    org = parse_org(text)
    return bool(org.body) and any(org.body.endswith(w) for w in ORGAN_WORDS) and len(org.body) >= 2
