"""Builds the bad-input files the ingest tests feed to ReportQA (generated, never committed)."""

from __future__ import annotations

import os
from pathlib import Path

from pypdf import PdfWriter

from tests.conftest import LONGJIN_PDF

GOOD_GBK_TEXT = "龙津街道2022年共拆除违法建设18172平方米。\n全年共承办12345热线工单2483件。\n"


def make_bad_files(folder: Path) -> dict[str, str]:
    """Write one file per bad-input kind; return file name -> expected reason keyword."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}

    writer = PdfWriter(clone_from=str(LONGJIN_PDF))
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(folder / "encrypted.pdf", "wb") as handle:
        writer.write(handle)
    expected["encrypted.pdf"] = "加密"

    data = LONGJIN_PDF.read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 50])
    expected["truncated.pdf"] = "损坏"

    blank = PdfWriter()  # no text and no image: nothing to recognise (a scanned copy is ingested by OCR)
    for _ in range(2):
        blank.add_blank_page(width=595, height=842)
    with open(folder / "blank.pdf", "wb") as handle:
        blank.write(handle)
    expected["blank.pdf"] = "无文本层"

    (folder / "empty.pdf").write_bytes(b"")
    expected["empty.pdf"] = "空文件"

    (folder / "random.pdf").write_bytes(os.urandom(4096))
    expected["random.pdf"] = "损坏"

    (folder / "notzip.docx").write_bytes("这不是一个 docx 文件".encode())
    expected["notzip.docx"] = "损坏"

    (folder / "table.xlsx").write_bytes(b"PK\x03\x04 not really")
    expected["table.xlsx"] = "不支持"

    (folder / "garbage.txt").write_bytes(bytes(range(128, 256)) * 8)
    expected["garbage.txt"] = "编码"
    return expected


def make_gbk_text(folder: Path) -> Path:
    path = folder / "gbk_report.txt"
    path.write_bytes(GOOD_GBK_TEXT.encode("gbk"))
    return path
