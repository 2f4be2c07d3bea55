from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import IngestError
from ingest.load import load_pages
from ingest.pipeline import STAGES, Overrides, prepare
from ingest.text import decode_text
from tests.badfiles import GOOD_GBK_TEXT, make_bad_files, make_gbk_text
from tests.conftest import BEIJING_DOCX, LONGJIN_PDF


def test_pdf_pages_are_numbered_from_one() -> None:
    pages = load_pages(LONGJIN_PDF, LONGJIN_PDF.read_bytes())
    assert [p.number for p in pages] == list(range(1, 14))
    assert pages[2].label == "第3页"


def test_docx_keeps_paragraph_order_and_labels_paragraph_ranges() -> None:
    pages = load_pages(BEIJING_DOCX, BEIJING_DOCX.read_bytes())
    assert pages[0].number is None
    assert pages[0].label == "第1–30段"
    assert pages[0].text.startswith("2025年北京市政府工作报告")
    joined = "\n".join(p.text for p in pages)
    assert joined.index("一、2024年工作回顾") < joined.index("二、2025年")


def test_gbk_text_is_detected_not_guessed(tmp_path: Path) -> None:
    path = make_gbk_text(tmp_path)
    text, encoding = decode_text(path.read_bytes())
    assert text == GOOD_GBK_TEXT
    assert encoding == "gb18030"
    assert decode_text(GOOD_GBK_TEXT.encode("utf-8")) == (GOOD_GBK_TEXT, "utf-8")


def test_each_bad_file_gets_a_chinese_reason_with_its_name(tmp_path: Path) -> None:
    expected = make_bad_files(tmp_path)
    for name, keyword in expected.items():
        path = tmp_path / name
        with pytest.raises(IngestError) as info:
            prepare(path, path.read_bytes(), Overrides(), dict.fromkeys(STAGES, 0.0), 320, 60)
        assert name in str(info.value)
        assert keyword in info.value.reason, (name, info.value.reason)
