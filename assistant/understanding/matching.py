"""A mention in a question matched to the names documents go by, with a score. Pure.

A Chinese abbreviation keeps the characters of the full name in order (城管执法局 in
城市管理和综合执法局, 区府办 in 区人民政府办公室, 省委办 in 江苏省委办公厅), starts where a place or
the body starts, and ends in the organ word (局, 委员会, 办公厅 …) — or names the whole core
with its place (省政协 for 江苏省政协办公厅). A place named on both sides must agree: 广州市统计局
never matches 西安市统计局.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.understanding.orgs import NOT_PLACES, PLACE_SUFFIXES, Org, leading_places, parse_org, stem

PROVINCES = tuple(
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 "
    "四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门".split()
)
PLACE_BEFORE = re.compile(r"([\u4e00-\u9fff]{1,6}?(?:自治区|省|市|区|县))$")
LEADING_WORDS = re.compile(r"^.*(?:其中|以及|还有|关于|报告|的)")
MIN_BODY_SHARE = 0.25
WEIGHT_BODY, WEIGHT_PLACE, WEIGHT_WHOLE = 0.55, 0.3, 0.15


@dataclass(frozen=True)
class Span:
    """Where ``name`` is mentioned in a question, and how well."""

    name: str
    start: int
    end: int
    score: float
    placed: bool  # the mention names the body's place (not just the body)

    @property
    def text_range(self) -> range:
        return range(self.start, self.end)


def _segment_starts(org: Org) -> set[int]:
    """Positions of the name where an abbreviation may start: a place (or its suffix, as in
    省委办), the body."""
    starts, at = {0}, 0
    for place in org.places:
        starts |= {at, at + len(place) - 1}
        at += len(place)
    starts.add(at)
    if not org.places and len(org.body) >= 5 and not leading_places(org.body, whole=True)[1]:
        starts.add(2)  # 泉州台商投资区: a zone after its city's two characters (台商区)
    return starts


def _match_back(question: str, end: int, target: str) -> list[int]:
    """Positions in ``target`` of question[i:end] for the longest i, matched right to left
    (greedy from the right is optimal for a subsequence)."""
    positions: list[int] = []
    j, i = len(target) - 1, end - 1
    while i >= 0 and j >= 0:
        pos = target.rfind(question[i], 0, j + 1)
        if pos < 0:
            break
        positions.append(pos)
        j, i = pos - 1, i - 1
    return positions[::-1]


PLACE_ORGANS = frozenset({"街道办事处", "办事处", "街道", "镇", "乡", "管委会"})  # 某园区 names 某园区管委会
GOVERNMENT = "人民政府"


def government_mention(question: str, org: Org, name: str) -> Span | None:
    """A place's government is named by its place alone: 北京 / 北京市 / 北京市政府."""
    if org.body != GOVERNMENT or not org.places:
        return None
    place = org.places[-1]
    for form in (place + "人民政府", place + "政府", place, stem(place)):
        at = question.find(form)
        if at >= 0 and len(form) >= 2:
            return Span(name, at, at + len(form), 0.85 if form != place + "人民政府" else 1.0, True)
    return None


@lru_cache(maxsize=65536)
def find_mentions(question: str, name: str) -> tuple[Span, ...]:
    """Every place ``question`` mentions ``name`` (深圳财政局和烟台财政局: 财政局 twice), best first
    where two overlap."""
    org = parse_org(name)
    if org.body == GOVERNMENT and org.places:  # 北京 / 北京市政府; never 政府 alone
        government = government_mention(question, org, name)
        return (government,) if government else ()
    places = "".join(org.places)
    target = places + org.body
    if len(org.body) < 2 or not target:
        return ()
    starts = _segment_starts(org)
    core = org.body[: len(org.body) - len(org.organ)] if org.organ != org.body else org.body
    found: list[Span] = []
    for end in range(len(question), 1, -1):
        if question[end - 1] not in target:
            continue
        positions = _match_back(question, end, target)
        while positions and positions[0] not in starts:
            positions = positions[1:]
        span = _score(question, end, positions, org, places, core, name)
        if span:
            found.append(span)
    kept: list[Span] = []
    for span in sorted(found, key=lambda s: (-s.score, -(s.end - s.start), s.start)):
        if all(span.end <= k.start or k.end <= span.start for k in kept):
            kept.append(span)
    return tuple(kept)


