"""Which bodies a question names: each mention resolved against the names of the library's
documents, as a decision with a confidence. Pure.

- one body answers best → the mention is confident and the search is restricted to it;
- several bodies answer equally (财政局 of a district, a city and a province) → ambiguous: each
  candidate is answered, labelled;
- a body with a place the library does not hold (长春统计局 when only 深圳/烟台 have one) → unknown.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.records import DocumentInfo
from assistant.understanding.matching import (
    SUFFIX_CHARS,
    Span,
    find_mentions,
    known_places,
    place_before,
    places_agree,
    same_body,
)
from assistant.understanding.orgs import ORGAN_WORDS, in_order, leading_places, parse_org, stem

TIE = 0.02  # scores this close are the same answer to "which body?"
# a body of a place, named right after the place: 某县卫健局 is not the whole county's accounts
BODY_AFTER_PLACE = re.compile(
    r"^[\u4e00-\u9fff]{0,6}?(?:委员会|检察院|法院|医院|卫生院|学校|中学|小学|幼儿园|中心|政协|人大|局|委|办|厅)"
)


@dataclass(frozen=True)
class Mention:
    text: str
    start: int
    end: int
    score: float
    bodies: tuple[tuple[str, ...], ...]  # each candidate body: the department strings it goes by

    @property
    def ambiguous(self) -> bool:
        return len(self.bodies) > 1

    @property
    def departments(self) -> tuple[str, ...]:
        return tuple(d for body in self.bodies for d in body)


@dataclass(frozen=True)
class Names:
    mentions: tuple[Mention, ...] = ()
    unknown: tuple[str, ...] = ()  # bodies named with a place no document is of

    @property
    def departments(self) -> tuple[str, ...]:
        return tuple(sorted({d for m in self.mentions for d in m.departments}))

    @property
    def ambiguous(self) -> tuple[Mention, ...]:
        return tuple(m for m in self.mentions if m.ambiguous)


@dataclass(frozen=True)
class Directory:
    """The library's names: which departments each name belongs to, and the bodies (groups of
    department strings that name one body, as 西安市卫健委 and 西安市卫生健康委员会)."""

    owners: tuple[tuple[str, tuple[str, ...]], ...]  # name -> departments
    body_of: tuple[tuple[str, tuple[str, ...]], ...]  # department -> its body's departments
    places: frozenset[str]


@lru_cache(maxsize=64)
def directory(names_of: tuple[tuple[str, tuple[str, ...]], ...]) -> Directory:
    """``names_of``: (department, its names) per document."""
    owners: dict[str, set[str]] = {}
    for department, names in names_of:
        for name in (department, *names):
            if name:
                owners.setdefault(name, set()).add(department)
    departments = sorted({d for d, _ in names_of if d})
    members = _bodies(departments, list(owners.values()))
    body_of = tuple((d, members[d]) for d in departments)
    return Directory(
        tuple((n, tuple(sorted(o))) for n, o in owners.items()),
        body_of,
        known_places(list(owners)),
    )


def _bodies(departments: list[str], shared: list[set[str]]) -> dict[str, tuple[str, ...]]:
    """Each department's body: departments that share a name, or that name the same body in the
    same places (西安市卫健委 and 西安市卫生健康委员会), are one (union-find)."""
    parent = {d: d for d in departments}

    def find(d: str) -> str:
        while parent[d] != d:
            d = parent[d]
        return d

    for owned in shared:  # a name two departments share makes them one body
        first, *rest = sorted(owned)
        for other in rest:
            parent[find(other)] = find(first)
    buckets: dict[tuple[str, ...], list[str]] = {}
    for d in departments:
        buckets.setdefault(parse_org(d).place_stems, []).append(d)
    for group in buckets.values():
        for a, b in itertools.combinations(group, 2):
            if find(a) != find(b) and same_body(a, b):
                parent[find(b)] = find(a)
    members: dict[str, list[str]] = {}
    for d in departments:
        members.setdefault(find(d), []).append(d)
    return {d: tuple(members[find(d)]) for d in departments}


def directory_of(documents: Sequence[DocumentInfo]) -> Directory:
    return directory(tuple(sorted({(d.department, d.all_names) for d in documents})))


def resolve(question: str, documents: Sequence[DocumentInfo]) -> Names:
    return _resolve(question, directory_of(documents))


@lru_cache(maxsize=4096)
def _resolve(question: str, book: Directory) -> Names:
    chars = set(question)
    body_of = dict(book.body_of)
    found: list[tuple[Span, tuple[str, ...]]] = []
    unknown: list[str] = []
    for name, owners in book.owners:
        org = parse_org(name)
        if len(set(org.body) & chars) < 2 and not (org.places and org.places[-1][:2] in question):
            continue
        place_only = not leading_places(name, whole=True)[1]
        for span in find_mentions(question, name):
            said, stop = spoken_organ(question, span.start, span.end)
            if said and not in_order(said, name):  # 某县人民检察院 is not 某县人民法院; 管委会 is 管理委员会
                unknown.append(question[span.start : stop])
                continue
            after = BODY_AFTER_PLACE.match(question[span.end :]) if place_only else None
            if after and not re.search(r"[的和与及年]", after.group()):
                unknown.append(question[span.start : span.end + after.end()])
                continue
            if not span.placed:  # 广州市统计局: the 市 may open the match (as in 市信访办)
                at = span.start + (question[span.start] in SUFFIX_CHARS)
                named = place_before(question, at, book.places)
                if named and not places_agree(named, org):
                    unknown.append(question[at - len(named) : span.end])
                    continue
            for owner in owners:
                found.append((span, body_of.get(owner, (owner,))))
    mentions = [m for mention in _group(question, found) for m in _by_named_places(question, mention, book)]
    if not mentions and not unknown:  # 远安21年和黄平22年…: places said without a body
        mentions = _by_place_stems(question, book)
    covered = {i for m in mentions for i in range(m.start, m.end)}
    strays = [u for u in dict.fromkeys(unknown) if not any(question.find(u) + k in covered for k in range(len(u)))]
    return Names(tuple(mentions), tuple(strays))


def _by_place_stems(question: str, book: Directory) -> list[Mention]:
    """Bodies named by their place's stem alone (远安 for 远安县财政局), in the order named: each stem
    said, not followed by another body's word, gives the bodies of that place (several: ambiguous)."""
    by_stem: dict[str, list[tuple[str, ...]]] = {}
    for department, body in book.body_of:
        places = parse_org(department).places
        if places and len(stem(places[-1])) >= 2 and body not in by_stem.get(stem(places[-1]), []):
            by_stem.setdefault(stem(places[-1]), []).append(body)
    found = []
    for said, bodies in by_stem.items():
        at = question.find(said)
        rest = question[at + len(said) :]
        if at >= 0 and not BODY_AFTER_PLACE.match(rest) and not re.match(r"[\u4e00-\u9fff]{0,2}[省市区县州]", rest):
            found.append(Mention(said, at, at + len(said), 0.5, tuple(bodies)))
    return sorted(found, key=lambda m: m.start)


