from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

# Nothing in the tests may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from assistant.library import Library
from assistant.records import TEXT_LAYER, Chunk, Citation, DocumentInfo, Hit, Ocr
from assistant.testing import KeywordEmbedder

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT / "tests" / "data" / "corpus"
LONGJIN_PDF = SAMPLES / "longjin_2022.pdf"
WANLI_2024 = SAMPLES / "putuo_wanli_2024_budget.pdf"
WANLI_2025 = SAMPLES / "putuo_wanli_2025_budget.pdf"
LONGJIN_TXT = CORPUS / "longjin_2022.txt"
CZJ_PDF = CORPUS / "putuo_czj_2024_final_accounts.pdf"
BEIJING_DOCX = CORPUS / "gov_work_reports_2025" / "2025年北京市政府工作报告.docx"


def make_citation(
    n: int,
    doc: str,
    title: str,
    page: int | None,
    page_label: str,
    text: str,
    score: float,
    chunk_id: str = "",
    ocr: Ocr[str] = TEXT_LAYER,
) -> Citation:
    """Source ``[n]``: a passage of ``doc`` as retrieval would have found it."""
    info = DocumentInfo("", doc, title, "", None, "", 0)
    chunk = Chunk("", 0, text, 0, len(text), page, page, page_label, ocr=ocr)
    return Citation(n, Hit(chunk_id, chunk, score, info), page, page_label)


def keyword_library(store: Path, reports: Sequence[Path] = ()) -> Library:
    """A real Chroma store at ``store`` with the keyword-count fake embedder, ``reports`` ingested."""
    from ingest.pipeline import ingest_paths

    embedder = KeywordEmbedder()
    library = Library(store, embedder_factory=lambda: embedder, embedder_name=embedder.name)
    if reports:
        ingest_paths(list(reports), library)
    return library


@pytest.fixture
def fake_library(tmp_path: Path) -> Library:
    """A real Chroma store in a temporary folder with the keyword-count fake embedder."""
    return keyword_library(tmp_path / "store")


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """The 龙津 report twice, as PDF and as TXT, with the keyword-count embedder (memo and LLM tests)."""
    return keyword_library(tmp_path_factory.mktemp("copies") / "store", [LONGJIN_PDF, LONGJIN_TXT])


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every bundled document ingested once with the real default embedder (e5-small)."""
    from assistant.cli import main

    store = tmp_path_factory.mktemp("corpus") / "store"
    assert main(["ingest", str(SAMPLES), str(CORPUS), "--store", str(store), "--quiet"]) == 0
    return store


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``chroma run`` on localhost, shared by the tests of server mode."""
    from tests.chroma_server import chroma_server

    with chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url
