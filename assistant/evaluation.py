"""``reportqa eval``: figure, citation and refusal accuracy and latency on a question set."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from assistant.answering import Assistant
from assistant.figures import MONEY, converted, find_figures, gold_value, states_value
from assistant.records import Answer

MAX_CONCISE = 300
MAX_COMPARISON = 600  # a comparison states every year's figure, the difference and the change
ROUNDING_SHARE = Decimal("0.0005")  # a unit conversion may round a figure by at most 0.05 %


@dataclass
class EvalResult:
    rows: list[dict[str, Any]] = field(default_factory=list)

    def _answerable(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["gold_refuse"] is False]

    def _unanswerable(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["gold_refuse"]]

    def metrics(self) -> dict[str, float]:
        ans, un = self._answerable(), self._unanswerable()
        latencies = sorted(r["ms"] for r in self.rows)
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else 0.0
        return {
            "questions": len(self.rows),
            "unanswerable": len(un),
            "figure_accuracy": _mean(r["figure_ok"] for r in ans),
            "citation_accuracy": _mean(r["citation_ok"] for r in ans),
            "refusal_accuracy": _mean(r["refused"] for r in un),
            "wrong_refusals": _mean(r["refused"] for r in ans),
            "p50_ms": statistics.median(latencies) if latencies else 0.0,
            "p95_ms": p95,
        }


def _mean(values: Any) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def load_questions(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def judge(question: dict[str, Any], answer: Answer) -> dict[str, Any]:
    gold_refuse = question.get("answer") == "NOT_IN_CORPUS"
    figures = [v for v in (gold_value(f) for f in question.get("must_contain", [])) if v is not None]
    # differences and changes a comparison works out: stated in the answer, not in any source
    computed = [v for v in (gold_value(f) for f in question.get("computed", [])) if v is not None]
    limit = MAX_COMPARISON if question.get("kind") == "comparison" else MAX_CONCISE
    # a gold figure counts only when stated as a figure (so "5" is not found in "2025年")
    figure_ok = (
        not answer.refused
        and len(answer.answer) <= limit
        and all(states_value(answer.answer, f) for f in figures + computed)
    )
    cited = [c.text for c in answer.citations]
    cited_docs = {Path(c.doc).stem for c in answer.citations}
    gold_docs = question.get("docs") or [question.get("doc")]
    from_gold = all(doc in cited_docs for doc in gold_docs)  # a comparison cites every report it needs
    # each gold figure stated in a cited passage, and the gold document among the sources (a
    # two-year question cites the other year's report as well)
    units = {f: gold_unit(question.get("answer", ""), f) for f in figures}
    citation_ok = (
        not answer.refused and from_gold and all(any(passage_states(c, f, units[f]) for c in cited) for f in figures)
    )
    return {
        "id": question.get("id"),
        "question": question["question"],
        "gold_refuse": gold_refuse,
        "refused": answer.refused,
        "figure_ok": figure_ok,
        "citation_ok": citation_ok,
        "ms": answer.timings_ms.get("total", 0.0),
        "answer": answer.answer,
    }


def gold_unit(gold_answer: str, value: Decimal) -> str:
    """The money unit the gold answer gives ``value`` in ("" when none)."""
    return next((f.unit for f in find_figures(gold_answer) if f.value == value and f.unit in MONEY), "")


def passage_states(passage: str, value: Decimal, unit: str) -> bool:
    """Whether a cited passage states the gold figure: as written, or, for money, the same
    amount in another unit (a table's 6,043,390元 states 604.34万元)."""
    if states_value(passage, value):
        return True
    if not unit:
        return False
    for f in find_figures(passage):
        if f.kind != "money" or f.unit not in MONEY or f.unit == unit:
            continue
        exact = f.amount / MONEY[unit]  # the passage's figure in the gold's unit, unrounded
        # the gold is that figure rounded (604.34万元 from 6,043,390元), not a coarse neighbour
        if converted(f.amount, unit, value) == value and abs(exact - value) <= abs(value) * ROUNDING_SHARE:
            return True
    return False


def evaluate(assistant: Assistant, questions: list[dict[str, Any]]) -> EvalResult:
    result = EvalResult()
    for question in questions:
        result.rows.append(judge(question, assistant.ask(question["question"])))
    return result
