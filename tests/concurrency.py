"""The concurrency runs of the hardening issue (issue 9), shared by tests/test_hardening.py and
``bench/hardening.py``: askers in threads and in processes against one store, and readers while a
writer ingests and removes."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from assistant.library import Library
from ingest.pipeline import ingest_paths
from tests.conftest import LONGJIN_TXT
from tests.hardening import audit_store, child_command, child_env, make_crash_corpus
from tests.ingest_child import open_fake_library

QUESTIONS = (
    "龙津街道2022年共拆除违法建设多少平方米？",
    "龙津街道2022年承办12345热线工单多少件？",
    "龙津街道垃圾分类累计投入经费多少？",
)


@dataclass
class ConcurrencyRun:
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    torn: int = 0  # keyword indexes that did not hold exactly the documents they were built for
    inconsistent: list[str] = field(default_factory=list)  # an answer unlike the one before the ingest
    ingested: int = 0
    during_ingest: int = 0  # answers given while the ingest was running
    seconds: float = 0.0


def baseline(library: Library) -> dict[str, str]:
    from assistant.answering import Assistant

    assistant = Assistant(library)
    return {q: assistant.ask(q).answer for q in QUESTIONS}


def concurrent_threads(root: Path, askers: int = 8, rounds: int = 3) -> ConcurrencyRun:
    """One Library and Assistant shared by ``askers`` threads (as the web page shares one between
    sessions) while another thread ingests five reports into it."""
    from assistant.answering import Assistant

    corpus = make_crash_corpus(root / "more", copies=1)
    library = open_fake_library(root / "threads")
    ingest_paths([LONGJIN_TXT], library)
    expected = baseline(library)
    assistant = Assistant(library)
    run = ConcurrencyRun()
    lock = threading.Lock()
    started = time.perf_counter()

    def ask_all(_: int) -> None:
        for _round in range(rounds):
            for question in QUESTIONS:
                try:
                    answer = assistant.ask(question)
                    documents = library.documents()
                    torn = not library.keyword_index(documents).whole()
                except Exception as exc:  # counted and reported: the figure is "errors: 0"
                    with lock:
                        run.requests += 1
                        run.errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                with lock:
                    run.requests += 1
                    run.during_ingest += writer.is_alive()
                    run.torn += torn
                    if answer.answer != expected[question]:
                        run.inconsistent.append(f"{question} -> {answer.answer[:80]}")

    def ingest_more() -> None:
        try:
            run.ingested = ingest_paths(corpus, library).count("added")
        except Exception as exc:  # counted and reported
            run.errors.append(f"ingest: {type(exc).__name__}: {exc}")

    writer = threading.Thread(target=ingest_more)
    writer.start()
    with ThreadPoolExecutor(askers) as pool:
        list(pool.map(ask_all, range(askers)))
    writer.join()
    run.seconds = time.perf_counter() - started
    return run


def concurrent_processes(root: Path, askers: int = 8, rounds: int = 2) -> ConcurrencyRun:
    """``askers`` separate processes asking (as CLI runs or web servers on one store would) while
    another process ingests five reports. Each asker opens the store afresh every round."""
    corpus = make_crash_corpus(root / "more", copies=1)
    store = root / "processes"
    library = open_fake_library(store)
    ingest_paths([LONGJIN_TXT], library)
    expected = baseline(library)
    run = ConcurrencyRun()
    started = time.perf_counter()
    children = [
        subprocess.Popen(
            child_command("ask", str(store), str(rounds), *QUESTIONS),
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(askers)
    ]
    writer = subprocess.run(
        child_command("ingest", str(store), *map(str, corpus)), env=child_env(), capture_output=True
    )
    if writer.returncode != 0:
        run.errors.append("ingest: " + writer.stderr.decode("utf-8", "replace")[-500:])
    else:
        run.ingested = int(json.loads(writer.stdout.decode("utf-8").splitlines()[-1])["added"])
    ingest_done = time.time()
    for child in children:
        out, err = child.communicate(timeout=600)
        rows = [json.loads(line) for line in out.decode("utf-8").splitlines() if line.startswith("{")]
        run.requests += len(rows)
        missing = rounds * len(QUESTIONS) - len(rows)
        if child.returncode != 0 or missing:
            run.requests += missing
            run.errors.append(f"asker exit {child.returncode}: " + err.decode("utf-8", "replace")[-500:])
        for row in rows:
            run.during_ingest += row["at"] < ingest_done
            run.torn += bool(row["torn"])
            if row["answer"] != expected[row["q"]]:
                run.inconsistent.append(f"{row['q']} -> {row['answer'][:80]}")
    run.seconds = time.perf_counter() - started
    return run


@dataclass
class ChurnRun:
    writer_rounds: int = 0
    reader_rounds: int = 0  # fresh opens of the store, each reading everything once
    errors: list[str] = field(default_factory=list)
    torn: int = 0
    consistent: bool = False


def churn_run(root: Path, seconds: float = 6.0, readers: int = 2, size: int = 150) -> ChurnRun:
    """A writer process adding and removing ``size``-chunk documents while ``readers`` processes
    open the store afresh again and again: without the store lock this tears Chroma's vector
    index files ("Error finding id", segmentation faults) or the keyword index."""
    store = root / "churn"
    ingest_paths([LONGJIN_TXT], open_fake_library(store))
    run = ChurnRun()
    pipe = subprocess.PIPE
    children = [
        subprocess.Popen(child_command("reopen", str(store), str(seconds)), env=child_env(), stdout=pipe, stderr=pipe)
        for _ in range(readers)
    ]
    writer = subprocess.run(
        child_command("churn", str(store), str(seconds), str(size)), env=child_env(), capture_output=True
    )
    if writer.returncode != 0:
        run.errors.append(f"writer exit {writer.returncode}: " + writer.stderr.decode("utf-8", "replace")[-300:])
    else:
        run.writer_rounds = int(json.loads(writer.stdout.decode("utf-8").splitlines()[-1])["rounds"])
    for child in children:
        out, err = child.communicate(timeout=600)
        if child.returncode != 0:
            run.errors.append(f"reader exit {child.returncode}: " + err.decode("utf-8", "replace")[-300:])
            continue
        row = json.loads(out.decode("utf-8").splitlines()[-1])
        run.reader_rounds += int(row["rounds"])
        run.torn += int(row["torn"])
    run.consistent = audit_store(store).consistent
    return run
