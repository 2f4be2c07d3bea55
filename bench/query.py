"""Query benchmark: model start-up, and p50/p95 latency of retrieval alone and of a whole ``ask``.

    python -m bench.query [--store DIR]

Without --store the bundled corpus is first ingested into a temporary store. Every question of
tests/eval/*.jsonl is asked once to warm up, then timed; the model is loaded before timing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from assistant.app import build_assistant, open_library
from assistant.config import load_settings
from assistant.query import analyse
from bench.corpus import CORPUS, ROOT, load_questions
from ingest.pipeline import ingest_paths


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def run(store: Path) -> None:
    settings = load_settings(store=store)
    assistant = build_assistant(settings)
    tick = time.perf_counter()
    _ = assistant.library.embedder.embed_query("预热")
    startup = time.perf_counter() - tick
    questions = [q["question"] for q in load_questions(sorted((ROOT / "tests" / "eval").glob("*.jsonl")))]
    tick = time.perf_counter()
    assistant.ask(questions[0])  # cold: jieba's dictionary and the keyword index load here
    cold = time.perf_counter() - tick
    for question in questions:  # warm caches
        assistant.ask(question)
    documents = assistant.library.documents()
    retrieval, whole = [], []
    for question in questions:
        tick = time.perf_counter()
        assistant.retriever.search(analyse(question, documents), documents_list=documents)
        retrieval.append((time.perf_counter() - tick) * 1000)
        tick = time.perf_counter()
        assistant.ask(question)
        whole.append((time.perf_counter() - tick) * 1000)
    chunks = sum(d.chunks for d in documents)
    print(f"store: {len(documents)} documents, {chunks} chunks; questions timed: {len(questions)}")
    print(f"model start-up (load + first query embedding): {startup * 1000:.0f} ms")
    print(f"first ask, cold (jieba dictionary, keyword index): {cold * 1000:.0f} ms")
    print("retrieval p50/p95 ms: {:.1f} / {:.1f}".format(*percentiles(retrieval)))
    print("ask (extractive) p50/p95 ms: {:.1f} / {:.1f}".format(*percentiles(whole)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, help="a store with the corpus already ingested")
    args = parser.parse_args()
    if args.store:
        run(args.store)
        return
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        library = open_library(load_settings(store=store))
        ingest_paths(CORPUS, library)
        run(store)


if __name__ == "__main__":
    main()
