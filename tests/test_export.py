"""Markdown and DOCX export: footnote-style references numbered through the whole export."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn

from assistant.export import answers_to_docx, answers_to_markdown, export_name
from assistant.records import Answer, CheckedFigure, Citation
from tests.conftest import make_citation

PASSAGE = "三、项目完成情况\n2022年累计投入经费约800万元，完成9个星级投放点创建，垃圾分类覆盖率达到100%。"


def citation(n: int, doc: str = "longjin_2022.pdf", page: int = 9) -> Citation:
    return make_citation(n, doc, f"{doc} 的标题", page, f"第{page}页", PASSAGE, 0.5, f"{'a' * 16}-0000{n}")


ANSWER = Answer(
    question="街道在垃圾分类上一共投入了多少钱？",
    answer="（龙津街道，2022年）累计投入经费约800万元[1]，完成9个星级投放点创建[2]。",
    refused=False,
    reason="",
    citations=(citation(1), citation(2, "other.pdf", 3)),
    figures=(CheckedFigure("800万元", True), CheckedFigure("9", True)),
    mode="extractive",
)
REFUSAL = Answer(
    question="龙津街道2023年低保救济金发了多少？",
    answer="报告中未找到。已收录的报告中没有2023年度的报告；现有年份：2022",
    refused=True,
    reason="已收录的报告中没有2023年度的报告；现有年份：2022",
    citations=(),
    figures=(),
    mode="extractive",
    nearest=("《龙津街道报告》第5页：低保工作…",),
)


def test_markdown_has_footnotes_numbered_through_the_conversation() -> None:
    text = answers_to_markdown([ANSWER, REFUSAL, ANSWER], ["全部 3 份报告", "", "2022年，共 1 份报告"])
    assert text.startswith("# 政务报告问答记录")
    assert "## 问题 1：街道在垃圾分类上一共投入了多少钱？" in text
    assert "约800万元[^1]，完成9个星级投放点创建[^2]。" in text
    assert "约800万元[^3]，完成9个星级投放点创建[^4]。" in text  # the third question's own sources
    assert "[^1]: 《longjin_2022.pdf 的标题》（longjin_2022.pdf），第9页：“" in text
    assert "[^4]: 《other.pdf 的标题》（other.pdf），第3页：“" in text
    assert "800万元（已核对原文）" in text
    assert "**未找到答案**：已收录的报告中没有2023年度的报告" in text
    assert "- 《龙津街道报告》第5页：低保工作…" in text
    assert "检索范围：2022年，共 1 份报告" in text
    assert "[1]" not in text  # every marker became a footnote reference


def test_docx_keeps_the_answer_superscript_references_and_a_source_list() -> None:
    document = Document(io.BytesIO(answers_to_docx([ANSWER, REFUSAL])))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "政务报告问答记录"
    answer = next(p for p in document.paragraphs if p.text.startswith("答（摘录模式）"))
    assert "累计投入经费约800万元[1]" in answer.text
    assert [r.text for r in answer.runs if r.font.superscript] == ["[1]", "[2]"]
    assert any(t.startswith("未找到答案：已收录的报告中没有2023年度的报告") for t in texts)
    assert "参考来源" in texts
    assert any(
        t.startswith("[1] 《longjin_2022.pdf 的标题》（longjin_2022.pdf），第9页：“") and "800万元" in t for t in texts
    )
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"


def test_export_file_names_are_chinese_and_say_what_they_hold() -> None:
    assert export_name(3, None, "md") == "政务报告问答记录（3问）.md"
    assert export_name(3, 1, "docx") == "政务报告问答-第2问.docx"


def test_comparison_exports_as_a_table_with_renumbered_references() -> None:
    from assistant.records import Comparison, ComparisonCell, ComparisonRow

    row = ComparisonRow(
        "三公经费",
        (ComparisonCell("2024年", "47.91万元", 1), ComparisonCell("2025年", "37.91万元", 2)),
        "-10.00万元",
        "-20.87%",
        "2025年比2024年减少10.00万元，下降20.87%",
    )
    compared = Answer(
        question="万里街道2024年和2025年三公经费比较",
        answer="三公经费：2024年47.91万元[1]，2025年37.91万元[2]；2025年比2024年减少10.00万元，下降20.87%。",
        refused=False,
        reason="",
        citations=(citation(1, "w24.pdf", 31), citation(2, "w25.pdf", 29)),
        figures=(CheckedFigure("47.91万元", True), CheckedFigure("10.00万元", True, computed=True)),
        mode="extractive",
        comparison=Comparison(("2024年", "2025年"), (row,)),
    )
    markdown = answers_to_markdown([ANSWER, compared])  # ANSWER takes notes 1 and 2
    assert "| 项目 | 2024年 | 2025年 | 差额（后减前） | 增减幅度 |" in markdown
    assert "| 三公经费 | 47.91万元[^3] | 37.91万元[^4] | -10.00万元 | -20.87% |" in markdown
    assert "10.00万元（由引用数字计算）" in markdown
    document = Document(io.BytesIO(answers_to_docx([ANSWER, compared])))
    (table,) = document.tables
    assert [c.text for c in table.rows[1].cells] == [
        "三公经费",
        "47.91万元[3]",
        "37.91万元[4]",
        "-10.00万元",
        "-20.87%",
    ]