def spoken_organ(question: str, start: int, end: int) -> tuple[str, int]:
    """The organ word the body named at ``start`` ends in, the mention or a few characters after it
    (永丰县人民 + 检察院), longest first, and where it ends; ("", end) when none is said."""
    tail = re.match(r"[^和与及跟同的、，,。？?！!：:\s\d]{0,4}", question[end:])
    for stop in range(end, end + (len(tail.group()) if tail else 0) + 1):
        # at the mention's end any organ (普陀区财政局, then 机关运行经费); past it, a word of two
        # characters or more (检察院), not the 镇 of 城镇新增就业
        said = [w for w in ORGAN_WORDS if question[start:stop].endswith(w) and (stop == end or len(w) >= 2)]
        if said:
            return max(said, key=len), stop
    return "", end


def _by_named_places(question: str, mention: Mention, book: Directory) -> list[Mention]:
    """An ambiguous mention whose places the question lists elsewhere (深圳、烟台、无锡三地统计局):
    one mention per body whose place is named, ordered as the question names them."""
    if not mention.ambiguous:
        return [mention]
    placed: list[tuple[int, tuple[str, ...]]] = []
    for body in mention.bodies:
        stems = {s for d in body for s in parse_org(d).place_stems if len(s) >= 2 and s in book.places}
        at = min((question.find(s) for s in stems if s in question), default=-1)
        if at >= 0:
            placed.append((at, body))
    if not placed:
        return [mention]
    ordered = sorted(placed)
    return [Mention(mention.text, at, at + 0, mention.score, (body,)) for at, body in ordered]


