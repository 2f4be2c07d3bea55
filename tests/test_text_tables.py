"""Tables of plain-text reports (rows of cells between bars) become records like the PDF ones."""

from __future__ import annotations

from assistant.records import RawPage
from ingest.text_tables import with_text_records

TABLE = """某县2016年“三公”经费决算情况统计表
单位:万元 | ||||
项 目 | 上年 决算数 | 本年 决算数 | 比上年增、减情况 | |
增、减额 | 增、减幅度 | |||
合计 | 200.50 | 180.25 | -20.25 | -10.1% |
1.公务接待费 | 120.00 | 100.75 | -19.25 | -16.04% |
说明：数字为财政拨款。"""


def test_a_bar_table_becomes_one_record_per_row_with_its_column_headers() -> None:
    pages, records = with_text_records([RawPage(1, "第1页", TABLE)])
    assert [r.label for r in records] == [("合计",), ("1.公务接待费",)]
    assert records[1].cells == (
        ("上年决算数", "120.00"),
        ("本年决算数", "100.75"),
        ("增、减额", "-19.25"),
        ("增、减幅度", "-16.04%"),
    )
    assert records[0].unit == "万元" and records[0].table.endswith("统计表") and records[0].page == 1
    text = pages[0].text
    assert "1.公务接待费：上年决算数120.00万元，本年决算数100.75万元，增、减额-19.25万元" in text
    assert "| 120.00 |" not in text and text.startswith("某县2016年") and text.endswith("说明：数字为财政拨款。")


def test_a_table_whose_headers_do_not_fit_is_left_as_text() -> None:
    odd = "项目 | 上年数 | 本年数 | 增减 | |\n甲 | 乙 | 丙 |\n合计 | 1.00 | 2.00 | 1.00 | 100% |"
    pages, records = with_text_records([RawPage(1, "第1页", odd)])
    assert records == [] and pages[0].text == odd
    prose = "收入 | 支出 两项都减少了。"
    assert with_text_records([RawPage(1, "第1页", prose)])[0][0].text == prose


def test_the_row_numbers_column_is_no_figure() -> None:
    """项目 | 行次 | 金额 on both sides of a 收入支出决算总表: 行次 numbers the rows, it is no amount."""
    two_sided = (
        "单位:万元\n项目 | 行次 | 金额 | 项目 | 行次 | 金额 |\n财政拨款收入 | 1 | 625.58 | 基本支出 | 20 | 30000.00 |"
    )
    _, records = with_text_records([RawPage(1, "第1页", two_sided)])
    assert [(r.label, r.cells) for r in records] == [
        (("财政拨款收入",), (("金额", "625.58"),)),
        (("基本支出",), (("金额", "30000.00"),)),
    ]
