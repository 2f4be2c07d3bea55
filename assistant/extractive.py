"""The extractive answerer (摘录模式): the sentence(s) of the sources that answer the question.

Pure apart from the keyword index's IDF. It never writes a figure of its own: every number it
returns is copied from a cited passage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.figures import find_figures
from assistant.hostile import is_hostile
from assistant.reading import (
    NOT_TEXT,
    YEAR_MENTION,
    all_zero,
    is_table_row,
    names_its_figure,
    parse_record,
    sentence_years,
    sentences,
)
from assistant.records import Hit
from assistant.rows import QUOTES, narrative_for, record_bonus, record_item, row_label
from assistant.timing import (
    ACTUAL_ASKED,
    ASKS_CHANGE,
    ASKS_LAST_YEAR,
    GROWTH_ASKED,
    LAST_YEAR_HEAD,
    PAST_ASKED,
    STATES_CHANGE,
    TARGET_QUESTION,
    TARGET_WORDS,
    distant_base,
    under_plan,
)
from assistant.tokenize import SYNONYMS
from assistant.understanding.intent import LOOSE, WHEN, asked_phrase

CLAUSE = re.compile(r"[^，,；;：:]*[，,；;：:]?")
FIGURE_QUESTION = re.compile(
    r"多少|几|金额|数额|比例|比重|率|增长|下降|增加|减少|规模|面积|总额|合计|预算数|决算数|分别"
)
HAS_FIGURE = re.compile(r"\d(?![\d]*\s*年)")
PERCENT_QUESTION = re.compile(r"率|比例|比重|百分|增速|增幅|增长多少|下降多少|增长了多少|增长目标|目标是多少")
MONEY_QUESTION = re.compile(r"钱|金额|经费|资金|投入|花了|预算|决算|三公|支出|收入|拨款|费用|元|规模")
COUNT_QUESTION = re.compile(
    r"多少(?:个|人|件|次|家|项|名|户|宗|处|场|套|所|条|位|辆|台|批)|几(?:个|处|家|项|次|位|辆|台|人|批|名)|面积|多少平方|"
    r"(?:车辆|人数|人次|设备)(?:数)?(?:有|是|共有|一共有)?多少(?!钱|万|元)"
)
MAX_SNIPPET = 140
TWO_PART = re.compile(r"分别|和|与|及|、|以及|比较|对比|变化|各|其中")
PARTIAL = 0.5  # credit for a question word whose characters appear apart (拆掉 ~ 拆除)
# a table record as ingest writes it: 城乡社区支出/城管执法（科目212 01 04）：合计6,522,681元，基本支出0元。
TABLE_HEAD = re.compile(r"表.{0,40}单位\s*[:：]\s*(?:元|万元|亿元|千元)$")  # 表8…部门名称：…单位：万元
# words that tell apart figures of the same item: a budget is not an actual, a total not a part
CONTRASTS = (("决算", "预算"), ("执行数", "预算数"))
PAIRS = ((re.compile("年初|预算"), re.compile("决算")), (re.compile("预算数"), re.compile("执行数")))
CHANGE_BONUS = 0.2


@dataclass(frozen=True)
class Pick:
    hit_index: int
    text: str
    score: float
    coverage: float  # share of the question's weighted words the sentence (with its headings) holds
    years: frozenset[int] = frozenset()  # the years the sentence speaks of


def weights(tokens: Sequence[str], idf: Callable[[str], float]) -> dict[str, float]:
    return {t: idf(t) for t in dict.fromkeys(tokens)}


FOCUS = 2.0
CLAUSES = re.compile(r"[，,；;：:]")


ASKING = re.compile(r"是多少|为多少|有多少|多少|是几|几|是|为|了")


ITEM_SPAN = 8
ITEM_ASKS = re.compile(r"(?:是|为|有|安排了?|花了?|投入了?|达到|共|一共)?(?:多少|多[大高快长重远]|几)")


def item_before_asking(question: str) -> str:
    """The words just before the asking words of the clause that asks: the item asked about."""
    clause = asking_clause(question) or question
    asks = ITEM_ASKS.search(clause)
    return clause[: asks.start()][-ITEM_SPAN:] if asks else ""


def asking_clause(question: str) -> str:
    """The clause of a question that asks for a figure ("" when it is the whole question)."""
    clauses = [c for c in CLAUSES.split(question) if c.strip()]
    asking = next((c for c in reversed(clauses) if FIGURE_QUESTION.search(c)), "")
    return asking if len(clauses) >= 2 else ""


def focused(question: str, weight: dict[str, float]) -> dict[str, float]:
    """The words of the clause that asks weigh more than those that set the scene: in
    "X对某项目做的绩效评价，补助资金预算是多少" the answer speaks of 补助资金预算."""
    asking = asking_clause(question)
    if not asking:
        return weight
    return {t: w * (FOCUS if t in asking else 1.0) for t, w in weight.items()}


def coverage(text: str, weight: dict[str, float]) -> float:
    """Weighted share of question words found in ``text`` (or the reports' word for them);
    partial credit for shared characters."""
    total = sum(weight.values()) or 1.0
    plain = QUOTES.sub("", text.lower())
    got = 0.0
    for token, w in weight.items():
        if token in plain or any(syn in plain for syn in SYNONYMS.get(token, ())):
            got += w
        elif len(token) >= 2:
            got += PARTIAL * w * sum(ch in plain for ch in token) / len(token)
    return got / total


def trim(sentence: str, weight: dict[str, float]) -> str:
    """A window of clauses around the best-matching clause, at most ``MAX_SNIPPET`` characters."""
    if len(sentence) <= MAX_SNIPPET:
        return sentence
    clauses = [c for c in CLAUSE.findall(sentence) if c]
    scores = [coverage(c, weight) + (0.3 if HAS_FIGURE.search(c) else 0.0) for c in clauses]
    best = max(range(len(clauses)), key=lambda i: scores[i])
    lo = hi = best
    while True:
        grew = False
        for nxt in (hi + 1, lo - 1):
            fits = 0 <= nxt < len(clauses) and len("".join(clauses[min(lo, nxt) : max(hi, nxt) + 1])) <= MAX_SNIPPET
            if fits and (scores[nxt] > 0.2 or nxt == best + 1):
                lo, hi = min(lo, nxt), max(hi, nxt)
                grew = True
        if not grew:
            break
    window = "".join(clauses[lo : hi + 1]).rstrip("，,；;：:")
    return window if len(window) <= MAX_SNIPPET * 1.5 else safe_prefix(window, MAX_SNIPPET)


def safe_prefix(text: str, limit: int) -> str:
    """At most ``limit`` characters of ``text``, never ending inside a figure."""
    cut = limit
    for figure in find_figures(text):
        if figure.start < cut < figure.end:
            cut = figure.start
    return text[:cut].rstrip("，,；;：:")


def expected_kind(question: str) -> str:
    """The kind of figure a question asks for: percent, money or count ("" when unclear)."""
    if PERCENT_QUESTION.search(question):
        return "percent"
    if COUNT_QUESTION.search(question):
        return "count"
    if MONEY_QUESTION.search(question):
        return "money"
    return ""


def figure_bonus(sentence: str, kind: str) -> float:
    """Reward a sentence for stating the kind of figure the question asks for."""
    if is_table_row(sentence):
        return 0.15 if kind in ("money", "") else 0.0
    figures = find_figures(sentence)
    if not figures:
        return 0.0
    if not kind:
        return 0.15
    return 0.25 if any(f.kind == kind for f in figures) else 0.05


ITEM = re.compile(r"([\u4e00-\u9fff]{2,20})（项）")
PHRASE_WEIGHT = 0.2
GRAM = 4


def question_grams(question: str) -> set[str]:
    """Runs of four characters of the question: a sentence sharing them uses its phrases."""
    plain = NOT_TEXT.sub("", YEAR_MENTION.sub("", question))
    return {plain[i : i + GRAM] for i in range(len(plain) - GRAM + 1)}


def phrase_overlap(grams: set[str], sentence: str) -> float:
    if not grams:
        return 0.0
    plain = NOT_TEXT.sub("", sentence)
    return sum(1 for g in grams if g in plain) / len(grams)


def candidates(question: str, weight: dict[str, float], hits: Sequence[Hit], years: Sequence[int] = ()) -> list[Pick]:
    """Every sentence of the hits, scored: question words in the sentence first, then in its
    headings and the sentence before it, the hit's rank, whether it states a figure when one is
    asked for, and whether it speaks of a year the question names."""
    asking = Asking.of(question, years)
    top = max((h.score for h in hits), default=1.0) or 1.0
    picks = []
    for i, hit in enumerate(hits):
        headings = " ".join(hit.headings)
        previous = headed = ""  # the sentence before that may answer; the last 项 named (…信息化建设（项）。)
        for sentence in sentences(hit.text):
            headed = (ITEM.findall(sentence) or [headed])[-1]
            if not_an_answer(sentence, hit):
                continue
            own = coverage(sentence, weight)
            with_context = coverage(f"{sentence} {headings} {previous}", weight)
            spoken = sentence_years(sentence, previous, headings, hit)
            score = 0.7 * own + 0.3 * with_context + 0.25 * (hit.score / top) - 0.01 * i
            score += what_it_states(asking, sentence, hit, headed) + how_it_reads(asking, sentence, previous, spoken)
            picks.append(Pick(i, sentence, score, max(own, with_context), spoken))
            previous = sentence
    picks.sort(key=lambda p: -p.score)
    return picks


@dataclass(frozen=True)
class Asking:
    """What the scoring needs to know about a question, worked out once."""

    question: str
    years: frozenset[int]
    kind: str  # the kind of figure asked for (expected_kind)
    wants_figure: bool
    grams: frozenset[str]  # the question's phrases
    asked: frozenset[str]  # the phrases of the clause that asks
    item: frozenset[str]  # the phrases right before the asking words (三公经费预算 of …三公经费预算是多少)
    phrase: str = ""  # what is asked, as asked, without when (城镇新增就业 of 今年城镇新增就业目标是多少)

    @classmethod
    def of(cls, question: str, years: Sequence[int]) -> Asking:
        return cls(
            question,
            frozenset(years),
            expected_kind(question),
            bool(FIGURE_QUESTION.search(question)),
            frozenset(question_grams(question)),
            frozenset(question_grams(ASKING.sub("", asking_clause(question)))),
            frozenset(question_grams(item_before_asking(question))),
            WHEN.sub("", asked_phrase(question)),
        )


def not_an_answer(sentence: str, hit: Hit) -> bool:
    """Headings, table-of-contents lines, table header rows, and text that speaks to the
    assistant (an instruction or a forged citation inside a report is data, never an answer)."""
    header_row = " " in sentence and not HAS_FIGURE.search(sentence)
    listing = sentence in hit.headings or "……" in sentence or TABLE_HEAD.search(sentence)
    return bool(header_row or listing or is_hostile(sentence))


def what_it_states(asking: Asking, sentence: str, hit: Hit, headed: str = "") -> float:
    """A figure of the kind asked for, and the row or item the question names."""
    score = 0.0
    if asking.wants_figure:
        bonus = figure_bonus(sentence, asking.kind)
        score += bonus if bonus else -0.2  # a figure question is not answered without one
        if all_zero(sentence):
            score -= ZERO_FORM_PENALTY
    if PAST_ASKED.search(asking.question) and not TARGET_QUESTION.search(asking.question) and under_plan(hit):
        score -= 0.25  # 去年粮食产量 of a work report: not the figure planned for the report's own year
    record = parse_record(sentence)
    if record is not None:
        if ASKS_LAST_YEAR.search(asking.question) and not any(LAST_YEAR_HEAD.search(h) for h, _ in record.cells):
            score -= CHANGE_BONUS  # 比上年增加了多少: a row of this year's amounts does not say
        if not record.label and headed:  # 年初预算为135.90万元，… under …信息化建设（项）。
            score += 0.2 if headed in asking.question else -0.05
        return score + record_bonus(record, asking.question, hit.info.department)
    if is_table_row(sentence):
        label = row_label(sentence)
        return score + (0.2 if label and label in asking.question else -0.05)
    if headed:  # “…（类）…（款）城管执法（项）”, in the sentence or in the line that heads it
        score += 0.2 if headed in asking.question else -0.05
    return score


def as_asked(asking: Asking, sentence: str, spoken: frozenset[int]) -> float:
    """The year asked, and what is asked said as asked (城镇新增就业 of 今年城镇新增就业目标是多少)."""
    score = 0.2 if spoken & asking.years else 0.0
    if len(asking.phrase) >= 4 and asking.phrase in LOOSE.sub("", sentence):
        score += PHRASE_BONUS
    return score


NAMED_FIGURE_BONUS = 0.15
PHRASE_BONUS = 0.1
ZERO_FORM_PENALTY = 0.3


LEVEL_ASKED = re.compile(r"总量|总额|总规模")


def only_rates(sentence: str) -> bool:
    figures = find_figures(sentence)
    return bool(figures) and all(f.kind == "percent" for f in figures)


def how_it_reads(asking: Asking, sentence: str, previous: str, spoken: frozenset[int]) -> float:
    """The question's phrases, a change or a target when one is asked, the right figure of a
    contrast (预算 vs 决算), and the year asked."""
    question = asking.question
    score = PHRASE_WEIGHT * phrase_overlap(set(asking.grams), sentence)
    if asking.asked != asking.grams:
        score += PHRASE_WEIGHT * phrase_overlap(set(asking.asked), sentence)
    if ASKS_CHANGE.search(question) and STATES_CHANGE.search(sentence):
        score += CHANGE_BONUS
    if TARGET_QUESTION.search(question) and not TARGET_WORDS.search(sentence + previous):
        score -= 0.25  # a target asked: what was achieved is another figure
    elif ACTUAL_ASKED.search(question) and TARGET_WORDS.search(sentence):
        score -= 0.25  # what was achieved asked: a target is another figure
    for wanted, other in CONTRASTS:
        if wanted in question and wanted not in sentence and other in sentence:
            score -= 0.25
    if any(a.search(question) and b.search(question) and a.search(sentence) and b.search(sentence) for a, b in PAIRS):
        score += 0.2  # 年初安排了多少，决算花了多少: the sentence that gives both
    score += as_asked(asking, sentence, spoken)
    if GROWTH_ASKED.search(question) and distant_base(sentence, asking.years):
        score -= 0.25  # 2005年与2000年相比，增长57.3%: not the growth of 2005
    if LEVEL_ASKED.search(question) and asking.kind != "percent" and only_rates(sentence):
        score -= 0.25  # 生产总值总量 asked: 增长9.9% is another figure
    record = parse_record(sentence)
    if record is not None and record.label:  # a row: named by its label (住房公积金（科目221 02 01）：…)
        named = any(g in NOT_TEXT.sub("", record.label[-1]) for g in asking.item)
    else:
        named = names_its_figure(asking.item, sentence)
    if asking.wants_figure and named:
        score += NAMED_FIGURE_BONUS
    return score


def prefer_narrative(best: Pick, ranked: Sequence[Pick], hits: Sequence[Hit]) -> Pick:
    """A table row gives way to a sentence of a report stating the same item and amount
    (``rows.narrative_for``): that is how officials quote it, and the sentence says what it is."""
    at = narrative_for(best.text, hits[best.hit_index].table_unit, [p.text for p in ranked[:40]])
    return best if at is None else ranked[at]


def pick_sentences(
    question: str,
    q_tokens: Sequence[str],
    hits: Sequence[Hit],
    idf: Callable[[str], float],
    years: Sequence[int] = (),
    min_coverage: float = 0.0,
    named_years: Sequence[int] = (),
) -> list[Pick]:
    """The best sentence; for several years, the best sentence of each year; otherwise a second
    sentence when the question has two parts the first misses."""
    weight = focused(question, weights(q_tokens, idf))
    ranked = candidates(question, weight, hits, years)
    if not ranked:
        return []
    # an answer covers the question: a sentence that scores on a bonus but holds too few of the
    # question's words gives way to the best one that holds enough (the caller refuses if none)
    covering = [p for p in ranked if p.coverage >= min_coverage] or ranked[:1]
    # of those, one that speaks of the year named before one about another year (which is refused)
    covering = [p for p in covering if set(p.years) & set(named_years)] or covering
    best = prefer_narrative(covering[0], ranked, hits)
    # 收入预算15621.11万元，比2023年预算减少876.75万元, and no report of 2023: one sentence for both
    held = {h.info.year for h in hits}
    against = {y for y in years if y not in held and re.search(rf"(?:比|较|与){y}\s*年", best.text)}
    if len(years) >= 2 and not set(years) <= set(best.years) | against:
        per_year: list[Pick] = []
        for year in years:
            if any(year in p.years for p in per_year):
                continue  # one sentence already gives this year too
            found = next((p for p in ranked if year in p.years and p.coverage >= 0.4), None)
            if found is not None and found not in per_year:
                per_year.append(found)
        if per_year:
            return per_year
    picks = [best]
    if TWO_PART.search(question):
        record = parse_record(best.text)
        # a record's label path names the rows above it: only its own item and columns count as said
        said = record_item(record) + "".join(h for h, _ in record.cells) if record else best.text
        missing = {t: w for t, w in weight.items() if t not in QUOTES.sub("", said.lower())}
        for other in ranked[1:8]:
            if other.text == best.text or other.text in best.text:
                continue
            gain = coverage(other.text, missing) if missing else 0.0
            if gain >= 0.3 and other.coverage >= 0.4:
                picks.append(other)
                break
    return picks
