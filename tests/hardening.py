"""The hardening runs (issue 9), shared by the tests, which assert on them, and by
``bench/hardening.py``, which prints their figures: the bad-input corpus, kill trials and the
concurrent askers. Every store here uses the keyword-count fake embedder, so runs are quick."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from assistant.errors import IngestError
from assistant.library import Library
from ingest.load import load_pages
from ingest.pipeline import ingest_paths
from tests.badfiles import make_bad_files, make_gbk_text
from tests.conftest import BEIJING_DOCX, CORPUS, LONGJIN_PDF, LONGJIN_TXT, ROOT
from tests.ingest_child import open_fake_library

REASONS = tuple(
    getattr(IngestError, name)
    for name in ("ENCRYPTED", "CORRUPT", "NO_TEXT", "EMPTY", "TOO_SHORT", "UNSUPPORTED", "ENCODING", "NOT_FOUND")
)


# -- bad inputs ---------------------------------------------------------------------------------
def make_long_pdf(path: Path, pages: int = 1000) -> Path:
    """A PDF of ``pages`` pages, one short line of text each (Helvetica, no fonts to embed)."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    resources = writer._add_object(DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}))
    for n in range(1, pages + 1):
        page = writer.add_blank_page(width=595, height=842)
        stream = DecodedStreamObject()
        line = f"Item {n}: expenditure {1000 + n} yuan, completion rate {n % 100} percent."
        stream.set_data(f"BT /F1 11 Tf 72 760 Td ({line}) Tj ET".encode("ascii"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = resources
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def make_bad_corpus(folder: Path) -> dict[str, str]:
    """Every kind of input the issue lists, in one folder: file name -> the reason keyword
    expected ("" for a file that must ingest, "duplicate" for the same file under a second name)."""
    expected = make_bad_files(folder)  # encrypted, truncated, image-only, zero bytes, random, not-a-zip, ...
    expected[make_gbk_text(folder).name] = ""
    expected[make_long_pdf(folder / "long_1000_pages.pdf").name] = ""
    shutil.copy(LONGJIN_TXT, folder / "longjin_2022.txt")
    shutil.copy(LONGJIN_TXT, folder / "龙津街道报告（副本）.txt")  # the same file under two names
    expected["longjin_2022.txt"] = ""
    expected["龙津街道报告（副本）.txt"] = "duplicate"
    (folder / "report.exe").write_bytes(b"MZ\x90\x00" + os.urandom(512))
    expected["report.exe"] = "不支持"
    (folder / "no_extension").write_bytes(b"%PDF-1.4 whatever")
    expected["no_extension"] = "不支持"
    (folder / "..\\..\\etc\\passwd.txt").write_bytes(b"")  # separators and .. in the name itself
    expected["..\\..\\etc\\passwd.txt"] = "空文件"
    (folder / "..上级目录..pdf").write_bytes(LONGJIN_PDF.read_bytes()[:300])
    expected["..上级目录..pdf"] = "损坏"
    return expected


@dataclass
class BadInputRun:
    tried: int = 0
    clear_errors: int = 0  # failed with a Chinese reason naming the file
    unclear: list[str] = field(default_factory=list)  # failed, but the message does not say which/why
    crashes: list[str] = field(default_factory=list)  # an exception escaped the ingest
    ingested: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # outcome differs from the expected one
    store_unchanged: bool = True
    seconds: float = 0.0


def run_bad_inputs(library: Library, folder: Path, expected: dict[str, str]) -> BadInputRun:
    """Ingest the corpus file by file (a crash in one is counted, not fatal), then check that the
    failures left the store exactly as the successes made it."""
    run = BadInputRun()
    before = library.documents()
    started = time.perf_counter()
    for name in sorted(expected):
        path = folder / name
        run.tried += 1
        try:
            result = ingest_paths([path], library).results[0]
        except Exception as exc:  # counted: the figure the issue asks for is "crashes: 0"
            run.crashes.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        want = expected[name]
        if result.status == "failed":
            clear = name in result.error and any(reason in result.error for reason in REASONS)
            run.clear_errors += clear
            if not clear:
                run.unclear.append(result.error)
            if not want or want == "duplicate" or want not in result.error:
                run.wrong.append(f"{name}: {result.error}")
        elif result.status == "duplicate":
            run.duplicates.append(name)
            if want != "duplicate":
                run.wrong.append(f"{name}: duplicate")
        else:
            run.ingested.append(name)
            if want:
                run.wrong.append(f"{name}: {result.status}")
    run.seconds = time.perf_counter() - started
    after = library.documents()
    kept = [d for d in after if d.doc not in run.ingested]
    run.store_unchanged = kept == before and {d.doc for d in after} == {d.doc for d in before} | set(run.ingested)
    run.store_unchanged &= audit_store(library.path).consistent
    return run


# -- store audit --------------------------------------------------------------------------------
@dataclass
class Audit:
    documents: dict[str, int]  # doc_id -> chunks recorded in the registry
    in_chroma: dict[str, int]  # doc_id -> chunks present in Chroma (committed documents)
    in_keyword: dict[str, int]  # doc_id -> entries in the keyword index
    orphans: int  # chunks whose document is not committed (invisible to readers)
    duplicates: int  # (document, chunk number) pairs stored twice

    @property
    def consistent(self) -> bool:
        """Every committed document fully present in Chroma and the keyword index; no duplicates."""
        return self.documents == self.in_chroma == self.in_keyword and self.duplicates == 0

    @property
    def chunks(self) -> int:
        return sum(self.in_chroma.values())


def audit_store(store: Path) -> Audit:
    """Open the store as a reader (nothing repaired) and count what each index holds."""
    library = Library(store, embedder_factory=lambda: None, embedder_name="keyword-fake")  # type: ignore[arg-type,return-value]
    documents, chunks = library.store.documents_and_chunks()
    committed = {d.doc_id: d.chunks for d in documents}
    in_chroma = Counter(c.doc_id for c in chunks if c.doc_id in committed)
    keyword = library.keyword_index(documents)
    pairs = Counter((c.doc_id, c.index) for c in chunks)
    return Audit(
        documents={d: n for d, n in committed.items() if n},
        in_chroma=dict(in_chroma),
        in_keyword=dict(Counter(keyword.doc_ids)),
        orphans=sum(1 for c in chunks if c.doc_id not in committed),
        duplicates=sum(n - 1 for n in pairs.values() if n > 1),
    )


# -- kill trials --------------------------------------------------------------------------------
def child_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "tests.ingest_child", *args]


def child_env() -> dict[str, str]:
    return os.environ | {"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def make_crash_corpus(folder: Path, copies: int = 1) -> list[Path]:
    """Plain-text copies of the five work reports (quick to parse), ``copies`` variants each."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for docx in sorted((CORPUS / "gov_work_reports_2025").glob("*.docx")):
        text = "\n".join(page.text for page in load_pages(docx, docx.read_bytes()))
        for n in range(copies):
            path = folder / f"{docx.stem}_{n}.txt"
            path.write_text(text + f"\n（第{n + 1}份）\n", encoding="utf-8")
            written.append(path)
    return written


@dataclass
class KillRun:
    trials: int = 0
    killed: int = 0  # trials where the child was still running when killed
    reference_chunks: int = 0  # what a clean ingest of the corpus stores
    inconsistent: list[str] = field(default_factory=list)  # audits right after a kill that failed
    orphans_seen: int = 0  # uncommitted chunks found after kills (invisible; cleared by the next writer)
    orphans_left: int = 0  # after the store was opened by a writer
    reruns: int = 0
    rerun_failures: list[str] = field(default_factory=list)
    lost: int = 0  # chunks of the clean ingest missing after the re-run
    duplicated: int = 0  # chunks beyond the clean ingest after the re-run
    seconds: float = 0.0


def kill_trials(root: Path, trials: int, seed: int = 9, group: int = 4, copies: int = 1) -> KillRun:
    """Start an ingest in a child process, SIGKILL it after a random delay, audit the store; every
    ``group`` trials re-run the ingest to the end, compare with a clean ingest, and start afresh."""
    corpus = root / "corpus"
    make_crash_corpus(corpus, copies)
    rng = random.Random(seed)
    run = KillRun()
    started = time.perf_counter()
    clean = root / "clean"
    full = _timed_ingest(clean, corpus)
    # a warm second ingest: the first pays for cold caches, and delays scaled by it would let many
    # children finish before their kill
    full = min(full, _timed_ingest(root / "warm", corpus))
    reference = audit_store(clean)
    run.reference_chunks = reference.chunks
    store = root / "store"
    for trial in range(trials):
        if trial % group == 0:
            shutil.rmtree(store, ignore_errors=True)
        child = subprocess.Popen(
            child_command("ingest", str(store), str(corpus)),
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert child.stdout is not None
        child.stdout.readline()  # "ready"
        time.sleep(rng.uniform(0.0, 0.8) * full)
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            run.killed += 1
        child.communicate()
        run.trials += 1
        after = audit_store(store)
        run.orphans_seen += after.orphans
        if not after.consistent:
            run.inconsistent.append(f"trial {trial}: {after}")
        open_fake_library(store)  # a writer-side open clears up what the kill left
        run.orphans_left += audit_store(store).orphans
        if trial % group == group - 1 or trial == trials - 1:
            _rerun(store, corpus, reference, run)
    run.seconds = time.perf_counter() - started
    return run


def _timed_ingest(store: Path, corpus: Path) -> float:
    """Ingest in a child process; seconds from its start-up being done to its end."""
    child = subprocess.Popen(child_command("ingest", str(store), str(corpus)), env=child_env(), stdout=subprocess.PIPE)
    assert child.stdout is not None
    child.stdout.readline()
    tick = time.perf_counter()
    child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"the clean ingest failed (exit {child.returncode})")
    return time.perf_counter() - tick


def _rerun(store: Path, corpus: Path, reference: Audit, run: KillRun) -> None:
    run.reruns += 1
    done = subprocess.run(child_command("ingest", str(store), str(corpus)), env=child_env(), capture_output=True)
    if done.returncode != 0:
        run.rerun_failures.append(done.stderr.decode("utf-8", "replace")[-500:])
    final = audit_store(store)
    if not final.consistent or final.documents != reference.documents:
        run.rerun_failures.append(f"after re-run: {final}")
    run.lost += sum(max(0, n - final.in_chroma.get(d, 0)) for d, n in reference.documents.items())
    run.duplicated += max(0, final.chunks + final.orphans - reference.chunks) + final.duplicates


# -- concurrency --------------------------------------------------------------------------------
def bad_input_run(root: Path) -> BadInputRun:
    """The bad-input corpus into a store that already holds a report."""
    library = open_fake_library(root / "bad-store")
    ingest_paths([BEIJING_DOCX], library)
    folder = root / "bad"
    expected = make_bad_corpus(folder)
    expected[BEIJING_DOCX.name] = "duplicate"
    shutil.copy(BEIJING_DOCX, folder / BEIJING_DOCX.name)
    return run_bad_inputs(library, folder, expected)
