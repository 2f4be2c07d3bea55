"""Open-world evaluation: the held-out and tuning question sets over a store holding every
shared document, with figures per kind (lookups, comparisons, unanswerable).

    reportqa ingest ../shared/corpus --store S        # both folders: 60 documents
    python -m bench.openworld --store S [--show-failures] [--only heldout|tuning|tuning2|…|tuning9|para1|…|para4]
    python -m bench.openworld --store S --file more.jsonl     # any other question file

The split is tests/eval/open_split.json (by document, made before any open-world rule). The
held-out questions (tests/eval/open_heldout.jsonl) were written by helpers that never saw the code.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assistant.app import build_assistant
from assistant.config import load_settings
from assistant.evaluation import EvalResult, evaluate, load_questions

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "heldout": ROOT / "tests" / "eval" / "open_heldout.jsonl",
    "tuning": ROOT / "tests" / "eval" / "open_tuning.jsonl",
    "tuning2": ROOT / "tests" / "eval" / "open_tuning2.jsonl",
    "tuning3": ROOT / "tests" / "eval" / "open_tuning3.jsonl",
    "tuning4": ROOT / "tests" / "eval" / "open_tuning4.jsonl",
    "tuning5": ROOT / "tests" / "eval" / "open_tuning5.jsonl",
    "tuning6": ROOT / "tests" / "eval" / "open_tuning6.jsonl",
    "tuning7": ROOT / "tests" / "eval" / "open_tuning7.jsonl",
    # written in the seventh round by a helper that never saw the code, over the tuning part only
    "tuning8": ROOT / "tests" / "eval" / "open_tuning8.jsonl",
    # written in the eighth round the same way, before any of that round's rules
    "tuning9": ROOT / "tests" / "eval" / "open_tuning9.jsonl",
    # the tuning questions reworded by helpers that never saw the code (same gold answers): how much
    # of the tuning gains is wording the rules were fitted to
    "para1": ROOT / "tests" / "eval" / "open_para1.jsonl",
    "para2": ROOT / "tests" / "eval" / "open_para2.jsonl",
    "para3": ROOT / "tests" / "eval" / "open_para3.jsonl",
    "para4": ROOT / "tests" / "eval" / "open_para4.jsonl",
}


def figures(result: EvalResult, questions: list[dict[str, Any]]) -> dict[str, float]:
    m = result.metrics()
    kinds = {q["id"]: q.get("kind", "") for q in questions}
    comparisons = [r for r in result.rows if kinds.get(r["id"]) == "comparison"]
    m["comparisons"] = len(comparisons)
    m["comparison_accuracy"] = sum(r["figure_ok"] for r in comparisons) / len(comparisons) if comparisons else 0.0
    return m


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--only", choices=sorted(SETS))
    parser.add_argument("--file", type=Path, action="append", default=[], help="further question files (JSONL)")
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args()
    sets = {path.stem: path for path in args.file} if args.file else SETS
    assistant = build_assistant(load_settings(store=args.store))
    print("set | questions | figure | citation | wrong refusals | unanswerable refused | comparisons | p50 ms")
    for name, path in sets.items():
        if args.only and name != args.only:
            continue
        if not path.exists():
            continue
        questions = load_questions(path)
        result = evaluate(assistant, questions)
        m = figures(result, questions)
        print(
            f"{name} | {m['questions']:.0f} ({m['unanswerable']:.0f} unanswerable, {m['comparisons']:.0f} comparisons)"
            f" | {m['figure_accuracy']:.3f} | {m['citation_accuracy']:.3f} | {m['wrong_refusals']:.3f}"
            f" | {m['refusal_accuracy']:.3f} | {m['comparison_accuracy']:.3f} | {m['p50_ms']:.0f}"
        )
        if args.show_failures:
            for r in result.rows:
                ok = r["refused"] if r["gold_refuse"] else (r["figure_ok"] and r["citation_ok"])
                if not ok:
                    flags = "refused" if r["refused"] else f"fig={r['figure_ok']:d} cit={r['citation_ok']:d}"
                    print(f"  ✗ {r['id']} [{flags}] {r['question']} -> {r['answer'][:160]!r}")


if __name__ == "__main__":
    main()
