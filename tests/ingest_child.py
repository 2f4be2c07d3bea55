"""A separate process that works on a store with the keyword-count fake embedder, for the crash and
concurrency tests (they kill it, or run several at once).

    python -m tests.ingest_child ingest STORE PATH...     # exit 0, or 1 if a file failed
    python -m tests.ingest_child ask STORE ROUNDS QUESTION...   # one JSON line per answer
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from assistant.library import Library
from assistant.testing import KeywordEmbedder


def open_fake_library(store: Path) -> Library:
    embedder = KeywordEmbedder()
    library = Library(store, embedder_factory=lambda: embedder, embedder_name=embedder.name)
    library.repair_if_idle()
    return library


def ingest(store: Path, paths: list[Path]) -> int:
    from ingest.pipeline import ingest_paths

    library = open_fake_library(store)
    print("ready", flush=True)  # start-up done: a kill from now on lands in the ingest
    report = ingest_paths(paths, library)
    print(json.dumps({"added": report.count("added", "replaced"), "failed": len(report.failures)}), flush=True)
    return 1 if report.failures else 0


def ask(store: Path, rounds: int, questions: list[str]) -> int:
    from assistant.answering import Assistant

    assistant = Assistant(open_fake_library(store))
    for _ in range(rounds):
        for question in questions:
            answer = assistant.ask(question)
            documents = assistant.library.documents()
            index = assistant.library.keyword_index(documents)
            row = {
                "at": time.time(),
                "q": question,
                "answer": answer.answer,
                "refused": answer.refused,
                "torn": not index.holds(documents),
            }
            print(json.dumps(row, ensure_ascii=False), flush=True)
    return 0


def main(argv: list[str]) -> int:
    command, store = argv[0], Path(argv[1])
    if command == "ingest":
        return ingest(store, [Path(p) for p in argv[2:]])
    if command == "ask":
        return ask(store, int(argv[2]), argv[3:])
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
