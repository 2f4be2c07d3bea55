"""The answering chain on a real Chroma store with the keyword-count fake embedder, built once for
the module: the tests only ask."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from assistant.answering import Assistant
from assistant.chain_state import Ask
from assistant.library import Library
from assistant.testing import KeywordEmbedder
from ingest.pipeline import ingest_paths
from tests.conftest import LONGJIN_PDF, WANLI_2024, WANLI_2025


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    embedder = KeywordEmbedder()
    built = Library(
        tmp_path_factory.mktemp("chain") / "store", embedder_factory=lambda: embedder, embedder_name=embedder.name
    )
    ingest_paths([LONGJIN_PDF, WANLI_2024, WANLI_2025], built)
    return built


@pytest.fixture
def assistant(library: Library) -> Assistant:
    return Assistant(library)


def test_figure_question_is_answered_with_a_verified_cited_figure(assistant: Assistant) -> None:
    answer = assistant.ask("街道在垃圾分类上一共投入了多少钱？")
    assert not answer.refused and answer.mode == "extractive"
    assert "800万元" in answer.answer
    assert answer.citations[0].doc == "longjin_2022.pdf" and answer.citations[0].page == 9
    assert "累计投入经费约800万元" in answer.citations[0].text
    assert {"800万元"} <= {f.text for f in answer.figures if f.verified}
    assert all(f.verified for f in answer.figures)
    assert len(answer.answer) < 300


def test_citation_page_is_the_page_of_the_quoted_sentence(assistant: Assistant) -> None:
    answer = assistant.ask("2025年万里街道三公经费预算是多少？")
    assert "37.91万元" in answer.answer
    cited = answer.citations[0]
    assert cited.doc == WANLI_2025.name and cited.page is not None
    # the page the citation names is the PDF page where that figure is printed
    assert "37.91" in PdfReader(str(WANLI_2025)).pages[cited.page - 1].extract_text()


def test_two_years_are_answered_from_each_years_report(assistant: Assistant) -> None:
    answer = assistant.ask("万里街道2024年和2025年“三公”经费预算分别是多少？")
    assert "47.91万元" in answer.answer and "37.91万元" in answer.answer
    assert {c.doc for c in answer.citations} == {WANLI_2024.name, WANLI_2025.name}


def test_table_row_answer_names_its_table_and_converts_units_in_code(assistant: Assistant) -> None:
    answer = assistant.ask("万里街道2025年物业管理费预算是多少？")
    assert "物业管理费" in answer.answer and "公用经费1,143,816元" in answer.answer
    assert "经济分类预算表" in answer.answer  # the table it comes from
    assert "约合114.38万元" in answer.answer
    assert all(f.verified for f in answer.figures)


def test_missing_year_department_and_fact_are_refused_with_reasons(assistant: Assistant) -> None:
    year = assistant.ask("龙津街道2023年低保救济金发了多少？")
    assert year.refused and "2023" in year.reason and "2022" in year.reason
    assert year.answer.startswith("报告中未找到")
    other = assistant.ask("南县政协2021年的收入是多少？")
    assert other.refused and "南县政协" in other.reason
    fact = assistant.ask("龙津街道2022年的三公经费支出是多少？")
    assert fact.refused and fact.nearest
    no_year = assistant.ask("低保救济金发了多少？", year=2030)
    assert no_year.refused and "2030" in no_year.reason and no_year.nearest


def test_scope_limits_the_answer_to_the_chosen_documents(assistant: Assistant, library: Library) -> None:
    wanli_2024 = next(d.doc_id for d in library.documents() if d.doc == WANLI_2024.name)
    answer = assistant.ask("万里街道“三公”经费预算是多少？", scope=[wanli_2024])
    assert not answer.refused and "47.91万元" in answer.answer
    assert {c.doc for c in answer.citations} == {WANLI_2024.name}
    empty = assistant.ask("万里街道“三公”经费预算是多少？", scope=[])
    assert empty.refused and "筛选范围" in empty.reason


def test_scoped_search_keeps_one_keyword_index_and_stays_in_scope(assistant: Assistant, library: Library) -> None:
    """A filter never rebuilds the keyword index (its word weights are the whole store's) and
    every passage found is from the chosen reports."""
    whole = library.keyword_index()
    wanli_2025 = next(d.doc_id for d in library.documents() if d.doc == WANLI_2025.name)
    answer = assistant.ask("收入预算是多少？", scope=[wanli_2025])
    assert library.keyword_index() is whole
    assert answer.citations and {c.doc for c in answer.citations} == {WANLI_2025.name}
    hits = assistant._retrieve(Ask("垃圾分类投入", None, [wanli_2025])).hits
    assert hits and {h.info.doc_id for h in hits} == {wanli_2025}
