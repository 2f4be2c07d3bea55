from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from assistant.records import RawPage
from ingest.clean import clean_document, display_width, is_structured
from ingest.pdf import load_pdf
from tests.conftest import LONGJIN_PDF, WANLI_2025

WIDE = "　　" + "这是一段很长的中文句子用于测试硬换行的拼接效果" * 2  # a full-width wrapped line


def clean(*pages: str) -> str:
    raw = [RawPage(i + 1, f"第{i + 1}页", text) for i, text in enumerate(pages)]
    return clean_document(raw).document.text


def test_hard_wrapped_lines_are_rejoined_and_spaces_next_to_cjk_removed() -> None:
    text = clean("　　龙津街道2022年全年预算支出6600.83万元，完成预算\n的 96.62%，面积为\n9.33 公顷。")
    assert "完成预算的96.62%" in text
    assert "面积为9.33公顷" in text
    assert "\n" not in text


def test_new_paragraphs_headings_and_short_lines_are_kept_apart() -> None:
    text = clean("一、基本情况\n（一）部门职能\n　　第一段结束。\n　　第二段开始")
    assert text.split("\n") == ["一、基本情况", "（一）部门职能", "第一段结束。", "第二段开始"]


def test_page_footers_are_dropped() -> None:
    text = clean("正文第一页内容。\n- 1 -", "正文第二页内容。\n第 2 页", "正文第三页。\n3 / 13")
    assert "- 1 -" not in text and "第 2 页" not in text and "3 / 13" not in text
    assert "正文第二页内容。" in text


def test_running_header_repeated_on_every_page_is_dropped() -> None:
    pages = [f"龙津街道办事处文件\n第{i}部分的正文。\n- {i} -" for i in range(1, 6)]
    text = clean(*pages)
    assert "龙津街道办事处文件" not in text
    assert text.count("部分的正文。") == 5


def test_table_rows_are_never_joined_or_glued() -> None:
    rows = "212 01 04 城管执法 6,522,681 6,522,681 0 0 0\n212 03 城乡社区公共设施 2,191,300 2,191,300 0 0 0"
    text = clean(rows)
    assert text.split("\n") == rows.split("\n")
    assert is_structured("功能分类科目名称 合计 基本支出 项目支出")
    assert not is_structured("加强辖内4处不可移动文物单位、3 处历史建筑、3 处传统风貌建筑")


def test_sentence_continuing_on_next_page_is_joined() -> None:
    first = "　　" + "全年预算执行情况良好各项工作有序推进" * 2 + "\n" + "甲" * 38 + "完成"
    text = clean(first, "预算的96.62%。")
    assert "完成预算的96.62%。" in text


def test_pages_map_back_and_source_map_points_at_raw_characters() -> None:
    raw = [RawPage(1, "第1页", "　　一段文字，\n继续。\n- 1 -"), RawPage(2, "第2页", "第二页的文字。")]
    result = clean_document(raw)
    doc = result.document
    assert doc.page_at(doc.text.index("第二页")).number == 2
    for offset, ch in enumerate(doc.text):
        if ch != "\n":
            page = doc.page_at(offset)
            assert raw[page.number - 1].text[result.source_map[offset]] == ch  # type: ignore[operator]


def test_real_report_numbers_survive_cleaning() -> None:
    text = clean_document(load_pdf(LONGJIN_PDF)).document.text
    for figure in ("96.62%", "6831.42", "18172", "372.5", "2483", "44,700"):
        assert figure in text
    assert not re.search(r"- \d+ -", text)
    budget = clean_document(load_pdf(WANLI_2025)).document.text
    assert "212 01 04 城管执法 6,522,681 6,522,681 0 0 0" in budget.split("\n")
    assert "比2024年预算增加3,355.65万元" in budget


PROSE = st.text(alphabet="预算执行完成率街道经费万元，、", min_size=1, max_size=30)
NUMBERS = st.from_regex(r"\d{1,5}(\.\d{1,2})?%?", fullmatch=True)


@given(st.lists(st.tuples(PROSE, NUMBERS), min_size=1, max_size=12), st.integers(5, 40))
def test_numbers_are_never_split_or_glued_by_wrapping(parts: list[tuple[str, str]], width: int) -> None:
    sentence = "".join(p + n + "万元" for p, n in parts) + "。"
    lines, line = [], ""
    for ch in sentence:  # wrap at a display width, as a PDF line of fixed width does
        if display_width(line + ch) > width:
            lines.append(line)
            line = ""
        line += ch
    text = clean("\n".join([*lines, line]))
    assert text == sentence
    for _, number in parts:
        assert number in text
