"""Uploads: saved under their content hash, ingested under their original name, removed with their document."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.answering import Assistant
from assistant.errors import IngestError
from assistant.library import Library
from assistant.records import DocumentInfo
from assistant.samples import example_questions, sample_files
from assistant.uploads import UPLOADS, ingest_upload, remove_document, save_upload
from ingest.pipeline import FileResult, Progress, ingest_paths
from tests.conftest import LONGJIN_PDF, SAMPLES
from tests.reports import FIGURE, QUESTION, small_report

NAME = "示例街道2023年绩效自评报告.txt"


def test_upload_is_saved_under_its_hash_never_under_the_given_path(tmp_path: Path) -> None:
    data = small_report().encode("utf-8")
    path = save_upload(tmp_path, "../../etc/passwd.txt", data)
    assert path.parent == tmp_path / UPLOADS
    assert path.stem == hashlib.sha256(data).hexdigest() and path.suffix == ".txt"
    assert path.read_bytes() == data
    assert save_upload(tmp_path, "C:\\Users\\x\\同一文件.TXT", data) == path.with_suffix(".txt")


def test_too_large_or_unsupported_uploads_are_refused_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"^大文件\.pdf：文件过大（1\.5MB，上限 1MB）"):
        save_upload(tmp_path, "大文件.pdf", b"%PDF-" + b"0" * 1_572_859, limit_mb=1)
    with pytest.raises(IngestError, match=r"^表格\.xlsx：不支持的格式"):
        save_upload(tmp_path, "表格.xlsx", b"PK\x03\x04")
    assert not (tmp_path / UPLOADS).exists() or not any((tmp_path / UPLOADS).iterdir())


def test_uploaded_report_keeps_its_original_name_in_the_library_and_citations(fake_library: Library) -> None:
    finished: list[FileResult] = []
    result = ingest_upload(
        fake_library, NAME, small_report().encode("utf-8"), progress=Progress(on_file=finished.append)
    )
    assert result.status == "added" and result.kind == "success"
    assert result.message.startswith(f"{NAME}：已导入（2023年度示例区示例街道办事处部门整体支出绩效自评报告")
    assert len(finished) == 1
    (info,) = fake_library.documents()
    assert info.doc == NAME and info.year == 2023
    assert Path(info.source_path).parent == (fake_library.path / UPLOADS).resolve()
    answer = Assistant(fake_library).ask(QUESTION)
    assert FIGURE in answer.answer and answer.citations[0].doc == NAME
    again = ingest_upload(fake_library, "改了名字.txt", small_report().encode("utf-8"))
    assert (
        again.status == "duplicate" and again.kind == "warning" and again.message == "改了名字.txt：已在资料库中，跳过"
    )
    assert Path(info.source_path).is_file()  # the copy of the document in the library stays


def test_failed_upload_names_the_original_file_and_leaves_nothing_behind(fake_library: Library) -> None:
    finished: list[FileResult] = []
    bad = ingest_upload(
        fake_library, "损坏的报告.pdf", b"%PDF-1.7 not really", progress=Progress(on_file=finished.append)
    )
    assert bad.status == "failed" and bad.kind == "error"
    assert bad.message.startswith("损坏的报告.pdf：文件损坏")
    big = ingest_upload(
        fake_library, "大.txt", b"x" * 2_000_000, limit_mb=1, progress=Progress(on_file=finished.append)
    )
    assert big.message.startswith("大.txt：文件过大")
    assert [r.status for r in finished] == ["failed", "failed"]  # every file reports once
    assert fake_library.documents() == []
    assert not any((fake_library.path / UPLOADS).iterdir())


def test_removing_an_uploaded_document_deletes_its_saved_copy(fake_library: Library) -> None:
    ingest_upload(fake_library, NAME, small_report().encode("utf-8"))
    (info,) = fake_library.documents()
    removed = remove_document(fake_library, info.doc_id)
    assert removed == info and fake_library.documents() == []
    assert not Path(info.source_path).exists()
    assert len(fake_library.keyword_index()) == 0
    assert remove_document(fake_library, info.doc_id) is None


def test_removing_a_document_ingested_from_a_folder_keeps_the_users_file(fake_library: Library) -> None:
    ingest_paths([LONGJIN_PDF], fake_library)
    remove_document(fake_library, fake_library.documents()[0].doc_id)
    assert LONGJIN_PDF.is_file() and fake_library.documents() == []


def test_bundled_samples_and_their_example_questions() -> None:
    assert [p.name for p in sample_files()] == sorted(p.name for p in SAMPLES.glob("*.pdf"))
    longjin = DocumentInfo(
        "a" * 64, "longjin_2022.pdf", "标题", "广州市荔湾区人民政府龙津街道办事处", 2022, "绩效自评报告", 13
    )
    assert example_questions([longjin]) == ["街道在垃圾分类上一共投入了多少钱？"]
    other = DocumentInfo("b" * 64, "x.pdf", "标题", "上海市普陀区人民政府万里街道办事处", 2030, "部门预算", 3)
    assert example_questions([other]) == ["2030年万里街道的“三公”经费预算是多少？"]
