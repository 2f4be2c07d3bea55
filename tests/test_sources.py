"""Sources as shown to the reader, and filters turned into a retrieval scope. Pure functions."""

from __future__ import annotations

from assistant.records import CheckedFigure, DocumentInfo
from assistant.scope import Filters, departments_of, describe, scope_of, years_of
from assistant.sources import document_of, excerpt, figure_spans, highlight
from tests.conftest import make_citation

LONGJIN = DocumentInfo("a" * 64, "longjin_2022.pdf", "龙津街道绩效自评报告", "龙津街道办事处", 2022, "绩效自评报告", 13)
WANLI_24 = DocumentInfo("b" * 64, "wanli_2024.pdf", "万里街道2024年预算", "万里街道办事处", 2024, "部门预算", 33)
WANLI_25 = DocumentInfo("c" * 64, "wanli_2025.pdf", "万里街道2025年预算", "万里街道办事处", 2025, "部门预算", 31)
DOCS = [LONGJIN, WANLI_24, WANLI_25]


def test_cited_figures_are_marked_in_the_passage_in_any_money_unit() -> None:
    passage = "物业管理费 1,143,816 元，比上年增长 5%；2025年“三公”经费预算数为37.91万元。"
    figures = [CheckedFigure("114.38万元", True), CheckedFigure("37.91万元", True), CheckedFigure("5%", False)]
    pieces = highlight(passage, figures)
    assert [text for text, marked in pieces if marked] == ["1,143,816 元", "37.91万元"]
    assert "".join(text for text, _ in pieces) == passage
    assert "2025" not in "".join(t for t, marked in pieces if marked)  # a year is not a figure


def test_table_cells_without_a_unit_take_the_tables_unit() -> None:
    row = "“三公”经费预算数合计 37.91 0 1.35"
    assert figure_spans(row, [CheckedFigure("37.91万元", True)]) == []
    start = row.index("37.91")
    assert figure_spans(row, [CheckedFigure("37.91万元", True)], table_unit="万元") == [(start, start + 5)]


def test_excerpt_is_centred_on_the_cited_figure() -> None:
    passage = "开头" * 60 + "累计投入经费约800万元" + "结尾" * 60
    text = excerpt(passage, [CheckedFigure("800万元", True)], width=40)
    assert "800万元" in text and text.startswith("…") and text.endswith("…")
    table = "合计 37.91 0 1.35" + "。" * 100 + "“三公”经费预算数为37.91万元。"
    assert excerpt(table, [CheckedFigure("37.91万元", True)], width=30, table_unit="万元").endswith("37.91万元。")


def test_a_citation_finds_its_document_by_hash_even_with_a_shared_file_name() -> None:
    twin = DocumentInfo("d" * 64, "longjin_2022.pdf", "另一份同名文件", "某部门", 2021, "其他", 1)
    cite = make_citation(1, "longjin_2022.pdf", "龙津街道绩效自评报告", 9, "第9页", "…", 0.5, f"{'a' * 16}-00003")
    assert document_of(cite, [twin, LONGJIN]) == LONGJIN
    assert document_of(cite, [WANLI_25]) is None


def test_no_filter_searches_everything_and_filters_combine() -> None:
    assert scope_of(DOCS, Filters()) is None
    assert scope_of(DOCS, Filters(years=(2024, 2025))) == [WANLI_24.doc_id, WANLI_25.doc_id]
    assert scope_of(DOCS, Filters(years=(2025,), departments=("万里街道办事处",))) == [WANLI_25.doc_id]
    assert scope_of(DOCS, Filters(years=(2022,), departments=("万里街道办事处",))) == []
    assert years_of(DOCS) == [2025, 2024, 2022]
    assert departments_of(DOCS) == ["万里街道办事处", "龙津街道办事处"]


def test_scope_is_described_in_words() -> None:
    assert describe(DOCS, Filters()) == "全部 3 份报告"
    assert describe(DOCS, Filters(years=(2025, 2024))) == "2024年、2025年，共 2 份报告"
    assert describe(DOCS, Filters(doc_ids=(LONGJIN.doc_id,))) == "《龙津街道绩效自评报告》，共 1 份报告"
