from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.records import RawPage
from ingest.chunk import chunk_document, embedding_text, heading_level
from ingest.clean import NUMBER, clean_document
from ingest.pdf import load_pdf
from tests.conftest import LONGJIN_PDF, WANLI_2025


def document(text: str):  # type: ignore[no-untyped-def]
    return clean_document([RawPage(1, "第1页", text)]).document


def covered_whole(doc, chunks) -> None:  # type: ignore[no-untyped-def]
    """Every number of the document lies wholly inside at least one chunk."""
    for match in NUMBER.finditer(doc.text):
        assert any(c.start <= match.start() and match.end() <= c.end for c in chunks), match.group()


SENTENCE = st.builds(
    lambda words, num, end: words + num + "万元" + end,
    st.text(alphabet="街道预算执行完成经费投入社区服务", min_size=0, max_size=60),
    st.from_regex(r"\d{1,3}(,\d{3}){0,2}(\.\d{1,2})?%?", fullmatch=True),
    st.sampled_from(["。", "；", "，", ""]),
)
LINE = st.one_of(
    st.lists(SENTENCE, min_size=1, max_size=8).map("".join),
    st.sampled_from(["一、基本情况", "（二）绩效目标", "2025年部门支出预算总表"]),
    st.builds(lambda a, b: f"212 01 04 城管执法 {a:,} {b:,} 0 0 0", st.integers(0, 10**9), st.integers(0, 10**9)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(LINE, min_size=1, max_size=30), st.integers(80, 400), st.integers(0, 80))
def test_offsets_point_back_and_no_number_is_split(lines: list[str], size: int, overlap: int) -> None:
    doc = document("\n".join("　　" + line for line in lines))
    chunks = chunk_document("d" * 64, doc, size=size, overlap=overlap)
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert chunk.text.strip()
    covered_whole(doc, chunks)
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_real_reports_chunk_with_heading_paths_pages_and_whole_table_rows() -> None:
    doc = clean_document(load_pdf(LONGJIN_PDF)).document
    chunks = chunk_document("a" * 64, doc)
    covered_whole(doc, chunks)
    hit = next(c for c in chunks if "累计投入经费约800万元" in c.text)
    assert hit.headings and hit.headings[0].startswith("二、")
    assert hit.page is not None and 1 <= hit.page <= 13
    assert max(len(c.text) for c in chunks) <= 480

    budget = clean_document(load_pdf(WANLI_2025)).document
    rows = [line for line in budget.text.split("\n") if line.startswith("212 01 04 城管执法")]
    table_chunks = chunk_document("b" * 64, budget)
    for row in rows:
        holder = next(c for c in table_chunks if row in c.text)
        assert "2025年部门" in " ".join(holder.headings)  # the table title travels with its rows
    covered_whole(budget, table_chunks)


def test_page_spans_say_on_which_page_each_part_of_a_chunk_stands() -> None:
    doc = clean_document(load_pdf(WANLI_2025)).document
    for chunk in chunk_document("e" * 64, doc):
        assert chunk.page_spans[0][0] == 0
        for offset, number, label in chunk.page_spans:
            page = doc.page_at(chunk.start + offset)
            assert (page.number, page.label) == (number, label)
        assert chunk.page_spans[-1][1] == chunk.page_end


def test_heading_levels() -> None:
    assert heading_level("一、基本情况") == 1
    assert heading_level("（一）部门职能") == 2
    assert heading_level("1.不移抓好党的建设，全面净化党内政治生态") == 3
    assert heading_level("（1）产出指标") == 4
    assert heading_level("2025年部门支出预算总表") == 2
    assert heading_level("1.宣传贯彻落实党和国家各项方针政策和法律法规,执行上级的决议、决定。") == 0
    assert heading_level("九、住房保障支出 9,364,732") == 0


def test_embedding_text_carries_title_year_and_heading_path() -> None:
    doc = document("一、基本情况\n　　街道全年投入经费约800万元。")
    chunk = chunk_document("c" * 64, doc)[0]
    text = embedding_text(chunk, "龙津街道绩效自评报告", 2022)
    assert text.startswith("龙津街道绩效自评报告（2022年）\n一、基本情况\n")
    assert text.endswith(chunk.text)
