"""Which sentences of a report go into which section of a memo: each section's words and headings,
whole sentences that read on their own, near-duplicates (a PDF and a TXT copy of a report), and
the page each sentence stands on. Pure apart from the keyword index's IDF."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from assistant.extractive import coverage
from assistant.figures import find_figures
from assistant.reading import HEADING_START, parse_record, sentences
from assistant.records import DocumentInfo, Hit
from assistant.zh import SENTENCE_END

PAGED = 0.05  # a sentence from a copy with page numbers wins over the same sentence from a TXT copy
MIN_SENTENCE = 12
LEANS_ON = ("其中", "其余", "以上", "上述", "同比")
MAX_SENTENCE = 220
DUPLICATE = 0.7  # character-bigram Jaccard at which two sentences say the same
LARGE_SUM = Decimal(10_000)  # yuan
RECORD_PENALTY = 0.4
DEFINITION = re.compile(r"^[^，。；]{2,24}[：:]\s*(?:指|是)")  # 名词解释: 事业收入：指…
PUNCTUATION = re.compile(r"[\s，。、；：！？,.;:!?“”‘’\"'（）()《》【】\[\]]")


@dataclass(frozen=True)
class Plan:
    """What one section looks for: retrieval words, the headings and words that make a sentence
    belong to it, and how many sentences it keeps."""

    heading: str
    queries: tuple[str, ...]
    headings: re.Pattern[str]
    words: re.Pattern[str]
    limit: int
    figures: float = 0.0  # bonus for a sentence that states an amount or a rate


PLANS = (
    Plan(
        "总体情况",
        (
            "部门整体收支情况 全年预算数 执行数 预算 收入 支出 决算 执行率 结转结余 财政拨款",
            "收入预算 支出预算 预算总额 比上年增加 减少 情况说明",
        ),
        re.compile(r"收支|预算|决算|自评结论|总体情况|收入|支出总"),
        re.compile(r"预算|决算|收入|支出|执行数|执行率|结转|结余|拨款|自评"),
        6,
        figures=0.5,
    ),
    Plan(
        "重点工作与成效",
        ("重点工作 完成 成效 开展 推进 累计 实现 提升",),
        re.compile(r"成效|完成情况|主要工作|工作开展|取得|亮点"),
        re.compile(r"完成|成效|开展|推进|累计|实现|建成|办结|创建"),
        8,
        figures=0.3,
    ),
    Plan(
        "存在的问题",
        ("存在的主要问题 不足 差距 有待 仍需加强",),
        re.compile(r"存在.{0,4}问题|问题.{0,2}不足|不足|差距|短板"),
        re.compile(r"存在.{0,8}问题|不足|差距|有待|仍需|不够|不高|不浓|薄弱|滞后|短板"),
        5,
    ),
    Plan(
        "下一步打算",
        ("下一步 改进措施 计划 建议 今后 继续",),
        re.compile(r"下一步|改进措施|打算|工作计划|工作安排|工作思路|展望|工作建议"),
        re.compile(r"下一步|今后|将继续|力争|明年|下一年度"),
        5,
    ),
)
AVOID_HEADINGS = re.compile(r"职能|机构设置|名词解释|目录")


@dataclass(frozen=True)
class Candidate:
    """A sentence of a report that may go into a section, with its own page."""

    hit: Hit  # narrowed to the sentence: its text, page and offsets
    doc_rank: int  # which report (its copies together)
    score: float
    key: frozenset[str]  # character bigrams, for near-duplicate detection


def stated(sentence: str) -> set[tuple[str, Decimal]]:
    """The amounts and rates a sentence states (kind, value in yuan or percent)."""
    return {(f.kind, f.amount) for f in find_figures(sentence) if f.kind in ("money", "percent")}


def repeats(sentence: str, picked: Sequence[str]) -> bool:
    """Whether a sentence only says again amounts the picked ones state: several of them (自评结论
    repeating 收支情况), or a large sum (a table record repeating the total of the narrative)."""
    amounts = stated(sentence)
    if not amounts or not amounts <= {a for other in picked for a in stated(other)}:
        return False
    return len(amounts) >= 2 or any(kind == "money" and value >= LARGE_SUM for kind, value in amounts)


def bigrams(text: str) -> frozenset[str]:
    plain = PUNCTUATION.sub("", text)
    return frozenset(plain[i : i + 2] for i in range(len(plain) - 1)) or frozenset({plain})


def near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    """Same sentence, or nearly (a PDF and a TXT copy of a report; a sentence and its repeat)."""
    shared = len(a & b)
    return shared / (len(a | b) or 1) >= DUPLICATE or shared / (min(len(a), len(b)) or 1) >= 0.9


def locate(sentence: str, text: str) -> tuple[int, int] | None:
    """Where ``sentence`` stands in ``text``, ignoring the line breaks and spaces between them."""
    kept = [(i, ch) for i, ch in enumerate(text) if not ch.isspace()]
    flat = "".join(ch for _, ch in kept)
    wanted = "".join(sentence.split())
    at = flat.find(wanted)
    if at < 0 or not wanted:
        return None
    return kept[at][0], kept[at + len(wanted) - 1][0] + 1


def sentence_hit(hit: Hit, sentence: str, start: int, end: int) -> Hit:
    """``hit`` narrowed to one sentence; a sentence running over a page break names both pages."""
    first, label = hit.page_of(start)
    last, last_label = hit.page_of(end - 1)
    if first is not None and last is not None and last != first:
        label = f"第{first}–{last}页"
    elif last_label != label:
        label = f"{label}–{last_label}"
    narrowed = replace(
        hit.chunk,
        text=sentence,
        page=first,
        page_label=label,
        page_spans=(),
        start=hit.chunk.start + start,
        end=hit.chunk.start + end,
    )
    return replace(hit, chunk=narrowed)


def candidates(plan: Plan, hits: Sequence[Hit], weight: dict[str, float], doc_rank: int) -> list[Candidate]:
    """The sentences of ``hits`` that belong to the section, scored: the section's words, its
    headings, figures where it wants them, the passage's rank; a copy from a paged PDF first."""
    top = max((h.score for h in hits), default=1.0) or 1.0
    out = []
    for hit in hits:
        headings = " ".join(hit.headings[-2:])
        if AVOID_HEADINGS.search(headings):
            continue
        for sentence in sentences(hit.text):
            if not is_memo_sentence(sentence, hit):
                continue
            in_heading = bool(plan.headings.search(headings))
            foreign = not in_heading and any(p.headings.search(headings) for p in PLANS if p is not plan)
            if foreign or not (in_heading or plan.words.search(sentence)) or " " in sentence:
                continue  # another section's, not this section's; or a table row / header
            sentence = without_heading(sentence, hit.headings)
            span = locate(sentence, hit.text)
            if span is None:
                continue
            money = any(f.kind in ("money", "percent") for f in find_figures(sentence))
            record = parse_record(sentence) is not None  # a table record: a memo quotes the narrative first
            score = (
                coverage(sentence, weight)
                + (0.5 if in_heading else 0.0)
                + (0.3 if plan.words.search(sentence) else 0.0)
                + (plan.figures if money else 0.0)
                + 0.2 * hit.score / top
                + (PAGED if hit.page is not None else 0.0)
                - (RECORD_PENALTY if record else 0.0)
            )
            out.append(Candidate(sentence_hit(hit, sentence, *span), doc_rank, score, bigrams(sentence)))
    return out


