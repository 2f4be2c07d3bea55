"""Issue 9, uploads: the type comes from the content, the file lands under its content hash inside
the store, and no browser-supplied name or path reaches the filesystem anywhere else."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.library import Library
from assistant.uploads import UPLOADS, ingest_upload, save_upload
from ingest.load import sniff
from tests.badfiles import make_bad_files
from tests.conftest import BEIJING_DOCX, LONGJIN_PDF
from tests.reports import small_report

HASHED = re.compile(r"^[0-9a-f]{64}\.(pdf|docx|txt)$")


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (LONGJIN_PDF.read_bytes(), ".pdf"),
        (BEIJING_DOCX.read_bytes(), ".docx"),
        (small_report().encode("utf-8"), ".txt"),
        (small_report().encode("gbk"), ".txt"),
        (b"PK\x03\x04 not a zip", None),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(64), None),
        (os.urandom(2048), None),
    ],
    ids=["pdf", "docx", "utf8", "gbk", "broken-zip", "binary", "random"],
)
def test_type_is_sniffed_from_content(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


@pytest.mark.parametrize(
    ("name", "data", "suffix"),
    [
        ("报告.txt", LONGJIN_PDF.read_bytes(), ".pdf"),  # a PDF whatever it is called
        ("报告.pdf", BEIJING_DOCX.read_bytes(), ".docx"),
        ("报告.docx", small_report().encode("utf-8"), ".txt"),
        ("报告", LONGJIN_PDF.read_bytes(), ".pdf"),  # no extension at all
    ],
)
def test_upload_is_stored_as_what_it_is(tmp_path: Path, name: str, data: bytes, suffix: str) -> None:
    path = save_upload(tmp_path, name, data)
    assert path == tmp_path / UPLOADS / f"{hashlib.sha256(data).hexdigest()}{suffix}"


def test_an_unknown_format_is_refused_whatever_it_is_called(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"^程序\.exe：不支持的格式"):
        save_upload(tmp_path, "程序.exe", b"MZ\x90\x00" + bytes(100))
    with pytest.raises(IngestError, match=r"^表格\.xlsx：不支持的格式"):
        save_upload(tmp_path, "表格.xlsx", b"PK\x03\x04 not a zip")


def test_the_size_limit_is_checked_before_anything_is_read(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"文件过大（2\.0MB，上限 1MB）"):
        save_upload(tmp_path, "大.pdf", b"%PDF-" + bytes(2 * 1024 * 1024 - 5), limit_mb=1)
    assert not (tmp_path / UPLOADS).exists()


HOSTILE_NAMES = [
    "../../outside.txt",
    "/etc/passwd.txt",
    "..\\..\\windows\\system32\\x.txt",
    "a/../../../b.txt",
    "..",
    "",
    "x" * 300 + ".txt",
    "报告\x00.txt",
    "~/.bashrc.txt",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_no_uploaded_name_reaches_the_filesystem_outside_the_store(fake_library: Library, name: str) -> None:
    root = fake_library.path.parent
    before = files_under(root)
    data = small_report().encode("utf-8") + name.encode("utf-8", "replace")  # a new document each time
    result = ingest_upload(fake_library, name, data)
    assert result.ok, result.message
    created = files_under(root) - before
    assert created and all(p.is_relative_to(fake_library.path) for p in created)
    saved = [p for p in created if p.parent == fake_library.path / UPLOADS]
    assert len(saved) == 1 and HASHED.match(saved[0].name)
    (info,) = fake_library.documents()
    assert "/" not in info.doc and "\\" not in info.doc and Path(info.source_path) == saved[0].resolve()


def test_every_bad_file_uploaded_fails_clearly_and_leaves_nothing(fake_library: Library, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    expected = make_bad_files(bad)
    expected["notzip.docx"] = "文本过短"  # its bytes are a line of text: read as what they are
    for name, keyword in expected.items():
        result = ingest_upload(fake_library, name, (bad / name).read_bytes())
        assert result.status == "failed" and result.message.startswith(f"{name}：") and keyword in result.message
    assert fake_library.documents() == []
    assert not (fake_library.path / UPLOADS).exists() or not any((fake_library.path / UPLOADS).iterdir())
