from __future__ import annotations

from pathlib import Path

import pytest
from docx.oxml.ns import qn

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


def test_a_docx_table_with_a_broken_merge_still_gives_its_text(tmp_path: Path) -> None:
    """A continued merge with no cell above it (python-docx raises ValueError on it): the row's
    text as written, and the rest of the file, are still read."""
    import docx

    document = docx.Document()
    document.add_paragraph("某局2026年部门预算说明：基本支出100万元。")
    table = document.add_table(rows=2, cols=2)
    for (i, j), text in {(0, 0): "项目", (0, 1): "金额", (1, 0): "基本支出", (1, 1): "100"}.items():
        table.cell(i, j).text = text
    first = table.rows[0].cells[0]._tc.get_or_add_tcPr()
    first.append(first.makeelement(qn("w:vMerge"), {}))  # continues a merge from no row above
    path = tmp_path / "broken_merge.docx"
    document.save(str(path))
    with pytest.raises(ValueError):
        [cell.text for row in docx.Document(str(path)).tables[0].rows for cell in row.cells]
    prepared = prepare(path, path.read_bytes(), Overrides(), dict.fromkeys(STAGES, 0.0), 320, 60)
    text = "\n".join(chunk.text for chunk in prepared.chunks)
    assert "基本支出100万元" in text and "项目 金额" in text