def _score(question: str, end: int, positions: list[int], org: Org, places: str, core: str, name: str) -> Span | None:
    if len(positions) < 2:
        return None
    body_at = len(places)
    in_body = [p for p in positions if p >= body_at]
    organ_at = body_at + len(org.body) - len(org.organ)
    ends_in_organ = positions[-1] >= organ_at
    place_named = not org.places or any(
        all(any(p == at + k for p in positions) for k in range(len(stem(place)))) for place, at in _place_offsets(org)
    )
    whole_core = len(core) >= 2 and all(body_at + k in positions for k in range(len(core)))
    # 万里 names 万里街道办事处; 湖南 names the accounts of 湖南省 (a name that is all place)
    place_like = org.organ in PLACE_ORGANS or (not org.places and not leading_places(org.body, whole=True)[1])
    if not ends_in_organ and not (whole_core and (positions[0] < body_at or place_like)):
        return None  # 统计 alone is a word; 省政协 / 深圳统计 name a body
    if len(in_body) < 2 or (len(in_body) / len(org.body) < MIN_BODY_SHARE and not place_named):
        return None
    start = end - len(positions)
    contiguous = positions == list(range(positions[0], positions[0] + len(positions)))
    score = (
        WEIGHT_BODY * len(in_body) / len(org.body)
        + WEIGHT_PLACE * place_named
        + WEIGHT_WHOLE * (contiguous and positions[-1] == len(places) + len(org.body) - 1)
    )
    return Span(name, start, end, round(score, 4), bool(org.places) and place_named and positions[0] < body_at)


def _place_offsets(org: Org) -> list[tuple[str, int]]:
    out, at = [], 0
    for place in org.places:
        out.append((place, at))
        at += len(place)
    return out


def place_before(question: str, start: int, known_places: Iterable[str]) -> str:
    """The place named right before ``start`` (其中市…, 2024年市… are not one): 广州市 / 广州 / 江苏."""
    head = question[max(0, start - 8) : start]
    match = PLACE_BEFORE.search(head)
    named = LEADING_WORDS.sub("", match.group(1)) if match else ""
    if len(named) >= 2 and named not in NOT_PLACES and named[-1] in "省市区县" and named[0] not in "年度月日":
        return named
    for place in sorted(known_places, key=len, reverse=True):
        if len(place) >= 2 and head.endswith(place):
            return place
    return ""


def places_agree(named: str, org: Org) -> bool:
    """Whether a place named in the question is one of the body's places (or a province
    containing them is not known to differ)."""
    if not named:
        return True
    wanted = stem(named)
    return any(wanted == stem(p) or wanted == p for p in org.places)


def known_places(names: Sequence[str]) -> frozenset[str]:
    """Place stems of every name in the library, and the provinces."""
    found = {stem(p) for n in names for p in parse_org(n).places if stem(p) != p or len(p) >= 2}
    found |= {p for n in names for p in parse_org(n).places}
    return frozenset(found | set(PROVINCES))


def same_body(a: str, b: str) -> bool:
    """Two names of one body: same places, and one body is an abbreviation of the other
    (西安市卫健委 and 西安市卫生健康委员会; 江苏省委办公厅 and 中共江苏省委办公厅)."""
    if a == b:
        return True
    x, y = parse_org(a), parse_org(b)
    if not x.places or [stem(p) for p in x.places] != [stem(p) for p in y.places]:
        return False
    (short, _), (long, organ) = sorted(((x.body, x.organ), (y.body, y.organ)), key=lambda b: len(b[0]))
    rest = iter(long)
    return short[:1] == long[:1] and short[-1:] in organ and all(c in rest for c in short)


SUFFIX_CHARS = frozenset("".join(PLACE_SUFFIXES))