def copies_together(documents: Sequence[DocumentInfo]) -> list[list[DocumentInfo]]:
    """Reports, each with its copies (a PDF and a TXT of one report): same title, department,
    year and type; the PDF first, for its page numbers."""
    reports: dict[tuple[str, str, int | None, str], list[DocumentInfo]] = {}
    for info in documents:
        reports.setdefault((info.title, info.department, info.year, info.doc_type), []).append(info)
    return [sorted(copies, key=lambda d: (not d.doc.lower().endswith(".pdf"), d.doc)) for copies in reports.values()]


def without_heading(sentence: str, headings: Sequence[str]) -> str:
    """A sentence without the heading run into it (2025年部门预算编制说明2025年，…) or its
    enumeration (2.将部门整体… -> 将部门整体…)."""
    for heading in headings:
        if sentence.startswith(heading) and len(sentence) > len(heading) + MIN_SENTENCE:
            sentence = sentence[len(heading) :]
    return HEADING_START.sub("", sentence)


def is_memo_sentence(sentence: str, hit: Hit) -> bool:
    """A whole sentence that reads on its own: not a heading, title, contents line or a clause
    that leans on the one before it (其中…)."""
    return (
        MIN_SENTENCE <= len(sentence) <= MAX_SENTENCE
        and sentence[-1] in SENTENCE_END
        and sentence not in hit.headings
        and sentence != hit.info.title
        and "……" not in sentence
        and not sentence.startswith(LEANS_ON)
        and not DEFINITION.match(sentence)
    )
