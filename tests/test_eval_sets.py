"""The open-world tuning and reworded question sets ask only of tuning documents
(tests/eval/open_split.json), so that no rule is fitted on a held-out document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EVAL = Path(__file__).parent / "eval"
SPLIT = json.loads((EVAL / "open_split.json").read_text(encoding="utf-8"))


def documents_asked(path: Path) -> set[str]:
    asked: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        question = json.loads(line)
        asked |= {d for d in [question.get("doc"), *(question.get("docs") or [])] if d}
    return asked


@pytest.mark.parametrize(
    "path", sorted([*EVAL.glob("open_tuning*.jsonl"), *EVAL.glob("open_para*.jsonl")]), ids=lambda p: p.stem
)
def test_tuning_sets_ask_only_of_tuning_documents(path: Path) -> None:
    assert documents_asked(path) <= set(SPLIT["tuning"])
