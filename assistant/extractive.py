"""The extractive answerer (摘录模式): the sentence(s) of the sources that answer the question.

Pure apart from the keyword index's IDF. It never writes a figure of its own: every number it
returns is copied from a cited passage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.records import Hit

SENTENCE = re.compile(r"[^。！？；!?;\n]*[。！？；!?;]+[”’」』)）]*|[^。！？；!?;\n]+")
CLAUSE = re.compile(r"[^，,；;：:]*[，,；;：:]?")
FIGURE_QUESTION = re.compile(
    r"多少|几|金额|数额|比例|比重|率|增长|下降|增加|减少|规模|面积|总额|合计|预算数|决算数|分别"
)
HAS_FIGURE = re.compile(r"\d")
MAX_SNIPPET = 140
TWO_PART = re.compile(r"分别|和|与|及|、|以及|比较|对比|变化")


@dataclass(frozen=True)
class Pick:
    hit_index: int
    text: str
    score: float
    coverage: float


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(text) if s.strip()]


def weights(tokens: Sequence[str], idf: Callable[[str], float]) -> dict[str, float]:
    return {t: idf(t) for t in dict.fromkeys(tokens)}


QUOTES = re.compile(r"[\s“”‘’\"'「」《》,，]")


def coverage(text: str, weight: dict[str, float]) -> float:
    total = sum(weight.values()) or 1.0
    plain = QUOTES.sub("", text.lower())
    return sum(w for t, w in weight.items() if t in plain) / total


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
            if fits and (scores[nxt] > 0 or nxt == best + 1):
                lo, hi = min(lo, nxt), max(hi, nxt)
                grew = True
        if not grew:
            break
    window = "".join(clauses[lo : hi + 1]).rstrip("，,；;：:")
    return window if len(window) <= MAX_SNIPPET * 1.5 else window[:MAX_SNIPPET]


def pick_sentences(
    question: str, q_tokens: Sequence[str], hits: Sequence[Hit], idf: Callable[[str], float]
) -> list[Pick]:
    """The best sentence, and a second one from another source when the question has two parts."""
    weight = weights(q_tokens, idf)
    wants_figure = bool(FIGURE_QUESTION.search(question))
    candidates: list[Pick] = []
    top = hits[0].score if hits else 1.0
    for i, hit in enumerate(hits):
        for sentence in sentences(hit.text):
            cov = coverage(sentence, weight)
            score = cov + 0.25 * (hit.score / top) - 0.02 * i
            if wants_figure and HAS_FIGURE.search(sentence):
                score += 0.15
            candidates.append(Pick(i, sentence, score, cov))
    if not candidates:
        return []
    candidates.sort(key=lambda p: -p.score)
    best = candidates[0]
    picks = [best]
    if TWO_PART.search(question):
        missing = {t: w for t, w in weight.items() if t not in best.text.lower()}
        for other in candidates[1:6]:
            if other.text == best.text:
                continue
            gain = coverage(other.text, missing) if missing else 0.0
            same_doc = hits[other.hit_index].info.doc_id == hits[best.hit_index].info.doc_id
            if (gain >= 0.3 or (not same_doc and other.score >= 0.8 * best.score)) and other.coverage >= 0.4:
                picks.append(other)
                break
    return picks
