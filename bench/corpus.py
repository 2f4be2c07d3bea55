"""Shared helpers for the benchmarks: the bundled corpus and the question sets."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = [ROOT / "samples", ROOT / "tests" / "data" / "corpus"]
QUESTION_SETS = [ROOT / "tests" / "eval" / "questions.jsonl", ROOT / "tests" / "eval" / "dev_questions.jsonl"]


def load_questions(paths: list[Path] = QUESTION_SETS) -> list[dict]:
    rows = []
    for path in paths:
        rows.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return rows


def plain(text: str) -> str:
    return re.sub(r"[\s,，]", "", text)


def is_hit(question: dict, doc: str, text: str) -> bool:
    """A passage answers a question when it is from the gold document and holds every gold figure."""
    stem = Path(doc).stem
    return stem == question["doc"] and all(plain(f) in plain(text) for f in question["must_contain"])
