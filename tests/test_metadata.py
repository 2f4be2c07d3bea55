from __future__ import annotations

from pathlib import Path

import pytest

from ingest.clean import clean_document
from ingest.load import load_pages
from ingest.metadata import extract_metadata
from tests.conftest import BEIJING_DOCX, CZJ_PDF, LONGJIN_PDF, LONGJIN_TXT, WANLI_2024, WANLI_2025

LONGJIN = "广州市荔湾区人民政府龙津街道办事处"
WANLI = "上海市普陀区人民政府万里街道办事处"


@pytest.mark.parametrize(
    ("path", "department", "year", "doc_type"),
    [
        (LONGJIN_PDF, LONGJIN, 2022, "绩效自评报告"),
        (LONGJIN_TXT, LONGJIN, 2022, "绩效自评报告"),
        (WANLI_2024, WANLI, 2024, "部门预算"),
        (WANLI_2025, WANLI, 2025, "部门预算"),
        (CZJ_PDF, "上海市普陀区财政局", 2024, "部门决算"),
        (BEIJING_DOCX, "北京市人民政府", 2025, "政府工作报告"),
    ],
)
def test_metadata_of_the_shared_documents(path: Path, department: str, year: int, doc_type: str) -> None:
    text = clean_document(load_pages(path, path.read_bytes())).document.text
    meta = extract_metadata(text, path.name)
    assert (meta.department, meta.year, meta.doc_type) == (department, year, doc_type)
    assert meta.title and len(meta.title) <= 60


def test_title_is_rejoined_and_year_comes_from_the_title() -> None:
    meta = extract_metadata(
        "2022年度某某区人民政府某某街道办\n事处部门整体支出绩效自评报告\n一、基本情况\n2021年数据", "x.pdf"
    )
    assert meta.title == "2022年度某某区人民政府某某街道办事处部门整体支出绩效自评报告"
    assert meta.department == "某某区人民政府某某街道办事处"
    assert meta.year == 2022


def test_unknown_document_falls_back_to_file_name() -> None:
    meta = extract_metadata("一些没有标题的文字", "report_2019.txt")
    assert meta.year == 2019
    assert meta.doc_type == "其他"
