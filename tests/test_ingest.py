from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.cli import main
from assistant.errors import StoreError
from assistant.library import Library
from assistant.testing import KeywordEmbedder
from ingest.pipeline import STAGES, Overrides, ingest_paths, prepare
from tests.badfiles import make_bad_files, make_gbk_text
from tests.conftest import BEIJING_DOCX, CORPUS, LONGJIN_PDF, LONGJIN_TXT, SAMPLES, WANLI_2025


def test_ingest_is_idempotent_by_content_hash(fake_library: Library, tmp_path: Path) -> None:
    copy = tmp_path / "same_report_other_name.pdf"
    shutil.copy(LONGJIN_PDF, copy)
    first = ingest_paths([LONGJIN_PDF, BEIJING_DOCX], fake_library)
    assert first.count("added") == 2 and first.chunks > 0
    chunks = fake_library.store.chunk_count()
    again = ingest_paths([LONGJIN_PDF, BEIJING_DOCX, copy], fake_library)
    assert again.count("duplicate") == 3 and again.chunks == 0
    assert fake_library.store.chunk_count() == chunks
    assert len(fake_library.keyword_index()) == chunks


def test_changed_file_replaces_its_old_version(fake_library: Library, tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text("2023年度某某街道办事处部门整体支出绩效自评报告\n全年投入经费约800万元。", encoding="utf-8")
    ingest_paths([report], fake_library)
    report.write_text("2023年度某某街道办事处部门整体支出绩效自评报告\n全年投入经费约900万元。", encoding="utf-8")
    result = ingest_paths([report], fake_library)
    assert result.results[0].status == "replaced"
    docs = fake_library.documents()
    assert len(docs) == 1
    chunks = fake_library.store.all_chunks()
    texts = [c.text for c in chunks]
    assert any("900万元" in t for t in texts) and not any("800万元" in t for t in texts)
    assert {c.doc_id for c in chunks} == {docs[0].doc_id}


def test_same_file_name_in_two_folders_are_two_documents(fake_library: Library, tmp_path: Path) -> None:
    for folder, figure in (("a", "800"), ("b", "900")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "部门预算.txt").write_text(
            f"2024年某某街道办事处部门预算\n全年投入经费约{figure}万元。", encoding="utf-8"
        )
    report = ingest_paths([tmp_path / "a", tmp_path / "b"], fake_library)
    assert report.count("added") == 2
    assert len(fake_library.documents()) == 2


def test_store_made_with_another_embedder_is_refused(fake_library: Library) -> None:
    ingest_paths([BEIJING_DOCX], fake_library)
    with pytest.raises(StoreError, match="嵌入模型"):
        Library(fake_library.path, fake_library._embedder_factory, "another-model")


def test_readers_do_not_create_a_mistyped_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--store", str(tmp_path / "typo"), "问题"]) == 2
    assert "资料库不存在" in capsys.readouterr().err
    assert not (tmp_path / "typo").exists()


def test_bad_files_fail_clearly_and_leave_the_store_untouched(fake_library: Library, tmp_path: Path) -> None:
    ingest_paths([WANLI_2025], fake_library)
    before = (fake_library.documents(), fake_library.store.chunk_count())
    bad = tmp_path / "bad"
    expected = make_bad_files(bad)
    gbk = make_gbk_text(bad)
    report = ingest_paths([bad, tmp_path / "missing.pdf"], fake_library)
    failed = {r.path.name: r.error for r in report.failures}
    # .xlsx is not picked up from a folder; named directly it fails (see the CLI test)
    assert set(failed) == (set(expected) - {"table.xlsx"}) | {"missing.pdf"}
    for name, keyword in expected.items():
        if name in failed:
            assert name in failed[name] and keyword in failed[name]
    assert [r.path for r in report.results if r.status == "added"] == [gbk]
    docs_after = fake_library.documents()
    assert [d for d in docs_after if d.doc != gbk.name] == before[0]


def test_remove_takes_a_document_out_of_both_indexes(fake_library: Library) -> None:
    ingest_paths([LONGJIN_PDF, BEIJING_DOCX], fake_library)
    beijing = fake_library.find(BEIJING_DOCX.name)[0]
    fake_library.remove(beijing.doc_id)
    index = fake_library.keyword_index()
    assert beijing.doc_id not in set(index.doc_ids)
    assert len(index) == fake_library.store.chunk_count() == fake_library.documents()[0].chunks


def test_interrupted_ingest_leaves_no_orphans(fake_library: Library, tmp_path: Path) -> None:
    ingest_paths([LONGJIN_PDF], fake_library)
    committed = fake_library.store.chunk_count()
    # simulate a crash after the chunks were written but before the commit marker
    fake_library.store.chunks.add(
        ids=["orphan-1"], embeddings=[[1.0] + [0.0] * 255], documents=["半截"], metadatas=[{"doc_id": "x" * 64}]
    )
    reopened = Library(fake_library.path, fake_library._embedder_factory, fake_library.embedder_name)
    assert reopened.store.chunk_count() == committed + 1  # readers never delete: a writer may be busy
    assert len(reopened.keyword_index()) == committed  # and never index uncommitted chunks
    with reopened.writing():  # the next writer clears up
        assert reopened.repaired == 1
    assert reopened.store.chunk_count() == committed
    assert len(reopened.keyword_index()) == committed


def test_keyword_index_on_disk_follows_the_registry(fake_library: Library) -> None:
    ingest_paths([LONGJIN_PDF], fake_library)
    folders = list((fake_library.path / "keyword").iterdir())
    assert len(folders) == 1
    ingest_paths([BEIJING_DOCX], fake_library)
    newer = list((fake_library.path / "keyword").iterdir())
    assert len(newer) == 1 and newer != folders
    hits = fake_library.keyword_index().search(fake_library.tokenize("12345热线工单"), k=3)
    assert hits


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ([], ["ingest"], ["list"], ["remove"], ["ask"], ["eval"]):
        with pytest.raises(SystemExit) as exit_info:
            main([*command, "--help"])
        assert exit_info.value.code == 0
        assert capsys.readouterr().out.strip()


def test_cli_exit_status_and_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    bad = tmp_path / "table.xlsx"
    bad.write_bytes(b"PK\x03\x04")
    assert main(["ingest", str(bad), "--store", str(store), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "table.xlsx" in err and "不支持的格式" in err
    assert main(["list", "--store", str(store)]) == 0
    assert "资料库为空" in capsys.readouterr().out


@pytest.mark.e2e
def test_whole_corpus_with_the_real_model(corpus_store: Path) -> None:
    """The contract commands on every bundled document, through the installed console script."""
    listed = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "list", "--store", str(corpus_store), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = {row["doc"]: row for row in map(json.loads, listed.stdout.splitlines())}
    assert len(rows) == len(list(SAMPLES.glob("*.pdf"))) + len([p for p in CORPUS.rglob("*") if p.is_file()])
    for row in rows.values():
        assert {"doc", "title", "department", "year", "doc_type", "pages", "chunks", "sha256"} <= set(row)
        assert row["chunks"] > 0 and row["pages"] > 0
    assert (rows["longjin_2022.pdf"]["year"], rows["longjin_2022.pdf"]["department"]) == (
        2022,
        "广州市荔湾区人民政府龙津街道办事处",
    )
    for year in (2024, 2025):
        row = rows[f"putuo_wanli_{year}_budget.pdf"]
        assert (row["year"], row["department"]) == (year, "上海市普陀区人民政府万里街道办事处")
        assert row["doc_type"] == "部门预算"

    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "ingest",
            str(SAMPLES),
            str(CORPUS),
            "--store",
            str(corpus_store),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "导入 0 个文档" in again.stdout and "0 段" in again.stdout


def test_bad_settings_and_arguments_are_reported_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REPORTQA_CHUNK_SIZE", "abc")
    assert main(["list", "--store", str(tmp_path)]) == 2
    assert "REPORTQA_CHUNK_SIZE" in capsys.readouterr().err
    monkeypatch.delenv("REPORTQA_CHUNK_SIZE")
    with pytest.raises(SystemExit):
        main(["ask"])
    assert "错误：命令行参数有误" in capsys.readouterr().err


def test_reingest_of_a_changed_report_embeds_only_the_changed_passages(fake_library: Library, tmp_path: Path) -> None:
    embedder = fake_library.embedder
    assert isinstance(embedder, KeywordEmbedder)
    report = tmp_path / "longjin.txt"
    original = LONGJIN_TXT.read_text(encoding="utf-8")
    assert original.count("6831.42") >= 1
    report.write_text(original, encoding="utf-8")
    first = ingest_paths([report], fake_library)
    assert first.reused == 0 and embedder.calls == first.chunks > 20

    embedder.calls = 0
    report.write_text(original.replace("6831.42", "6832.42"), encoding="utf-8")  # one figure corrected
    second = ingest_paths([report], fake_library)
    assert second.results[0].status == "replaced"
    assert 1 <= embedder.calls <= 4  # the passages holding the corrected figure, nothing else
    assert second.reused == second.chunks - embedder.calls

    # every stored vector is the one its own text gives: reuse never pairs a passage with another's vector
    info = fake_library.documents()[0]
    got = fake_library.store.chunks.get(where={"doc_id": info.doc_id}, include=["documents", "metadatas", "embeddings"])
    by_index = {int(m["index"]): (m, v) for m, v in zip(got["metadatas"], got["embeddings"], strict=True)}
    prepared = prepare(report, report.read_bytes(), Overrides(), dict.fromkeys(STAGES, 0.0), 320, 60)
    for chunk, text in zip(prepared.chunks, prepared.texts, strict=True):
        meta, vector = by_index[chunk.index]
        assert meta["embed_key"] == chunk.embed_key
        assert np.allclose(vector, embedder.embed_documents([text])[0], atol=1e-6)
    assert any("6832.42" in t for t in got["documents"]) and not any("6831.42" in t for t in got["documents"])


def test_a_second_copy_of_a_report_reuses_the_vectors_of_the_first(fake_library: Library, tmp_path: Path) -> None:
    embedder = fake_library.embedder
    assert isinstance(embedder, KeywordEmbedder)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "report.txt").write_text(
            LONGJIN_TXT.read_text(encoding="utf-8") + f"\n附：{name}", encoding="utf-8"
        )
    report = ingest_paths([tmp_path / "a", tmp_path / "b"], fake_library)
    assert report.count("added") == 2
    assert report.reused >= report.chunks // 2 - 2  # the second copy embeds only its changed last passage
    assert embedder.calls == report.chunks - report.reused


def test_registry_write_log_is_purged_often_in_new_and_old_stores(tmp_path: Path) -> None:
    """Chroma keeps writes in its log until the index is saved (every 1000 records by default);
    the registry (one record per document, with its table records) must save far more often or
    every ingest reads a log that only grows."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from assistant.stores.vector import DOCUMENTS, REGISTRY_SYNC, ChromaStore

    new = ChromaStore(folder=tmp_path / "new")
    assert new.registry.configuration["hnsw"]["sync_threshold"] == REGISTRY_SYNC  # type: ignore[index]
    new.close()

    old_folder = tmp_path / "old"  # a store made before: the registry with Chroma's defaults
    client = chromadb.PersistentClient(
        path=str(old_folder / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    client.get_or_create_collection(DOCUMENTS, embedding_function=None)
    assert client.get_collection(DOCUMENTS).configuration["hnsw"]["sync_threshold"] == 1000  # type: ignore[index]
    del client
    opened = ChromaStore(folder=old_folder)
    opened.close()
    reopened = ChromaStore(folder=old_folder)
    assert reopened.registry.configuration["hnsw"]["sync_threshold"] == REGISTRY_SYNC  # type: ignore[index]


def test_table_records_live_beside_the_registry_not_in_it(fake_library: Library) -> None:
    """The registry is read on every question; a document's table records (tens of KB of JSON)
    are read only when its tables are asked about, from their own collection."""
    ingest_paths([WANLI_2025], fake_library)
    (info,) = fake_library.documents()
    store = fake_library.store
    assert store.registry.get(include=["documents"])["documents"] in ([None], [""])
    tables = fake_library.tables(info.doc_id)
    assert len(tables) > 50

    # a store written before: the JSON in the registry record is still read
    old = json.dumps(store.extras(info.doc_id), ensure_ascii=False)
    store.extra.delete(ids=[info.doc_id])
    meta = store.registry.get(ids=[info.doc_id], include=["metadatas"])["metadatas"][0]  # type: ignore[index]
    store.registry.upsert(ids=[info.doc_id], embeddings=[[1.0]], metadatas=[meta], documents=[old])
    assert len(fake_library.tables(info.doc_id)) == len(tables)

    fake_library.remove(info.doc_id)
    assert store.extra.count() == 0 and store.registry.count() == 0
