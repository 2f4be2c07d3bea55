"""Budget tables of the shared PDFs as records: headers, units, continuations, checks, lookup."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from assistant.library import Library
from assistant.records import TableRecord
from assistant.tables import RecordIndex
from ingest.checks import run_checks
from ingest.pdf import load_pdf
from ingest.tables import table_lines, with_records
from tests.conftest import CZJ_PDF, WANLI_2024, WANLI_2025


@cache
def extracted(path: Path) -> tuple[list[str], list[TableRecord]]:
    data = path.read_bytes()
    pages, records = with_records(load_pdf(path, data), data)
    return [p.text for p in pages], records


def find(records: list[TableRecord], table: str, item: str) -> TableRecord:
    found = [r for r in records if table in r.table and r.label and r.label[-1] == item]
    assert len(found) == 1, (table, item, found)
    return found[0]


def test_named_cells_have_their_column_header_unit_and_page() -> None:
    _, records = extracted(WANLI_2025)
    row = find(records, "2025年部门支出预算总表", "城管执法")
    assert row.label == ("城乡社区支出", "城乡社区管理事务", "城管执法") and row.code == "212 01 04"
    assert dict(row.cells) == {"支出预算合计": "6,522,681", "基本支出": "6,522,681", "项目支出": "0"}
    assert (row.unit, row.page) == ("元", 17)
    wages = find(records, "基本支出部门预算经济分类预算表", "物业管理费")
    assert dict(wages.cells)["公用经费"] == "1,143,816" and dict(wages.cells)["人员经费"] == "0"


def test_one_row_table_with_three_header_levels_keeps_each_column_apart() -> None:
    _, records = extracted(WANLI_2025)
    (row,) = [r for r in records if "三公" in r.table]
    cells = dict(row.cells)
    assert row.unit == "万元" and row.page == 29
    assert cells["“三公”经费预算数合计"] == "37.91" and cells["公务接待费"] == "1.35"
    assert cells["公务用车购置及运行费小计"] == "36.56" and cells["购置费"] == "15" and cells["运行费"] == "21.56"
    assert cells["机关运行经费预算数"] == "464.64"


def test_a_table_continued_on_the_next_page_keeps_title_unit_and_headers() -> None:
    _, records = extracted(WANLI_2025)
    # page 18 holds only the 合计 row of the table that starts on page 14, with fewer columns
    total = [r for r in records if r.page == 18]
    assert len(total) == 1 and total[0].table == "2025年部门支出预算总表" and total[0].unit == "元"
    assert dict(total[0].cells) == {"支出预算合计": "189,767,551", "基本支出": "101,341,746", "项目支出": "88,425,805"}
    # a 项 row at the top of a continuation page still names its 类 and 款
    top = find(records, "2025年部门收入预算总表", "其他行政事业单位养老支出")
    assert top.label[:2] == ("社会保障和就业支出", "行政事业单位养老支出") and top.page == 12


def test_final_accounts_two_sided_table_reads_each_side_with_its_own_headers() -> None:
    _, records = extracted(CZJ_PDF)
    basic = find(records, "基本支出决算表", "维修（护）费")
    assert dict(basic.cells) == {"决算数": "2.83"} and basic.code == "302 13" and basic.unit == "万元"
    admin = find(records, "一般公共预算财政拨款支出决算表", "行政运行")
    assert dict(admin.cells) == {"合计": "1,511.89", "基本支出": "1,503.52", "项目支出": "8.37"}


def test_table_lines_in_the_page_text_become_record_sentences() -> None:
    pages, _ = extracted(WANLI_2025)
    page = pages[16]  # page 17
    assert (
        "城乡社区支出/城乡社区管理事务/城管执法（科目212 01 04）：支出预算合计6,522,681元，基本支出6,522,681元" in page
    )
    assert "212 01 04 城管执法 6,522,681" not in page  # the flattened row is gone
    assert page.startswith("212") is False


def test_table_lines_matches_lines_glued_from_cells_only() -> None:
    cells = {"合计", "基本支出", "项目支出", "6,522,681", "0", "城管执法", "212", "01", "04"}
    text = "说明文字，不是表格。\n212 01 04 城管执法 6,522,681 0 6,522,681\n合计基本支出 项目支出"
    assert table_lines(text, cells) == [1, 2]


@pytest.mark.parametrize("path", [WANLI_2024, WANLI_2025, CZJ_PDF], ids=lambda p: p.stem)
def test_consistency_checks_pass_on_the_published_documents(path: Path) -> None:
    _, records = extracted(path)
    checks = run_checks(records)
    assert len(checks) >= 60
    assert [c.detail for c in checks if not c.passed] == []
    assert {"上级科目 = 下级科目之和", "合计 = 各列之和", "收入总计 = 支出总计"} <= {c.rule for c in checks}


def test_consistency_checks_flag_an_altered_figure() -> None:
    _, records = extracted(WANLI_2025)
    altered = []
    for record in records:
        if "三公" in record.table:
            record = replace(record, cells=tuple((h, "1.53" if h == "公务接待费" else v) for h, v in record.cells))
        if record.label and record.label[-1] == "城管执法" and "支出预算总表" in record.table:
            record = replace(record, cells=tuple((h, "6,522,691" if h == "基本支出" else v) for h, v in record.cells))
        altered.append(record)
    failed = [c for c in run_checks(altered) if not c.passed]
    rules = {c.rule for c in failed}
    assert "三公经费 = 各分项之和" in rules
    assert "合计 = 各列之和" in rules and "上级科目 = 下级科目之和" in rules
    assert any("37.91 ≠" in c.detail for c in failed)


def test_record_lookup_prefers_the_row_the_question_names() -> None:
    records = [
        TableRecord("支出总表", "元", 16, ("城乡社区支出",), "212", (("合计", "1"),), chunk=3),
        TableRecord("支出总表", "元", 16, ("城乡社区支出", "城乡社区公共设施"), "212 03", (("合计", "1"),), chunk=4),
        TableRecord("支出总表", "元", 18, ("合计",), "", (("基本支出", "1"), ("项目支出", "1")), chunk=9),
        TableRecord("三公表", "万元", 29, (), "", (("“三公”经费预算数合计", "37.91"), ("公务接待费", "1.35")), chunk=7),
        TableRecord("表", "元", 5, ("预算数合计",), "", (("金额", "3"),), chunk=11),
    ]
    one, other = "d" * 64, "e" * 64
    index = RecordIndex.of({one: records, other: records[:1]})
    both = {one, other}
    assert index.lookup("城乡社区支出预算是多少？", {one}) == ["d" * 16 + "-00003"]
    assert index.lookup("城乡社区公共设施支出多少", {one})[0] == "d" * 16 + "-00004"
    # one row per document, so each year's report gets its own
    assert sorted(index.lookup("城乡社区支出预算是多少？", both)) == ["d" * 16 + "-00003", "e" * 16 + "-00003"]
    # a total row only when two of its columns are named and no item is
    assert index.lookup("基本支出和项目支出各是多少", {one}) == ["d" * 16 + "-00009"]
    assert index.lookup("项目支出是多少", {one}) == []
    assert index.lookup("三公经费预算是多少", {one}) == ["d" * 16 + "-00007"]
    assert index.lookup("城乡社区支出", {"x" * 64}) == []
    assert index.lookup("今年水费是多少", {one}) == []  # 预算数合计 minus its suffix is no item


def budget_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("一、收支情况")
    document.add_paragraph("2025年部门支出预算总表")
    document.add_paragraph("编制部门：某街道办事处 单位：元")
    table = document.add_table(rows=5, cols=5)
    rows = [
        ["功能分类科目编码", "功能分类科目编码", "科目名称", "支出预算", "支出预算"],
        ["类", "款", "科目名称", "基本支出", "项目支出"],
        ["212", "", "城乡社区支出", "1,000", "2,500"],
        ["212", "01", "城乡社区管理事务", "1,000", "2,500"],
        ["合计", "合计", "合计", "1,000", "2,500"],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(0, 0).merge(table.cell(0, 1))
    document.add_paragraph("以上为支出预算。")
    document.save(str(path))
    return path


def test_docx_tables_become_records_with_merged_headers(tmp_path: Path) -> None:
    from ingest.docx import load_docx
    from ingest.docx_tables import with_docx_records

    path = budget_docx(tmp_path / "budget.docx")
    data = path.read_bytes()
    pages, records = with_docx_records(load_docx(path, data), data)
    row = find(records, "2025年部门支出预算总表", "城乡社区管理事务")
    assert row.label == ("城乡社区支出", "城乡社区管理事务") and row.code == "212 01" and row.unit == "元"
    assert dict(row.cells) == {"基本支出": "1,000", "项目支出": "2,500"} and row.page is None
    text = "\n".join(p.text for p in pages)
    assert "城乡社区支出/城乡社区管理事务（科目212 01）：基本支出1,000元，项目支出2,500元。" in text
    assert "212 01 城乡社区管理事务 1,000 2,500" not in text


def test_every_record_is_found_in_a_chunk_after_cleaning_and_chunking() -> None:
    from collections import defaultdict

    from ingest.pipeline import Overrides, prepare

    prepared = prepare(WANLI_2024, WANLI_2024.read_bytes(), Overrides(), defaultdict(float), 320, 60)
    assert len(prepared.tables) > 200
    assert all(r.chunk >= 0 for r in prepared.tables)
    by_index = {c.index: c.text for c in prepared.chunks}
    record = next(r for r in prepared.tables if r.label and r.label[-1] == "水费")
    assert "水费（科目302 05）" in by_index[record.chunk]
    assert [c.detail for c in prepared.checks if not c.passed] == []


def altered_budget(path: Path) -> Path:
    """The 2025 budget PDF with one printed digit changed: 公务接待费 1.35 becomes 1.45 (glyph 3 -> 4
    in the page's content stream), so its 三公 table no longer adds up."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(WANLI_2025)))
    page = writer.pages[28]
    contents = page.get_contents()
    assert contents is not None
    printed = b"<0014>Tj 120 0 TD<0011>Tj 120 0 TD<0016>Tj 120 0 TD<0018>Tj"  # 1.35
    data = contents.get_data()
    assert data.count(printed) == 1
    contents.set_data(data.replace(printed, printed.replace(b"<0016>", b"<0017>")))
    page.replace_contents(contents)
    with open(path, "wb") as out:
        writer.write(out)
    return path


def test_an_altered_document_is_flagged_at_ingest_and_kept(tmp_path: Path, fake_library: Library) -> None:
    from ingest.pipeline import ingest_paths

    report = ingest_paths([altered_budget(tmp_path / "altered.pdf")], fake_library)
    (result,) = report.results
    assert result.status == "added" and result.tables > 200
    failed = [c for c in result.checks if not c.passed]
    assert [c.rule for c in failed] == ["三公经费 = 各分项之和"]
    assert "37.91 ≠" in failed[0].detail and "公务接待费 1.45" in failed[0].detail and failed[0].page == 29
    assert result.info is not None
    stored = fake_library.checks(result.info.doc_id)
    assert [c.detail for c in stored if not c.passed] == [failed[0].detail]
    assert len(fake_library.tables(result.info.doc_id)) == result.tables


def test_a_dash_in_a_figure_column_is_an_empty_cell_not_a_label(tmp_path: Path) -> None:
    import docx

    from ingest.docx import load_docx
    from ingest.docx_tables import with_docx_records

    document = docx.Document()
    document.add_paragraph("2025年部门支出预算总表")
    document.add_paragraph("单位：元")
    rows = [
        ["科目编码", "科目名称", "基本支出", "项目支出"],
        ["212", "城乡社区支出", "1,000", "2,500"],
        ["221", "住房保障支出", "3,000", "—"],
    ]
    table = document.add_table(rows=3, cols=4)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    path = tmp_path / "dash.docx"
    document.save(str(path))
    data = path.read_bytes()
    pages, records = with_docx_records(load_docx(path, data), data)
    assert dict(find(records, "支出预算总表", "城乡社区支出").cells) == {"基本支出": "1,000", "项目支出": "2,500"}
    assert dict(find(records, "支出预算总表", "住房保障支出").cells) == {"基本支出": "3,000"}
    assert "项目支出2,500元" in "\n".join(p.text for p in pages)


def test_rows_without_figures_still_say_so_in_the_text() -> None:
    pages, records = extracted(CZJ_PDF)
    assert "十一、城乡社区支出：表中未填列数字。" in pages[5]  # page 6: listed in the table, no amount
    (empty,) = [r for r in records if r.table == "收入支出决算总表" and r.label == ("十一、城乡社区支出",)]
    assert empty.cells == () and empty.page == 6


def test_a_document_from_an_older_pipeline_is_built_again(
    fake_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.pipeline as pipeline

    first = pipeline.ingest_paths([WANLI_2025], fake_library).results[0]
    assert first.status == "added" and fake_library.version(first.info.doc_id) == pipeline.PIPELINE_VERSION  # type: ignore[union-attr]
    again = pipeline.ingest_paths([WANLI_2025], fake_library).results[0]
    assert again.status == "duplicate"
    monkeypatch.setattr(pipeline, "PIPELINE_VERSION", pipeline.PIPELINE_VERSION + 1)
    rebuilt = pipeline.ingest_paths([WANLI_2025], fake_library).results[0]
    assert rebuilt.status == "replaced"
    (info,) = fake_library.documents()
    assert fake_library.version(info.doc_id) == pipeline.PIPELINE_VERSION
    assert fake_library.store.chunk_count() == info.chunks  # no duplicate chunks


def malformed_budget(path: Path, malformation: str) -> Path:
    """The 2025 budget PDF with every page's entries damaged in a way pypdf reads past and pdfplumber
    does not: a /Rotate that is a name, a MediaBox of a word, a MediaBox away from the origin."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject, NumberObject, RectangleObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(str(WANLI_2025)))
    for page in writer.pages:
        if malformation == "rotate":
            page[NameObject("/Rotate")] = NameObject("/Ninety")
        elif malformation == "box":
            page[NameObject("/MediaBox")] = ArrayObject([NumberObject(0), NumberObject(0), TextStringObject("wide")])
        else:
            page[NameObject("/MediaBox")] = RectangleObject([0, 500, 595, 1342])
    with open(path, "wb") as out:
        writer.write(out)
    return path


@pytest.mark.parametrize("malformation", ["rotate", "box", "shifted"])
def test_a_pdf_whose_tables_pdfplumber_cannot_read_keeps_its_text(
    tmp_path: Path, malformation: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = malformed_budget(tmp_path / f"{malformation}.pdf", malformation)
    data = path.read_bytes()
    loaded = load_pdf(path, data)
    pages, records = with_records(loaded, data)
    assert pages == loaded and records == []
    assert "表格解析失败" in caplog.text


def test_a_pdf_whose_tables_cannot_be_read_still_ingests(tmp_path: Path, fake_library: Library) -> None:
    from ingest.pipeline import ingest_paths

    report = ingest_paths([malformed_budget(tmp_path / "rotated.pdf", "rotate")], fake_library)
    (result,) = report.results
    assert result.status == "added" and result.tables == 0 and result.info is not None
    assert fake_library.store.documents()[0].pages == 31


def test_a_docx_table_with_a_broken_merge_is_left_as_text(caplog: pytest.LogCaptureFixture) -> None:
    """python-docx raises ValueError on a merge that continues from no row; the loader meets it
    first, so this is the tables step's own safeguard."""
    import io

    import docx
    from docx.oxml import OxmlElement

    from assistant.records import RawPage
    from ingest.docx_tables import with_docx_records

    document = docx.Document()
    document.add_paragraph("2025年部门支出预算总表")
    document.add_paragraph("单位：元")
    table = document.add_table(rows=2, cols=2)
    for r, values in enumerate([["科目名称", "基本支出"], ["城乡社区支出", "1,000"]]):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.rows[0].cells[1]._tc.get_or_add_tcPr().append(OxmlElement("w:vMerge"))  # continues from no row
    buffer = io.BytesIO()
    document.save(buffer)
    pages = [RawPage(number=None, label="第1–3段", text="2025年部门支出预算总表\n单位：元\n城乡社区支出 1,000")]
    assert with_docx_records(pages, buffer.getvalue()) == (pages, [])
    assert "表格解析失败" in caplog.text


def test_a_title_line_inside_the_grid_gives_its_title_and_unit() -> None:
    from ingest.tables import _inside_title_and_unit

    head = [["收支预算总表部门：中共某某办公厅单位：万元", "收入"], ["", "金额"]]
    assert _inside_title_and_unit(head, "", "") == ("收支预算总表", "万元")
    numbered = [["财政拨款支出预算表（功能科目）部门：某局单位：元"]]
    assert _inside_title_and_unit(numbered, "", "") == ("财政拨款支出预算表（功能科目）", "元")
    assert _inside_title_and_unit([["公开02表"]], "", "") == ("", "")  # a table's number is not its title
    assert _inside_title_and_unit(head, "上方的标题表", "元") == ("上方的标题表", "元")  # what stands above wins


def test_a_column_of_subject_codes_is_not_an_amount() -> None:
    from ingest.tables import _is_value_column

    body = [["培训费", "8.92", "30216"], ["会议费", "86.81", "30215"]]
    assert _is_value_column(body, 1, ["决算数"])
    assert not _is_value_column(body, 2, ["科目代码"])  # 30216 is a code, never 30216万元
    assert not _is_value_column(body, 2, ["功能科目编码"])


def test_the_row_of_column_numbers_is_not_a_record() -> None:
    from ingest.tables import Grid, records_of

    headers = [["项目"], ["会议费"], ["培训费"]]
    body = [["栏次", "1", "2"], ["财政拨款", "86.81", "2,795.78"]]
    records = records_of(Grid(5, "财政拨款“三公”经费支出决算表", "万元", headers, body, set()))
    assert [r.label for r in records] == [("财政拨款",)]  # 会议费 1万元 would be a column's number
