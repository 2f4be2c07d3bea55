"""The vector store's contract, one suite run against embedded Chroma (a store folder) and a
``chroma run`` server (a fresh database each test): what is written reads back as the project's
records, uncommitted chunks stay invisible until repaired, and Chroma's errors leave the adapter as
the project's own."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromadb.errors import ChromaError

from assistant.errors import StoreError, StoreUnavailableError
from assistant.records import TEXT_LAYER, Chunk, DocumentInfo, Ocr
from assistant.stores.chroma_metadata import chunk_to_metadata, metadata_to_chunk
from assistant.stores.vector import ChromaStore
from tests.chroma_server import fresh_database

EMBEDDER = "contract-fake"
BUDGET = DocumentInfo(
    doc_id="a" * 64,
    doc="wanli_2025.pdf",
    title="上海市普陀区人民政府万里街道办事处2025年部门预算",
    department="上海市普陀区人民政府万里街道办事处",
    year=2025,
    doc_type="部门预算",
    pages=12,
    chunks=3,
    source_path="/reports/wanli_2025.pdf",
    names=(("上海市普陀区人民政府万里街道办事处", "标题"), ("万里街道", "文件名")),
    scope="本级",
    confidence=1.0,
)
NOTES = DocumentInfo("b" * 64, "notes.txt", "说明", "", None, "其他", 1, chunks=2)


def unit(i: int) -> list[float]:
    return [1.0 if j == i else 0.0 for j in range(4)]


def chunks_of(info: DocumentInfo) -> list[Chunk]:
    """Chunks with every field set, a scanned page's and a paged-less text's among them."""
    first = Chunk(
        info.doc_id,
        0,
        "三公经费预算37.91万元。",
        0,
        13,
        3,
        3,
        "第3页",
        headings=("一、部门预算概况",),
        table_unit="万元",
        page_spans=((0, 3, "第3页"),),
        embed_key=f"{info.doc_id[:8]}-0",
    )
    scanned = Chunk(
        info.doc_id,
        1,
        "公务接待费1.35万元。",
        13,
        25,
        4,
        5,
        "第4页（识别文本）",
        page_spans=((0, 4, "第4页（识别文本）"), (6, 5, "第5页（识别文本）")),
        ocr=Ocr(True, 0.82, ("公务接待费1.35万元",)),
        embed_key=f"{info.doc_id[:8]}-1",
    )
    paragraphs = Chunk(
        info.doc_id, 2, "全年投入800万元。", 25, 35, None, None, "第2–4段", page_spans=((0, None, "第2–4段"),)
    )
    return [first, scanned, paragraphs][: info.chunks]


def add(store: ChromaStore, info: DocumentInfo, first_vector: int = 0, embedder: str = EMBEDDER) -> list[Chunk]:
    chunks = chunks_of(info)
    vectors = [unit((first_vector + i) % 4) for i in range(len(chunks))]
    tokens = [[f"词{info.doc}{c.index}", "经费"] for c in chunks]
    store.add_document(info, chunks, vectors, tokens, embedder, {"tables": [{"doc": info.doc}]})
    return chunks


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.e2e)])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaStore]:
    if request.param == "embedded":
        opened = ChromaStore(folder=tmp_path_factory.mktemp("contract") / "store")
    else:
        opened = ChromaStore(fresh_database(request.getfixturevalue("chroma_url")))
    yield opened
    opened.close()


def test_a_document_reads_back_as_the_records_written(store: ChromaStore) -> None:
    chunks = add(store, BUDGET)
    assert store.documents() == [BUDGET] and store.embedder() == EMBEDDER
    assert store.chunk_count() == 3
    assert store.get([c.chunk_id for c in chunks] + ["missing-00000"]) == {c.chunk_id: c for c in chunks}
    assert sorted(store.all_chunks(), key=lambda c: c.index) == chunks
    assert store.extras(BUDGET.doc_id) == {"tables": [{"doc": BUDGET.doc}]} and store.extras("c" * 64) == {}


def test_a_document_without_a_year_or_pages_reads_back_too(store: ChromaStore) -> None:
    chunks = add(store, NOTES)
    assert store.documents() == [NOTES]
    assert store.get(c.chunk_id for c in chunks) == {c.chunk_id: c for c in chunks}


def test_the_nearest_chunks_come_first_with_their_cosine_similarity(store: ChromaStore) -> None:
    budget = add(store, BUDGET)
    notes = add(store, NOTES, first_vector=2)
    found = store.query(unit(0), 5)
    assert found[0][0] == budget[0].chunk_id and math.isclose(found[0][1], 1.0, abs_tol=1e-5)
    assert len(found) == 5 and all(score < 0.5 for _, score in found[1:])
    within = store.query(unit(2), 5, {NOTES.doc_id})
    assert [cid for cid, _ in within] == [notes[0].chunk_id, notes[1].chunk_id]


def test_stored_vectors_are_found_by_their_embed_key(store: ChromaStore) -> None:
    chunks = add(store, BUDGET)
    found = store.vectors_for([chunks[1].embed_key, "unknown", ""])
    assert list(found) == [chunks[1].embed_key]
    assert found[chunks[1].embed_key] == pytest.approx(unit(1))


def test_keyword_rows_are_the_committed_chunks_tokens(store: ChromaStore) -> None:
    chunks = add(store, BUDGET)
    documents, ids, doc_ids, corpus = store.keyword_rows()
    assert documents == [BUDGET] and sorted(ids) == sorted(c.chunk_id for c in chunks)
    assert set(doc_ids) == {BUDGET.doc_id} and sorted(corpus) == sorted(
        [f"词{BUDGET.doc}{i}", "经费"] for i in range(3)
    )


def test_chunks_without_a_committed_document_stay_invisible_until_repaired(store: ChromaStore) -> None:
    add(store, BUDGET)
    half = chunks_of(NOTES)  # an ingest interrupted before its commit marker
    store.chunks.add(
        ids=[c.chunk_id for c in half],
        embeddings=[unit(3) for _ in half],  # type: ignore[arg-type]
        documents=[c.text for c in half],
        metadatas=[chunk_to_metadata(c, NOTES, ["残余"]) for c in half],
    )
    store.chunks.add(ids=["stray-00000"], embeddings=[unit(3)], documents=["半截"], metadatas=[{"doc_id": "stray"}])
    assert store.documents() == [BUDGET] and store.chunk_count() == 6
    assert set(store.keyword_rows()[2]) == {BUDGET.doc_id}
    assert sorted(store.orphans()) == sorted([c.chunk_id for c in half] + ["stray-00000"])
    assert {c.doc_id: c.index for c in store.all_chunks()}["stray"] == -1  # what a record lacks takes its default
    assert store.repair() == 3
    assert store.orphans() == [] and store.chunk_count() == 3 and store.documents() == [BUDGET]


def test_a_removed_document_leaves_nothing(store: ChromaStore) -> None:
    chunks = add(store, BUDGET)
    store.remove_document(BUDGET.doc_id)
    assert store.documents() == [] and store.chunk_count() == 0
    assert store.get(c.chunk_id for c in chunks) == {} and store.extras(BUDGET.doc_id) == {}


def test_a_store_refuses_a_second_embedder(store: ChromaStore) -> None:
    add(store, BUDGET)
    with pytest.raises(StoreError, match="嵌入模型 contract-fake"):
        add(store, NOTES, embedder="another-model")
    assert store.documents() == [BUDGET]


def test_a_chroma_error_leaves_the_adapter_as_the_projects_own(store: ChromaStore) -> None:
    add(store, BUDGET)
    with pytest.raises(StoreUnavailableError) as caught:
        store.query([1.0, 0.0], 3)  # a vector of another dimension: Chroma's InvalidArgumentError
    assert isinstance(caught.value.__cause__, ChromaError)
    assert str(caught.value) == "资料库暂时无法读取（可能正在导入），请稍后重试。（InvalidArgumentError）"


def test_the_cli_says_the_store_is_busy_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from assistant import cli
    from assistant.cli import library

    def busy(settings: object, create: bool = True) -> None:
        raise StoreUnavailableError("InternalError")

    (tmp_path / "chroma").mkdir()  # a store on disk, whatever this machine's default store holds
    monkeypatch.setattr(library, "open_library", busy)
    assert cli.main(["list", "--store", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "错误：资料库暂时无法读取（可能正在导入），请稍后重试。（InternalError）\n"


def test_recognition_is_kept_under_the_keys_stores_on_disk_already_use() -> None:
    first, scanned, _ = chunks_of(BUDGET)
    meta = chunk_to_metadata(scanned, BUDGET, ["公务"])
    assert (meta["ocr"], meta["ocr_confidence"], meta["ocr_low"]) == (True, 0.82, '["公务接待费1.35万元"]')
    assert metadata_to_chunk(scanned.text, meta) == scanned
    older = {k: v for k, v in chunk_to_metadata(first, BUDGET, []).items() if not k.startswith("ocr")}
    assert metadata_to_chunk(first.text, older).ocr == TEXT_LAYER  # a store written before OCR
