"""Issue 9: bad files, kills mid-ingest, concurrent users. The runs live in tests/hardening.py
(bench/hardening.py prints the same figures); here each must hold exactly."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from assistant.library import Library
from ingest.pipeline import ingest_paths
from tests.concurrency import churn_run, concurrent_processes, concurrent_threads
from tests.conftest import LONGJIN_TXT
from tests.hardening import (
    audit_store,
    bad_input_run,
    child_command,
    child_env,
    kill_trials,
    make_bad_corpus,
    make_long_pdf,
)

pytestmark = pytest.mark.e2e  # real stores built and killed by child processes: about two minutes


def test_bad_input_corpus_fails_clearly_and_leaves_the_store_unchanged(tmp_path: Path) -> None:
    run = bad_input_run(tmp_path)
    assert run.crashes == [] and run.unclear == [] and run.wrong == []
    assert run.tried == 17 and run.clear_errors == 12
    assert sorted(run.ingested) == ["gbk_report.txt", "long_1000_pages.pdf", "longjin_2022.txt"]
    assert sorted(run.duplicates) == ["2025年北京市政府工作报告.docx", "龙津街道报告（副本）.txt"]
    assert run.store_unchanged


def test_one_batch_of_every_bad_input_ingests_the_good_files(fake_library: Library, tmp_path: Path) -> None:
    expected = make_bad_corpus(tmp_path / "bad")
    report = ingest_paths([tmp_path / "bad" / name for name in sorted(expected)], fake_library)
    assert len(report.results) == len(expected)
    assert {r.path.name for r in report.results if r.status == "added"} == {n for n, w in expected.items() if not w}
    assert {r.path.name for r in report.results if r.status == "duplicate"} == {"龙津街道报告（副本）.txt"}
    for failure in report.failures:
        assert failure.error.startswith(failure.path.name + "：") and expected[failure.path.name] in failure.error
    assert audit_store(fake_library.path).consistent


def test_a_thousand_page_pdf_ingests_in_bounded_time(fake_library: Library, tmp_path: Path) -> None:
    report = ingest_paths([make_long_pdf(tmp_path / "long.pdf")], fake_library)
    assert report.count("added") == 1 and report.pages == 1000
    assert report.seconds < 60
    assert audit_store(fake_library.path).consistent


def test_killed_ingests_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    run = kill_trials(tmp_path, trials=12)
    assert run.trials == 12 and run.killed >= 8  # most kills land mid-ingest
    assert run.inconsistent == []  # after every kill: each document whole in Chroma and the keyword index, or absent
    assert run.orphans_left == 0  # what a kill left is cleared when a writer opens the store
    assert run.reruns == 3 and run.rerun_failures == []
    assert run.lost == 0 and run.duplicated == 0


def test_an_interrupted_writer_is_cleared_up_when_the_store_next_opens(tmp_path: Path) -> None:
    store = tmp_path / "store"
    subprocess.run(child_command("ingest", str(store), str(LONGJIN_TXT)), env=child_env(), check=True)
    audit = audit_store(store)
    assert audit.consistent and audit.chunks > 0
    from tests.ingest_child import open_fake_library

    library = open_fake_library(store)
    library.store.chunks.add(ids=["x-00000"], embeddings=[[1.0] * 256], documents=["半截"], metadatas=[{"doc_id": "x"}])
    assert audit_store(store).orphans == 1 and audit_store(store).consistent  # invisible to readers
    assert open_fake_library(store).repaired == 1 and audit_store(store).orphans == 0


def test_eight_threads_ask_while_a_thread_ingests(tmp_path: Path) -> None:
    run = concurrent_threads(tmp_path, askers=8, rounds=3)
    assert run.requests == 8 * 3 * 3 and run.errors == []
    assert run.ingested == 5 and run.during_ingest > 0
    assert run.torn == 0 and run.inconsistent == []


def test_processes_ask_while_another_process_ingests(tmp_path: Path) -> None:
    run = concurrent_processes(tmp_path, askers=4, rounds=2)
    assert run.requests == 4 * 2 * 3 and run.errors == []
    assert run.ingested == 5
    assert run.torn == 0 and run.inconsistent == []
    assert audit_store(tmp_path / "processes").consistent


def test_processes_opening_the_store_while_another_writes_fast(tmp_path: Path) -> None:
    run = churn_run(tmp_path, seconds=6.0, readers=2)
    assert run.errors == [] and run.torn == 0 and run.consistent
    assert run.writer_rounds >= 3 and run.reader_rounds >= 6


def test_a_long_lived_reader_sees_what_another_process_wrote(tmp_path: Path) -> None:
    """A web server keeps its store open; a CLI ingest in another process must reach its answers
    (embedded Chroma keeps a vector index in memory: the reader reopens when the stamp moves)."""
    from tests.conftest import BEIJING_DOCX
    from tests.ingest_child import open_fake_library

    store = tmp_path / "store"
    reader = open_fake_library(store)
    ingest_paths([LONGJIN_TXT], reader)
    vector = reader.embedder.embed_query("北京 国际科技创新中心")
    assert reader.store.query(vector, 5)  # the vector index is now loaded in memory
    subprocess.run(child_command("ingest", str(store), str(BEIJING_DOCX)), env=child_env(), check=True)
    (beijing,) = [d for d in reader.documents() if d.doc == BEIJING_DOCX.name]
    total = reader.store.chunk_count()
    found = [cid for cid, _ in reader.store.query(vector, total)]  # every chunk, ranked: the new ones too
    assert len(found) == total and sum(cid.startswith(beijing.doc_id[:16]) for cid in found) == beijing.chunks
    assert reader.store.reopened >= 1
    assert reader.keyword_index().holds(reader.documents())