LENGTH_WEIGHT = 0.03  # of two overlapping matches, the one that accounts for more of the question


def _rank(span: Span) -> float:
    return round(span.score + LENGTH_WEIGHT * (span.end - span.start), 4)


WHOLE_SCORE = 0.5


def _inside(a: Span, b: Span) -> bool:
    return b.start <= a.start and a.end <= b.end and b.end - b.start > a.end - a.start


def _group(question: str, found: list[tuple[Span, tuple[str, ...]]]) -> list[Mention]:
    """Overlapping mentions compete: the best score wins; bodies within ``TIE`` of it share it."""
    # a mention inside a longer good one is part of it: 上海 in 上海统计研究院 is not 上海市人民政府
    found = [f for f in found if not any(_inside(f[0], g[0]) and g[0].score >= WHOLE_SCORE for g in found)]
    found.sort(key=lambda f: (-_rank(f[0]), f[0].start))
    mentions: list[Mention] = []
    for span, body in found:
        clash = next((m for m in mentions if span.start < m.end and m.start < span.end), None)
        if clash is None:
            mentions.append(Mention(question[span.start : span.end], span.start, span.end, _rank(span), (body,)))
        elif clash.score - _rank(span) <= TIE and body not in clash.bodies:
            i = mentions.index(clash)
            mentions[i] = Mention(clash.text, clash.start, clash.end, clash.score, (*clash.bodies, body))
    return sorted(mentions, key=lambda m: m.start)


def closest(mention: str, documents: Sequence[DocumentInfo], limit: int = 3) -> list[str]:
    """The library's bodies nearest to a name it does not hold: same body in another place first
    (西安统计局 → 深圳市统计局), then the most characters in common."""
    wanted = parse_org(mention)
    chars = set(wanted.body) | set(mention)

    def rank(department: str) -> tuple[float, int]:
        org = parse_org(department)
        same_kind = org.organ[-1:] == wanted.organ[-1:] and bool(set(org.body) & set(wanted.body))
        return (-(same_kind + len(set(org.body) & chars) / max(1, len(set(org.body)))), len(department))

    departments = sorted({d.department for d in documents if d.department}, key=rank)
    return [d for d in departments if set(d) & chars][:limit]


def named_places(question: str, documents: Sequence[DocumentInfo], names: Names) -> tuple[str, ...]:
    """Places the question names outside any body it names (江苏2025年政府工作报告, 西安市2021年…)."""
    book = directory_of(documents)
    covered = {i for m in names.mentions for i in range(m.start, max(m.end, m.start + 1))}
    found: list[str] = []
    taken: set[int] = set()
    for place in sorted((p for p in book.places if len(p) >= 2), key=len, reverse=True):
        at = question.find(place)
        span = set(range(at, at + len(place)))
        if at >= 0 and not span & covered and not span & taken:
            found.append(stem(place))
            taken |= span
    return tuple(dict.fromkeys(found))


def of_place(document: DocumentInfo, place: str) -> bool:
    return any(place in (p, stem(p)) for name in document.all_names for p in parse_org(name).places)
