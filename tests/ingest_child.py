"""A separate process that works on a store with the keyword-count fake embedder, for the crash and
concurrency tests (they kill it, or run several at once).

    python -m tests.ingest_child ingest STORE PATH...     # exit 0, or 1 if a file failed
    python -m tests.ingest_child ask STORE ROUNDS QUESTION...   # one JSON line per answer
    python -m tests.ingest_child churn STORE SECONDS SIZE   # add and remove made-up documents, again and again
    python -m tests.ingest_child reopen STORE SECONDS       # open the store afresh and read, again and again
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

    for _ in range(rounds):
        assistant = Assistant(open_fake_library(store))  # each round opens the store afresh, as a CLI run does
        for question in questions:
            answer = assistant.ask(question)
            documents = assistant.library.documents()
            index = assistant.library.keyword_index(documents)
            row = {
                "at": time.time(),
                "q": question,
                "answer": answer.answer,
                "refused": answer.refused,
                "torn": not index.whole(),
            }
            print(json.dumps(row, ensure_ascii=False), flush=True)
    return 0


def churn(store: Path, seconds: float, size: int) -> int:
    """Add a document of ``size`` made-up chunks and remove the one before it, again and again
    until time is up: Chroma's write log fills quickly and its vector index files are rewritten."""
    import hashlib

    from assistant.records import Chunk, DocumentInfo

    library = open_fake_library(store)
    embedder = library.embedder
    end, rounds, previous = time.monotonic() + seconds, 0, ""
    while time.monotonic() < end:
        rounds += 1
        doc_id = hashlib.sha256(f"churn {rounds}".encode()).hexdigest()
        texts = [f"第{rounds}轮第{i}段：投入经费{i}万元。" for i in range(size)]
        chunks = [Chunk(doc_id, i, t, 0, len(t), 1, 1, "第1页") for i, t in enumerate(texts)]
        info = DocumentInfo(doc_id, f"churn-{rounds}.txt", "轮换文档", "", 2024, "其他", 1, size)
        with library.writing():
            library.add_document(info, chunks, embedder.embed_documents(texts))
            if previous:
                library.remove(previous)
        previous = doc_id
    print(json.dumps({"rounds": rounds}), flush=True)
    return 0


def reopen(store: Path, seconds: float) -> int:
    """Open the store afresh (a new Chroma client each time) and read everything, until time is up."""
    embedder = KeywordEmbedder()
    vector = embedder.embed_query("垃圾分类投入经费")
    end, rounds, torn = time.monotonic() + seconds, 0, 0
    while time.monotonic() < end:
        rounds += 1
        library = Library(store, embedder_factory=lambda: embedder, embedder_name=embedder.name)
        documents = library.documents()
        torn += not library.keyword_index(documents).whole()
        library.store.query(vector, 10)
        library.store.get(c.chunk_id for c in library.store.all_chunks()[:5])
        library.store.close()
    print(json.dumps({"rounds": rounds, "torn": torn}), flush=True)
    return 0


def main(argv: list[str]) -> int:
    command, store = argv[0], Path(argv[1])
    if command == "ingest":
        return ingest(store, [Path(p) for p in argv[2:]])
    if command == "ask":
        return ask(store, int(argv[2]), argv[3:])
    if command == "churn":
        return churn(store, float(argv[2]), int(argv[3]))
    if command == "reopen":
        return reopen(store, float(argv[2]))
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
