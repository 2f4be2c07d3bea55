"""Comparison questions: planning and arithmetic as pure functions, then the whole chain on the
bundled 万里街道 2024 and 2025 budgets with every cell checked against its cited page."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from assistant import open_assistant
from assistant.cells import item_names, pick_value
from assistant.citations import check_figures
from assistant.compare import Group, Plan, compare, items_of, plan_comparison, sub_question
from assistant.differences import describe_change, difference, table_rows
from assistant.evaluation import evaluate, load_questions
from assistant.figures import Figure, find_figures, states_value
from assistant.records import Answer, Citation, DocumentInfo
from tests.conftest import make_citation

from .conftest import SAMPLES

EVAL = Path(__file__).parent / "eval"
WANLI = "上海市普陀区人民政府万里街道办事处"
CZJ = "上海市普陀区财政局"


def doc(doc_id: str, department: str, year: int, doc_type: str = "部门预算") -> DocumentInfo:
    return DocumentInfo(doc_id, f"{doc_id}.pdf", f"{year}年{department}{doc_type}", department, year, doc_type, 30)


DOCS = [
    doc("w24", WANLI, 2024),
    doc("w25", WANLI, 2025),
    doc("czj24", CZJ, 2024, "部门决算"),
    doc("bj25", "北京市人民政府", 2025, "政府工作报告"),
    doc("sh25", "上海市人民政府", 2025, "政府工作报告"),
]


def figure(text: str):  # type: ignore[no-untyped-def]
    return find_figures(text)[0]


# -- planning ----------------------------------------------------------------------------------
def test_years_become_groups_and_a_year_without_report_is_missing() -> None:
    plan = plan_comparison("2023—2025年万里街道三公经费怎么变化的？", DOCS)
    assert plan is not None and plan.by == "year" and plan.items == ("三公经费",)
    assert [g.label for g in plan.groups] == ["2023年", "2024年", "2025年"]
    assert plan.groups[0].doc_ids == () and "没有万里街道2023年度的报告" in plan.groups[0].missing
    assert plan.groups[1].doc_ids == ("w24",) and plan.groups[2].doc_ids == ("w25",)


def test_departments_become_groups_in_the_order_named() -> None:
    plan = plan_comparison("普陀区财政局和万里街道2024年谁的机关运行经费多？", DOCS)
    assert plan is not None and plan.by == "department" and plan.year == 2024
    assert [g.label for g in plan.groups] == ["普陀区财政局", "万里街道"]
    assert plan.items == ("机关运行经费",)


def test_a_province_without_report_is_a_missing_group() -> None:
    plan = plan_comparison("江苏和北京2025年GDP增长目标比较", DOCS)
    assert plan is not None and [g.label for g in plan.groups] == ["江苏", "北京市"]
    assert plan.groups[0].missing and not plan.groups[1].missing
    assert plan.items == ("GDP增长目标",)


def test_several_items_and_items_with_connectives_kept_whole() -> None:
    question = "万里街道2024年和2025年的三公经费、财政拨款收入和社会保障和就业支出比较"
    assert items_of(question, [WANLI], known={"社会保障和就业支出"}) == (
        "三公经费",
        "财政拨款收入",
        "社会保障和就业支出",
    )
    assert items_of(question, [WANLI]) == ("三公经费", "财政拨款收入", "社会保障", "就业支出")


def test_questions_that_are_not_comparisons() -> None:
    assert plan_comparison("2025年万里街道三公经费是多少？", DOCS) is None  # one year, no comparison word
    assert plan_comparison("万里街道2025年基本支出和项目支出各是多少？", DOCS) is None  # one year: two items
    # a different thing asked of each year is two questions, not one item compared
    assert plan_comparison("万里街道其他城乡社区支出2023年执行数和2024年预算分别是多少？", DOCS) is None
    assert plan_comparison("北京市2024年一般公共预算收入增长了多少，2025年预期增长多少？", DOCS) is None


def test_one_department_with_several_years_compares_every_year() -> None:
    plan = plan_comparison("万里街道的三公经费有什么变化？", DOCS)
    assert plan is not None and [g.label for g in plan.groups] == ["2024年", "2025年"]


# -- arithmetic --------------------------------------------------------------------------------
def test_difference_and_change_are_computed_exactly() -> None:
    delta, unit, change = difference(figure("47.91万元"), figure("37.91万元")) or (None, "", None)
    assert (delta, unit) == (Decimal("-10.00"), "万元")
    assert change is not None and abs(change - Decimal("-20.8724692131")) < Decimal("1e-9")
    diff, pct, sentence = describe_change(("2024年", figure("47.91万元")), ("2025年", figure("37.91万元")), "year")
    assert (diff, pct) == ("-10.00万元", "-20.87%")
    assert sentence == "2025年比2024年减少10.00万元，下降20.87%"


def test_amounts_in_yuan_also_in_wan_and_units_aligned() -> None:
    a, b = figure("156,211,123元"), figure("189,767,551元")
    diff, pct, sentence = describe_change(("2024年", a), ("2025年", b), "year")
    assert diff.startswith("33,556,428元") and pct == "21.48%"
    assert "约3,355.65万元" in sentence  # 18,976.76 − 15,621.11, the 万元 figures the answer shows
    delta, unit, _ = difference(figure("8374.2亿元"), figure("1.35万亿元")) or (None, "", None)
    assert (delta, unit) == (Decimal("5125.8"), "亿元")


def test_counts_of_one_multiplier_differ_in_that_multiplier() -> None:
    delta, unit, _ = difference(figure("46947万吨"), figure("49746万吨")) or (None, "", None)
    assert (delta, unit) == (Decimal("2799"), "万吨")
    assert describe_change(("2005年", figure("46947万吨")), ("2007年", figure("49746万吨")), "year")[0] == "2,799万吨"


def test_years_naming_reports_ask_each_report_as_such() -> None:
    reports = [DocumentInfo(f"w{y}", f"w{y}.txt", "政府工作报告", "国务院", y, "政府工作报告", 1) for y in (2005, 2007)]
    plan = plan_comparison("2005年和2007年政府工作报告里粮食产量分别是多少？", reports)
    assert plan is not None and plan.report == "政府工作报告"
    assert sub_question(plan, plan.groups[0], plan.items[0]) == "国务院2005年的报告中粮食产量是多少？"
    plain = plan_comparison("2005年和2007年国务院粮食产量分别是多少？", reports)
    assert plain is not None and plain.report == ""


def test_rates_differ_in_percentage_points_and_unlike_figures_are_not_subtracted() -> None:
    assert (
        describe_change(("北京", figure("5%")), ("浙江", figure("5.5%")), "department")[2] == "浙江比北京高0.5个百分点"
    )
    assert describe_change(("a", figure("5%")), ("b", figure("8万元")), "year")[0] == ""
    assert difference(figure("3辆"), figure("4人")) is None
    assert "持平" in describe_change(("2024年", figure("1.35万元")), ("2025年", figure("1.35万元")), "year")[2]


def test_pick_value_takes_the_figure_after_the_item_and_its_citation() -> None:
    citation = make_citation(2, "b.pdf", "b", 29, "第29页", "公务用车购置费15万元", 1.0, "c1")
    text = "（万里街道，2025年）“三公”经费预算数合计37.91万元，公务用车购置及运行费小计36.56万元，购置费15万元[2]"
    answer = Answer("q", text, False, "", (citation,), (), "extractive")
    picked = pick_value(answer, "公务用车购置费预算", "money")
    assert picked is not None and picked[0].text == "15万元" and picked[1] is citation
    assert pick_value(answer, "三公经费", "money")[0].text == "37.91万元"  # type: ignore[index]
    assert pick_value(answer, "常住人口", "count") is None
    assert {"经济增长目标", "生产总值增长目标"} <= set(item_names("经济增长目标"))  # either wording


def test_compare_never_computes_from_a_figure_its_source_does_not_state() -> None:
    """A sub-answer whose figure is not in its cited passage: the cell is flagged, no arithmetic."""
    plan = Plan((Group("2024年", ("a",)), Group("2025年", ("b",))), ("三公经费",), ("万里街道",))
    passages = {"a": "三公经费47.91万元", "b": "三公经费预算另行公布"}

    def ask_one(question: str, doc_ids: list[str]) -> Answer:
        key = doc_ids[0]
        citation = make_citation(1, f"{key}.pdf", key, 1, "第1页", passages[key], 1.0, key)
        value = "47.91万元" if key == "a" else "37.91万元"  # b's figure is invented
        return Answer(question, f"三公经费{value}[1]", False, "", (citation,), (), "extractive")

    done = compare(plan, "三公经费比较", ask_one, check_figures)
    assert "37.91" not in done.text and "未核实" in done.text
    assert not any(f.computed for f in done.figures) and done.comparison.rows[0].difference == ""


def test_the_difference_column_says_which_way_it_is_taken() -> None:
    """Departments: the one named first less the other, as the sentence says; years: later less earlier."""
    passages = {"a": "机关运行经费2,719.55万元", "b": "机关运行经费742.77万元"}

    def ask_one(question: str, doc_ids: list[str]) -> Answer:
        key = doc_ids[0]
        citation = make_citation(1, f"{key}.pdf", key, 1, "第1页", passages[key], 1.0, key)
        return Answer(question, f"{passages[key]}[1]", False, "", (citation,), (), "extractive")

    by_body = Plan(
        (Group("甲局", ("a",)), Group("乙局", ("b",))), ("机关运行经费",), ("甲局", "乙局"), 2026, "department"
    )
    done = compare(by_body, "甲局机关运行经费比乙局多多少", ask_one, check_figures)
    header, row = table_rows(done.comparison)
    assert header[3] == "差额（前减后）" and row[3] == "1,976.78万元" and "甲局比乙局多1,976.78万元" in done.text
    by_year = Plan((Group("2024年", ("b",)), Group("2025年", ("a",))), ("机关运行经费",), ("甲局",))
    header, row = table_rows(compare(by_year, "变化", ask_one, check_figures).comparison)
    assert header[3] == "差额（后减前）" and row[3] == "1,976.78万元"


# -- the whole chain ---------------------------------------------------------------------------
def page_text(pdf: Path, page: int) -> str:
    return PdfReader(pdf).pages[page - 1].extract_text() or ""


@pytest.mark.e2e
def test_wanli_2024_vs_2025_table_with_cited_cells_and_checked_arithmetic(corpus_store: Path) -> None:
    assistant = open_assistant(corpus_store)
    answer = assistant.ask("万里街道2024年和2025年的三公经费、财政拨款收入和机关运行经费比较")
    assert not answer.refused and answer.comparison is not None
    table = answer.comparison
    assert table.groups == ("2024年", "2025年")
    assert [row.item for row in table.rows] == ["三公经费", "财政拨款收入", "机关运行经费"]
    by_n = {c.n: c for c in answer.citations}
    expected_year = {"2024年": "putuo_wanli_2024_budget.pdf", "2025年": "putuo_wanli_2025_budget.pdf"}
    for row in table.rows:
        values = []
        for cell in row.cells:
            citation = by_n[cell.n]
            assert citation.doc == expected_year[cell.group]
            # the figure is printed on the cited page of the PDF (pypdf's own text, not ours)
            printed = page_text(SAMPLES / citation.doc, citation.page or 0)
            value = figure(cell.value)
            assert states_value(printed, value.value), (row.item, cell, citation.page)
            values.append(value)
        first, last = values
        scale = Decimal(10_000) if first.unit == "万元" else Decimal(1)
        expected = (last.amount - first.amount) / scale
        assert figure(row.difference.lstrip("-")).value == abs(expected)
        assert row.difference.startswith("-") == (expected < 0)
        percent = ((last.amount - first.amount) / first.amount * 100).quantize(Decimal("0.01"))
        assert row.change == f"{percent}%"
    cells = {row.item: tuple(c.value for c in row.cells) for row in table.rows}
    assert cells["三公经费"] == ("47.91万元", "37.91万元")
    assert cells["机关运行经费"] == ("443.18万元", "464.64万元")
    assert cells["财政拨款收入"] == ("156,211,123元", "189,767,551元")
    assert "减少10.00万元，下降20.87%" in answer.answer and "增加21.46万元，增长4.84%" in answer.answer
    assert all(f.verified for f in answer.figures)
    assert {f.text for f in answer.figures if f.computed} >= {"10.00万元", "20.87%", "21.46万元", "4.84%"}


@pytest.mark.e2e
def test_missing_year_is_named_not_guessed(corpus_store: Path) -> None:
    answer = open_assistant(corpus_store).ask("2023—2025年万里街道三公经费怎么变化的？")
    assert answer.comparison is not None
    first = answer.comparison.rows[0].cells[0]
    assert first.group == "2023年" and first.value == "" and "2023年度的报告" in first.missing
    assert "2023年：已收录的报告中没有万里街道2023年度的报告" in answer.answer


@pytest.mark.e2e
def test_cli_json_carries_the_table(corpus_store: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "--store", str(corpus_store), "--json",
         "普陀区财政局和万里街道2024年谁的机关运行经费多？"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    row = json.loads(out.stdout)
    cells = row["comparison"]["rows"][0]["cells"]
    assert [c["group"] for c in cells] == ["普陀区财政局", "万里街道"]
    assert [c["value"] for c in cells] == ["184.65万元", "443.18万元"]
    assert "普陀区财政局比万里街道少258.53万元" in row["answer"]


@pytest.mark.e2e
def test_comparison_set_does_not_regress(corpus_store: Path) -> None:
    metrics = evaluate(open_assistant(corpus_store), load_questions(EVAL / "comparisons.jsonl")).metrics()
    assert metrics["figure_accuracy"] >= 0.90  # measured 0.944 (17 of 18 answerable)
    assert metrics["citation_accuracy"] >= 0.90
    assert metrics["refusal_accuracy"] == 1.0 and metrics["wrong_refusals"] == 0.0


def test_a_department_chosen_for_the_years_is_named_in_the_answer() -> None:
    plan = plan_comparison("2024年和2025年三公经费比较", DOCS)
    assert plan is not None and plan.departments == ("万里街道",) and plan.chosen
    citation = make_citation(1, "w.pdf", "w", 1, "第1页", "三公经费47.91万元", 1.0, "c")

    def ask_one(question: str, doc_ids: list[str]) -> Answer:
        return Answer(question, "三公经费47.91万元[1]", False, "", (citation,), (), "extractive")

    done = compare(plan, "2024年和2025年三公经费比较", ask_one, check_figures)
    assert done.text.startswith("（问题未指明部门，以下为万里街道的数字）")
    assert plan_comparison("万里街道2024年和2025年三公经费比较", DOCS).chosen is False  # type: ignore[union-attr]


WORK_REPORTS = [
    DocumentInfo(f"w{y}", f"w{y}.txt", f"{y}年政府工作报告", "国务院", y, "政府工作报告", 1) for y in range(2005, 2009)
]


def test_a_year_of_work_reports_is_read_also_in_the_report_reviewing_it() -> None:
    plan = plan_comparison("2005年到2007年农民人均纯收入分别是多少？", WORK_REPORTS)
    assert plan is not None and [g.doc_ids for g in plan.groups] == [
        ("w2005", "w2006"),
        ("w2006", "w2007"),
        ("w2007", "w2008"),
    ]
    named = plan_comparison("2005年和2007年政府工作报告里粮食产量分别是多少？", WORK_REPORTS)
    assert named is not None and [g.doc_ids for g in named.groups] == [("w2005",), ("w2007",)]


def test_reports_listed_beside_the_years_they_speak_of() -> None:
    plan = plan_comparison("按2006年和2008年政府工作报告的说法，2005年和2007年全国粮食产量各是多少？", WORK_REPORTS)
    assert plan is not None and plan.items == ("粮食产量",)  # 全国: the body is the country
    assert [(g.label, g.doc_ids) for g in plan.groups] == [("2005年", ("w2006",)), ("2007年", ("w2008",))]


def test_which_is_most_and_short_years_are_not_items() -> None:
    assert items_of("气象局、统计局因公出国费各是多少？哪家最多？", ["气象局", "统计局"]) == ("因公出国费",)
    assert items_of("三公经费2017年和2019年各是多少？变化大不大？", []) == ("三公经费",)
    assert items_of("住房保障支出2017、2019年分别是多少？19年比17年多了多少？", []) == ("住房保障支出",)


def picked_from(text: str, passage: str, item: str, kind: str) -> tuple[Figure, Citation] | None:
    """The cell ``pick_value`` takes from an answer ``text`` citing one ``passage`` as [1]."""
    citation = make_citation(1, "b.txt", "b", 1, "第1段", passage, 1.0, "c1")
    return pick_value(Answer("q", text, False, "", (citation,), (), "extractive"), item, kind)


def test_a_level_reached_is_the_figure_after_dao() -> None:
    text = "（国务院，2008年）城镇居民人均可支配收入由7703元增加到13786元，农村居民人均纯收入由2476元增加到4140元。[1]"
    picked = picked_from(text, "农村居民人均纯收入由2476元增加到4140元", "农村居民人均纯收入", "money")
    assert picked is not None and picked[0].text == "4140元"


def test_a_name_with_de_is_the_name_without_it() -> None:
    citation = make_citation(1, "b.pdf", "b", 32, "第32页", "预留", 1.0, "c1")
    text = (
        "（某街道，2024年）本部门面向中小企业预留政府采购项目预算金额664.98万元，"
        "其中，预留给小型和微型企业的政府采购项目预算为465.49万元。[1]"
    )
    answer = Answer("q", text, False, "", (citation,), (), "extractive")
    picked = pick_value(answer, "面向中小企业预留的政府采购项目预算", "money")
    assert picked is not None and picked[0].text == "664.98万元"


def test_each_groups_growth_is_the_item_and_the_report_year_is_not_the_year_asked() -> None:
    provinces = [
        DocumentInfo(p, f"{p}.docx", f"2025年{name}政府工作报告", name, 2025, "政府工作报告", 1)
        for p, name in (("bj", "北京市人民政府"), ("zj", "浙江省人民政府"))
    ]
    plan = plan_comparison("北京、浙江2025年政府工作报告里，2024年地区生产总值各增长了多少？哪个最快？", provinces)
    assert plan is not None and plan.items == ("地区生产总值增长",) and plan.year == 2024
    assert sub_question(plan, plan.groups[0], plan.items[0]) == "2024年北京市地区生产总值增长是多少？"


def test_one_year_asked_of_in_the_report_named_is_not_a_comparison() -> None:
    reports = [DocumentInfo("gd", "gd.docx", "2025年广东省政府工作报告", "广东省人民政府", 2025, "政府工作报告", 1)]
    question = "广东2025年政府工作报告里，2024年进出口总额增长了多少？地方一般公共预算收入是多少？"
    assert plan_comparison(question, reports) is None


def test_a_level_reached_with_its_years_is_the_later_one() -> None:
    text = "（国务院，2008年）城镇居民人均可支配收入由2002年7703元增加到2007年13786元。[1]"
    picked = picked_from(text, "由2002年7703元增加到2007年13786元", "城镇居民人均可支配收入", "money")
    assert picked is not None and picked[0].text == "13786元"


def test_an_item_headed_just_before_its_sentence_takes_the_sentence_s_first_figure() -> None:
    passage = "较上年增加8.10万元。1.因公出国（境）费用。2026年预算数13.20万元，较2025年年初预算增加11.60万元。"
    citation = make_citation(1, "b.pdf", "b", 13, "第13页", passage, 1.0, "c1")
    text = "（某市气象局，2026年）2026年预算数13.20万元，较2025年年初预算增加11.60万元，主要是因公出国（境）费用年中下达。[1]"
    answer = Answer("q", text, False, "", (citation,), (), "extractive")
    picked = pick_value(answer, "因公出国（境）费预算", "money")
    assert picked is not None and picked[0].text == "13.20万元"
    # the item named inside the sentence, after another item's figure: no value, never a guess
    inside = "（某厅，2017年）“三公”经费预算支出中，因公出国（境）费支出70万元，占“三公”经费的13.75%。[1]"
    cited = make_citation(1, "b.pdf", "b", 5, "第5页", inside.split("）", 1)[1], 1.0, "c2")
    assert pick_value(Answer("q", inside, False, "", (cited,), (), "extractive"), "三公经费预算", "money") is None


def test_listed_items_share_the_tail_they_are_said_with() -> None:
    asked = "城镇居民、农村居民人均可支配收入各增长多少？哪个省快？"
    assert items_of(asked, []) == ("城镇居民人均可支配收入增长", "农村居民人均可支配收入增长")
    assert items_of("城镇、农村居民人均可支配收入各增长多少？", [])[0] == "城镇居民人均可支配收入增长"
    assert items_of("人员经费和公用经费各是多少？", []) == ("人员经费", "公用经费")
    from assistant.cells import expected_kind as kind_of

    assert kind_of("研发投入强度", "") == "percent" and kind_of("农村居民人均可支配收入增长", "") == "percent"


def test_a_figure_of_another_item_is_never_the_cell() -> None:
    citation = make_citation(
        1, "b.docx", "b", 1, "第1段", "全省生产总值增长5.5%，城乡居民人均可支配收入分别增长4.3%、6.1%", 1.0, "c1"
    )
    text = (
        "（某省，2025年）全省生产总值增长5.5%，一般公共预算收入增长1.2%，城乡居民人均可支配收入分别增长4.3%、6.1%。[1]"
    )
    answer = Answer("q", text, False, "", (citation,), (), "extractive")
    assert pick_value(answer, "农村居民人均可支配收入增长", "percent") is None  # not 5.5%, 1.2% nor a guess of 分别
    reworded = make_citation(1, "b.docx", "b", 1, "第1段", "全国粮食连续四年增产，2007年产量达到50150万吨", 1.0, "c2")
    said = "（国务院，2008年）粮食连续四年增产，2007年产量达到50150万吨。[1]"
    picked = pick_value(Answer("q", said, False, "", (reworded,), (), "extractive"), "粮食总量", "")
    assert picked is not None and picked[0].text == "50150万"


def test_a_list_of_short_years_names_each_report_beside_the_years_asked() -> None:
    from assistant.query import spoken_years, with_full_years

    asked = with_full_years("按06、07、08年政府工作报告，2005到2007年居民消费价格总水平各上涨了多少？哪年涨得最多？")
    assert asked.startswith("按2006、2007、2008年政府工作报告")
    assert spoken_years(asked) == (2005, 2006, 2007)
    assert with_full_years("第12、13个五年规划") == "第12、13个五年规划"
    plan = plan_comparison(asked, WORK_REPORTS)
    assert plan is not None and plan.items == ("居民消费价格总水平增长",)
    assert [g.doc_ids for g in plan.groups] == [("w2006",), ("w2007",), ("w2008",)]


def test_the_growth_said_after_the_level_is_the_growth_cell() -> None:
    text = "（国务院，2007年）国内生产总值20.94万亿元，比上年增长10.7%；[1]"
    passage = "国内生产总值20.94万亿元，比上年增长10.7%"
    picked = picked_from(text, passage, "国内生产总值增长", "percent")
    assert picked is not None and picked[0].text == "10.7%"
    assert picked_from(text, passage, "国内生产总值", "money") is not None


def test_a_row_named_by_the_item_gives_its_cell_past_a_long_column_head() -> None:
    passage = "基本工资：财政拨款基本支出预算表部门：某省某办公厅单位：万元金额1,309.12万元。"
    picked = picked_from(f"（某办公厅，2017年）{passage}[1]", passage, "基本工资", "money")
    assert picked is not None and picked[0].text == "1,309.12万元"


def test_a_count_asked_of_an_item_that_names_an_amount_is_a_count() -> None:
    from assistant.cells import expected_kind as kind_of

    asked = "甲局、乙局，单价100万元以上的设备各有几台（套）？哪家最多？比第二名多几台？"
    assert items_of(asked, ["甲局", "乙局"]) == ("单价100万元以上的设备",)
    assert kind_of("单价100万元以上的设备", asked) == "count"
    text = "（甲局，2026年）单价100万元以上设备36台（套）。[1]"
    picked = picked_from(text, "单价100万元以上设备36台（套）。", "单价100万元以上的设备", "count")
    assert picked is not None and picked[0].text == "36" and picked[0].measure == "台"


def test_each_group_s_stated_change_is_quoted_beside_its_figure() -> None:
    asked = "甲局和乙局2026年部门预算支出跟去年年初预算比，各增减了多少？两家今年预算差多少？"
    assert items_of(asked, ["甲局", "乙局"])[0] == "部门预算支出"  # not 年初预算: 跟去年年初预算比 says against what
    plan = Plan((Group("甲局", ("j",)), Group("乙局", ("y",))), ("部门预算支出",), ("甲局", "乙局"), 2026, "department")
    said = {
        "j": "2026年甲局部门预算支出7,199.97万元，较2025年年初预算减少878.34万元，下降10.9%",
        "y": "2026年乙局部门预算支出5,417.80万元，较2025年年初预算增加206.09万元，增长4.0%",
    }

    def ask_one(sub: str, doc_ids: Sequence[str]) -> Answer:
        text = said[doc_ids[0]]
        citation = make_citation(1, f"{doc_ids[0]}.pdf", "t", 3, "第3页", text, 1.0, doc_ids[0])
        return Answer(sub, f"（{doc_ids[0]}，2026年）{text}[1]", False, "", (citation,), (), "extractive")

    done = compare(plan, asked, ask_one, check_figures)
    assert "甲局7,199.97万元（较2025年年初预算减少878.34万元，下降10.9%）[1]" in done.text
    assert "乙局5,417.80万元（较2025年年初预算增加206.09万元，增长4.0%）[2]" in done.text
    assert all(f.verified for f in done.figures)


def test_an_item_worded_again_in_the_next_clause_gives_the_figure_there() -> None:
    said = "（国务院，2008年）全国粮食连续四年增产，2007年产量达到50150万吨。[1]"
    picked = picked_from(said, "全国粮食连续四年增产，2007年产量达到50150万吨", "全国粮食产量", "")
    assert picked is not None and picked[0].text == "50150万"
    other = "（某省，2025年）全国粮食连续四年增产，棉花产量达到760万吨。[1]"
    assert picked_from(other, "全国粮食连续四年增产，棉花产量达到760万吨", "全国粮食产量", "") is None


def test_a_change_asked_after_the_item_is_the_item_s_change() -> None:
    asked = "单位国内生产总值能耗，2007年报告说2006年降了多少？2008年报告说2007年降了多少？"
    assert items_of(asked, []) == ("单位国内生产总值能耗下降",)
    reports = [DocumentInfo(f"r{y}", f"r{y}.txt", "政府工作报告", "国务院", y, "政府工作报告", 9) for y in (2007, 2008)]
    plan = plan_comparison(asked, reports)
    assert plan is not None and [g.label for g in plan.groups] == ["2006年", "2007年"]
    assert [g.doc_ids for g in plan.groups] == [("r2007",), ("r2008",)]
    # the two levels compared with each other: the difference of the levels, not a stated change
    assert items_of("公务接待费2019年比2018年涨了多少？", []) == ("公务接待费",)


@pytest.mark.parametrize(
    "asked",
    [
        "甲局和乙局2026年三公经费各是多少？和2025年年初预算比分别是多了还是少了？",
        "甲局和乙局2026年三公经费各多少？比2025年预算分别少了多少？",
        "甲局和乙局2026年三公经费各多少？和2025年比各有什么变化？",
    ],
)
def test_each_group_s_change_against_last_year_is_asked_in_many_words(asked: str) -> None:
    from assistant.compare import EACH_CHANGE

    assert items_of(asked, ["甲局", "乙局"]) == ("三公经费",)  # not 年初预算, 比各 or 少了
    assert EACH_CHANGE.search(asked)
    assert not EACH_CHANGE.search("甲局和乙局2026年三公经费各是多少？差多少？")


def test_listed_bodies_sharing_their_kind_and_counted_years_are_spelled_out() -> None:
    from assistant.query import with_full_years, with_shared_suffix

    assert with_shared_suffix("深圳信访、气象、统计、财政四个局2026年三公经费") == (
        "深圳信访局、气象局、统计局、财政局2026年三公经费"
    )
    assert with_shared_suffix("甲市信访和司法两个局的三公经费") == "甲市信访局和司法局的三公经费"
    assert with_shared_suffix("统计局和财政局的三公经费") == "统计局和财政局的三公经费"
    assert with_full_years("省委办17、18、19三年政府采购预算") == "省委办2017、2018、2019年政府采购预算"
    assert items_of("甲局、乙局这四家的政府采购预算各多少？", ["甲局", "乙局"]) == ("政府采购预算",)


PROVINCES = [
    DocumentInfo(f"p{i}", f"p{i}.docx", f"2025年{name}政府工作报告", name, 2025, "政府工作报告", 1)
    for i, name in enumerate(["四川省人民政府", "广东省人民政府", "上海市人民政府", "北京市人民政府"])
]


def test_reports_named_by_their_year_are_asked_of_the_year_they_speak_of() -> None:
    plan = plan_comparison("四川、广东2025年政府工作报告里，全省经营主体各有多少户？哪个省最多？", PROVINCES)
    assert plan is not None and plan.by == "department" and plan.items == ("经营主体",)
    assert sub_question(plan, plan.groups[0], plan.items[0]) == "四川省经营主体有多少户？"  # no 2025年: the report's
    before = plan_comparison("2025年上海和北京的政府工作报告里，去年外贸进出口总额各是多少？", PROVINCES)
    assert (
        before is not None
        and sub_question(before, before.groups[0], before.items[0]) == "2024年上海市外贸进出口总额是多少？"
    )


def test_a_level_reached_after_its_growth_is_the_cell() -> None:
    text = "（某省，2025年）经营主体新增105万户，达到920万户。[1]"
    picked = picked_from(text, "经营主体新增105万户，达到920万户。", "经营主体", "count")
    assert picked is not None and picked[0].text == "920万" and picked[0].measure == "户"


def test_each_report_s_year_before_is_read_from_that_report() -> None:
    from assistant.query import named_report_years

    asked = "2005年至2008年的政府工作报告各自提到的上一年全国粮食产量是多少？哪一年最高？"
    assert named_report_years(asked) == (2005, 2006, 2007, 2008)
    plan = plan_comparison(asked, WORK_REPORTS)
    assert plan is not None and plan.items == ("粮食产量",)
    assert [g.label for g in plan.groups] == ["2004年", "2005年", "2006年", "2007年"]
    assert [g.doc_ids for g in plan.groups] == [("w2005",), ("w2006",), ("w2007",), ("w2008",)]
    pair = plan_comparison(
        "2005年报告说的上一年城镇新增就业，和2007年报告说的上一年城镇新增就业，各是多少？", WORK_REPORTS
    )
    assert pair is not None and [g.doc_ids for g in pair.groups] == [("w2005",), ("w2007",)]


def test_counts_in_different_measures_are_not_subtracted() -> None:
    assert difference(figure("980万人"), figure("1000")) is None
    assert difference(figure("859万人"), figure("1184万人")) is not None


def test_bodies_counted_but_not_named_are_every_report_of_that_kind_and_year() -> None:
    asked = "五省市2025年政府工作报告中，2024年城镇新增就业分别是多少？谁最多？"
    five = [
        *PROVINCES,
        DocumentInfo("zj", "zj.docx", "2025年浙江省政府工作报告", "浙江省人民政府", 2025, "政府工作报告", 1),
    ]
    plan = plan_comparison(asked, five)
    assert plan is not None and plan.by == "department" and len(plan.groups) == 5
    assert plan.items == ("城镇新增就业",) and plan.year == 2024
    assert plan_comparison(asked, PROVINCES) is None  # four reports are not the five asked of


def test_a_leading_against_last_year_clause_asks_each_one_s_change() -> None:
    from assistant.compare import EACH_CHANGE

    asked = "与2025年年初预算相比，甲局和乙局2026年部门预算收入分别是增加还是减少？幅度多大？"
    assert items_of(asked, ["甲局", "乙局"]) == ("部门预算收入",)
    assert EACH_CHANGE.search(asked)
    bodies = [doc("j", "某市甲局", 2026), doc("y", "某市乙局", 2026)]
    plan = plan_comparison(asked.replace("甲局和乙局", "某市甲局和某市乙局"), bodies)
    assert plan is not None and plan.year == 2026


def test_a_count_and_the_money_of_the_same_projects_are_two_items() -> None:
    from assistant.cells import expected_kind as kind_of

    asked = "甲局和乙局2026年编报绩效目标的项目各有几个、涉及多少钱？"
    assert items_of(asked, ["甲局", "乙局"]) == ("编报绩效目标的项目", "涉及资金")
    assert kind_of("编报绩效目标的项目数", "万里街道两年的项目数和涉及资金各是多少？") == "count"


def test_a_change_not_said_beside_the_figure_is_asked_for_and_cited_on_its_own() -> None:
    asked = "甲局和乙局2026年部门预算收入各多少？跟2025年年初预算比，哪家是增加的？"
    plan = Plan((Group("甲局", ("j",)), Group("乙局", ("y",))), ("部门预算收入",), ("甲局", "乙局"), 2026, "department")
    said = {
        ("j", False): "甲局部门预算收入4,676.96万元。",
        ("j", True): "2026年甲局部门预算收入4,676.96万元，较2025年年初预算减少247.70万元。",
        ("y", False): "乙局部门预算收入5,417.80万元。",
        ("y", True): "乙局项目支出1,313.80万元，较2025年年初预算增加9.99万元。",  # another item's change
    }

    def ask_one(sub: str, doc_ids: Sequence[str]) -> Answer:
        text = said[(doc_ids[0], "增减" in sub)]
        citation = make_citation(1, f"{doc_ids[0]}.pdf", "t", 3 + ("增减" in sub), "第3页", text, 1.0, sub)
        return Answer(sub, f"（{doc_ids[0]}，2026年）{text}[1]", False, "", (citation,), (), "extractive")

    done = compare(plan, asked, ask_one, check_figures)
    assert "甲局4,676.96万元[1]（较2025年年初预算减少247.70万元[2]）" in done.text
    assert "9.99" not in done.text and "乙局5,417.80万元[3]" in done.text
    assert all(f.verified for f in done.figures)


def test_short_year_ranges_and_counted_reports() -> None:
    from assistant.query import with_full_years

    asked = with_full_years("05到07年三份国务院政府工作报告里，上一年全国粮食产量各是多少？")
    assert asked.startswith("2005到2007年三份国务院政府工作报告里")
    plan = plan_comparison(asked, WORK_REPORTS)
    assert plan is not None and plan.items == ("粮食产量",)
    assert [g.label for g in plan.groups] == ["2004年", "2005年", "2006年"]


def test_vehicles_counted_as_of_a_date_are_the_item() -> None:
    asked = "截至2025年10月，甲局、乙局各有几辆车？哪家最多？"
    assert items_of(asked, ["甲局", "乙局"]) == ("车辆",)


def test_years_written_in_characters_and_changes_asked_in_other_words() -> None:
    from assistant.comparison_plan import is_comparison
    from assistant.query import spelled_out

    assert spelled_out("甲局二〇一七、二〇一八年收入分别是多少？") == "甲局2017、2018年收入分别是多少？"
    assert spelled_out("甲局二零二四年三公经费") == "甲局2024年三公经费"
    assert spelled_out("十二五规划") == "十二五规划"
    asked = spelled_out("甲局的收支预算总计，19年跟17年比多出多少、增幅是多少？")
    assert is_comparison(asked) and items_of(asked, ["甲局"]) == ("收支预算总计",)
    assert items_of("甲局2025年收入预算较2024年增加多少，增幅是百分之多少？", ["甲局"]) == ("收入预算",)
    # the levels are asked, so 涨了多少 is their difference, not a change the report states
    assert items_of("甲局2024年、2025年人员经费，各多少，涨了多少。", ["甲局"]) == ("人员经费",)
    assert items_of("单位能耗，2007年报告说2006年降了多少？", []) == ("单位能耗下降",)


def test_last_year_without_a_report_takes_the_change_this_years_report_states() -> None:
    """今年的三公经费比去年多了还是少了, with only this year's report: its stated change is quoted,
    last year's level is worked out from it and said to be; with no stated change, nothing is."""
    plan = Plan(
        (Group("2025年", (), "已收录的报告中没有甲局2025年度的报告"), Group("2026年", ("b",))), ("三公经费",), ("甲局",)
    )

    def answering(passage: str) -> Callable[[str, Sequence[str]], Answer]:
        def ask_one(question: str, doc_ids: Sequence[str]) -> Answer:
            citation = make_citation(1, "b.pdf", "b", 1, "第1页", passage, 1.0, "b")
            return Answer(question, f"{passage}[1]", False, "", (citation,), (), "extractive")

        return ask_one

    stated = "2026年三公经费预算27.60万元，较2025年年初预算增加8.10万元"
    done = compare(plan, "甲局今年的三公经费比去年多了还是少了", answering(stated), check_figures)
    assert "（较2025年年初预算增加8.10万元）[1]" in done.text
    assert "2025年19.50万元由2026年的数字和所述增减推算" in done.text
    row = done.comparison.rows[0]
    assert row.cells[0].value == "19.50万元（推算）" and row.difference == "8.10万元"
    assert any(f.text.startswith("19.50") and f.computed for f in done.figures)
    bare = compare(
        plan, "甲局今年的三公经费比去年多了还是少了", answering("2026年三公经费预算27.60万元"), check_figures
    )
    assert "推算" not in bare.text and bare.comparison.rows[0].cells[0].missing


def test_bodies_named_each_with_a_year_of_their_own() -> None:
    docs = [doc("a24", "甲市乙区财政局", 2024), doc("b25", "丙县水利局", 2025), doc("b24", "丙县水利局", 2024)]
    plan = plan_comparison("乙区财政局2024年和丙县水利局2025年公务用车运行费预算各多少？", docs)
    assert plan is not None and plan.by == "department" and plan.year is None
    assert [(g.label, g.doc_ids) for g in plan.groups] == [
        ("乙区财政局2024年", ("a24",)),
        ("丙县水利局2025年", ("b25",)),
    ]
    assert sub_question(plan, plan.groups[1], plan.items[0]) == "丙县水利局2025年公务用车运行费预算是多少？"
    reports = [doc("r20", "甲区人民政府", 2020, "政府工作报告"), doc("r19", "乙区人民政府", 2019, "政府工作报告")]
    asked = plan_comparison(
        "甲区2020年政府工作报告里的2019年财政收入，和乙区2019年报告里的2018年财政收入，各是多少？", reports
    )
    assert asked is not None and [g.label for g in asked.groups] == ["甲区2019年", "乙区2018年"]
    assert [g.doc_ids for g in asked.groups] == [("r20",), ("r19",)]


def test_a_town_government_is_named_by_its_town_and_figures_after_a_comma_are_read() -> None:
    from assistant.understanding.matching import find_mentions
    from assistant.understanding.orgs import parse_org

    assert parse_org("双河集镇人民政府").places == ("双河集镇",)
    assert find_mentions("双河集镇2020年三公经费", "双河集镇人民政府")
    assert [f.value for f in find_figures("接待共330批次(其中外事0批次),1950人次")] == [330, 0, 1950]
    assert [f.text for f in find_figures("合计1,950.00万元")] == ["1,950.00万元"]


def test_more_wordings_of_comparisons() -> None:
    from assistant.comparison_plan import is_comparison
    from assistant.query import named_report_years, spelled_out

    asked = spelled_out("以国务院06、07、08年的报告为准，05、06、07三年居民消费价格涨幅各是多少？")
    assert items_of(asked, ["国务院"]) == ("居民消费价格涨幅",) and 2008 in named_report_years(asked)
    assert spelled_out("中央财政赤字，总理05、06、07年三份政府工作报告各拟安排多少？").startswith(
        "中央财政赤字，国务院2005"
    )
    asked = "甲局政府采购预算中拟购买服务的部分，2017年度、2019年度分别安排多少，增了多少？"
    assert is_comparison(asked) and items_of(asked, ["甲局"]) == ("政府采购预算中拟购买服务",)


def test_provinces_by_one_character_and_bodies_listed_in_brackets() -> None:
    from assistant.query import spelled_out

    assert (
        spelled_out("川、浙、粤三省2024年城镇新增就业各是多少？") == "四川、浙江、广东三省2024年城镇新增就业各是多少？"
    )
    assert spelled_out("2025年京、沪两地GDP") == "2025年北京、上海两地生产总值"
    assert spelled_out("京沪高铁和新、老项目") == "京沪高铁和新、老项目"
    assert spelled_out("甲市这三个局（信访、统计、财政）的三公经费") == "甲市信访局、统计局、财政局的三公经费"
    assert items_of("甲局2024年度与2025年度收入预算各是多少？变化幅度大吗？", ["甲局"]) == ("收入预算",)
    assert items_of("甲局2018、2019年社保支出各是多少，19年同比增加多少？", ["甲局"]) == ("社保支出",)


def test_comparison_words_glued_by_the_segmenter_are_split() -> None:
    from assistant.tokenize import tokenize

    tokens = tokenize("甲局部门预算收入多少，跟2025年年初预算比少了多少？")
    assert "比少" not in tokens and "少" in tokens and "跟" not in tokens


STATE = [doc(f"g{y}", "国务院", y, "政府工作报告") for y in (2005, 2006, 2007, 2008)]


def test_years_asked_each_and_reports_that_give_the_year_before() -> None:
    # two years, each asked: a comparison though no comparison word is used
    plan = plan_comparison("住房保障支出，万里街道2024年、2025年各安排多少？", DOCS)
    assert plan is not None and plan.items == ("住房保障支出",) and len(plan.groups) == 2
    # the year before, asked first, of reports counted after
    before = plan_comparison("上一年全国粮食产量，国务院2005年到2008年四份政府工作报告里各是多少？", STATE)
    assert before is not None and [g.label for g in before.groups] == ["2004年", "2005年", "2006年", "2007年"]
    given = plan_comparison("国务院2005年报告给的上年财政收入，跟2007年报告给的上年财政收入，差了多少？", STATE)
    assert given is not None and [g.label for g in given.groups] == ["2004年", "2006年"]
    assert given.items == ("财政收入",)


def test_what_explains_an_item_and_where_it_sits_are_not_other_items() -> None:
    from assistant.cells import inner_item

    asked = "对个人和家庭的补助支出（离退休人员经费），甲局、乙局2026年分别安排了多少？"
    known = {"对个人和家庭的补助支出"}
    assert items_of(asked, ["甲局", "乙局"], known) == ("对个人和家庭的补助支出",)
    asked = "城乡社区管理事务下面的行政运行（项），甲局2024年、2025年预算分别安排多少？涨了多少？"
    assert items_of(asked, ["甲局"]) == ("城乡社区管理事务下面的行政运行（项）", "预算")  # 预算 qualifies
    assert inner_item("城乡社区管理事务下面的行政运行（项）") == "行政运行（项）"


def test_a_change_against_a_year_without_its_report_is_the_one_report_s_to_quote() -> None:
    plan = plan_comparison("万里街道2025年三公经费预算多少？比2023年多了多少？", DOCS)
    assert plan is None  # only the 2025 report: its own sentence says the change
    both = plan_comparison("万里街道2023年和2025年三公经费预算各是多少？", DOCS)
    assert both is not None and both.groups[0].missing  # each level asked: a comparison, 2023 missing


def test_bodies_counted_by_their_kind_and_each_change_in_other_words() -> None:
    from assistant.compare import EACH_CHANGE
    from assistant.query import spelled_out

    assert spelled_out("甲林区、乙县两家法院2026年收入") == "甲林区法院、乙县法院2026年收入"
    assert EACH_CHANGE.search("甲法院和乙法院今年预算收入比去年各变了多少？")
    assert EACH_CHANGE.search("谁的收入预算多？增幅各多少？")
    assert items_of("丙市级2026年三公经费预算多少？", ["丙市"]) == ("三公经费预算",)


def test_an_event_asked_in_its_measures_is_one_item_per_measure() -> None:
    asked = "17年公务接待，甲法院和乙法院各接待了多少批次、多少人次？"
    assert items_of(asked, ["甲法院", "乙法院"]) == ("公务接待批次", "公务接待人次")
    passage = "2017年甲县人民法院国内公务接待共330批次(其中外事接待0批次),1950人次(其中外事接待0人次)。"
    text = f"（甲县人民法院，2017年）{passage}[1]"
    assert picked_from(text, passage, "公务接待批次", "count")[0].value == 330  # type: ignore[index]
    assert picked_from(text, passage, "公务接待人次", "count")[0].value == 1950  # type: ignore[index]
    # a thing counted by its measure (个班): the figure printed with it, not the first count
    classes = "学校现有40个教学班，在校学生2056人。"
    picked = picked_from(f"{classes}[1]", classes, "个班", "count")
    assert picked is not None and picked[0].value == 40


def test_an_average_is_not_the_total_it_is_worked_out_from() -> None:
    passage = "公务用车保有量为11辆，全年运行费支出25.65万元，平均每辆2.33万元。"
    picked = picked_from(f"{passage}[1]", passage, "平均每辆的运行费", "money")
    assert picked is not None and picked[0].text == "2.33万元"
    assert picked_from(f"{passage}[1]", passage, "运行费", "money")[0].text == "25.65万元"  # type: ignore[index]
    assert items_of("海口中院21年末公车保有量和红桥区法院17年公车保有量各几辆？", ["海口中院", "红桥区法院"]) == (
        "公车保有量",
    )


def test_last_year_printed_beside_this_years_figure_is_read_not_worked_out() -> None:
    """决算支出数507.98万元，较2022年决算数427.83万元…: the year without a report of its own takes
    the figure this year's report prints for it, cited to that passage; a change alone is not one."""
    plan = Plan(
        (Group("2022年", (), "已收录的报告中没有甲县2022年度的报告"), Group("2023年", ("b",))),
        ("公务用车运行维护费",),
        ("甲县",),
    )

    def ask_one(question: str, doc_ids: Sequence[str]) -> Answer:
        passage = "公务用车运行维护费决算支出数为507.98万元，较2022年决算数427.83万元增加80.15万元，增长18.73%"
        citation = make_citation(1, "b.pdf", "b", 1, "第1页", passage, 1.0, "b")
        return Answer(question, f"{passage}[1]", False, "", (citation,), (), "extractive")

    done = compare(plan, "甲县公务用车运行维护费22年和23年决算各是多少？涨了多少？", ask_one, check_figures)
    row = done.comparison.rows[0]
    assert row.cells[0].value == "427.83万元" and row.cells[0].n == 1
    assert "推算" not in done.text and "2022年427.83万元[1]" in done.text
    assert row.difference == "80.15万元"


def test_one_attribute_said_of_every_year_is_asked_of_each() -> None:
    docs = [doc("a23", "甲县财政局", 2023), doc("a22", "甲县财政局", 2022)]
    plan = plan_comparison("甲县财政局公务接待费，2022年和2023年决算各是多少？", docs)
    assert plan is not None and plan.items == ("公务接待费",) and plan.asks == "决算是多少"
    assert sub_question(plan, plan.groups[0], "公务接待费") == "2022年甲县财政局公务接待费决算是多少？"
    twice = plan_comparison("甲县财政局公务接待费，2022年决算和2023年决算分别多少？", docs)
    assert twice is not None and twice.asks == "决算是多少"
    # different things asked of each year: not one comparison
    assert plan_comparison("甲县财政局2022年执行数和2023年预算各是多少？", docs) is None


def test_a_place_the_library_lacks_is_not_compared_over_other_bodies_reports() -> None:
    docs = [doc("a23", "甲市财政局", 2023), doc("a22", "甲市财政局", 2022)]
    assert plan_comparison("乙县公车运行维护费，2022年和2023年决算各是多少？", docs) is None


def test_a_record_with_a_column_per_year_gives_each_year_its_own_figure() -> None:
    """上年决算数120.00万元，本年决算数100.75万元 in the 2016 report: 2016 is 100.75, never the first
    figure of the row; 2015, without a report, is the 上年 column of the same row."""
    from assistant.cells import in_column_of

    record = "1.公务接待费：上年决算数120.00万元，本年决算数100.75万元，增、减额-19.25万元。"
    first = next(f for f in find_figures(record) if f.kind == "money")
    assert in_column_of(record, first, 2016, 2016).text == "100.75万元"  # type: ignore[union-attr]
    assert in_column_of(record, first, 2015, 2016) is first
    assert in_column_of(record, first, 2014, 2016) is None  # no column of 2014: no figure, never a guess
    plain = "2016年公务接待费100.75万元，比上年减少19.25万元。"
    said = find_figures(plain)[0]
    assert in_column_of(plain, said, 2015, 2016) is None and in_column_of(plain, said, 2016, 2016) is said
    plan = Plan(
        (Group("2015年", (), "已收录的报告中没有甲县2015年度的报告"), Group("2016年", ("b",))),
        ("公务接待费",),
        ("甲县",),
    )

    def ask_one(question: str, doc_ids: Sequence[str]) -> Answer:
        citation = make_citation(1, "b.txt", "b", 1, "第1页", record, 1.0, "b")
        return Answer(question, f"{record}[1]", False, "", (citation,), (), "extractive")

    done = compare(plan, "甲县公务接待费，15年决算和16年决算分别多少？", ask_one, check_figures)
    row = done.comparison.rows[0]
    assert [c.value for c in row.cells] == ["120.00万元", "100.75万元"]
    assert row.difference == "-19.25万元" or "19.25" in row.difference


def test_the_source_label_of_a_sub_answer_is_no_column_header() -> None:
    from assistant.cells import in_column_of

    said = "（国务院，2005年）2004年中央财政用于“三农”的支出2626亿元，比上年增加300亿元[1]"
    figure = next(f for f in find_figures(said) if f.kind == "money")
    assert in_column_of(said, figure, 2004, 2004) is figure


def test_each_years_stated_change_is_quoted_only_when_said_of_its_own_item() -> None:
    from assistant.compare import EACH_CHANGE, _said_of

    assert EACH_CHANGE.search("甲局17、18、19这三年收支预算总计各是多少？每年比上年多了多少？")
    assert EACH_CHANGE.search("一般公共服务支出三年分别多少，每年比上年涨了多少")
    own = "一般公共服务支出16992.37万元，"
    assert _said_of(own, "一般公共服务支出")
    # the change of another item whose name shares a piece with the one asked
    assert not _said_of("2017年本部门一般公共预算机关运行经费预算支出10101.76万元，", "一般公共服务支出")
    assert not _said_of("一般公共服务支出16992.37万元。其中基本支出9000.00万元，", "一般公共服务支出")


def test_last_year_stated_in_a_sentence_of_its_own_in_this_years_report_is_read() -> None:
    """甲区2022年的三公经费决算数合计为1000.86万…。2021年的三公经费决算数合计为807.95万: with no report
    of 2021, its figure is the 2022 report's sentence about 2021 alone (万 without 元 is an amount)."""
    plan = Plan(
        (Group("2021年", (), "已收录的报告中没有甲区2021年度的报告"), Group("2022年", ("b",))),
        ("三公经费决算",),
        ("甲区",),
    )
    this = "甲区2022年的“三公”经费决算数合计为1000.86万,其中:公务接待费43.77万元。"
    last = "2021年的三公经费决算数合计为807.95万,其中:公务接待费39.43万元。"

    def ask_one(question: str, doc_ids: Sequence[str]) -> Answer:
        passage = last if question.startswith("2021年") else this
        citation = make_citation(1 if passage is this else 2, "b.txt", "b", 1, "第1段", passage, 1.0, passage[:4])
        return Answer(question, f"（甲区，2022年）{passage}[{citation.n}]", False, "", (citation,), (), "extractive")

    done = compare(plan, "甲区22年三公经费决算跟21年比多了还是少了？两年各是多少？", ask_one, check_figures)
    row = done.comparison.rows[0]
    assert [c.value for c in row.cells] == ["807.95万", "1000.86万"]
    assert "2021年的数字为2022年报告所列的上年数" in done.text and "192.91万" in done.text
    # a sentence that names the year asked and another is not the year's own figure
    mixed = "2022年比2021年的三公经费决算数合计增加192.91万。"

    def ask_mixed(question: str, doc_ids: Sequence[str]) -> Answer:
        passage = mixed if question.startswith("2021年") else this
        citation = make_citation(1, "b.txt", "b", 1, "第1段", passage, 1.0, passage[:4])
        return Answer(question, f"{passage}[1]", False, "", (citation,), (), "extractive")

    again = compare(plan, "甲区22年三公经费决算跟21年比多了还是少了？两年各是多少？", ask_mixed, check_figures)
    assert again.comparison.rows[0].cells[0].missing
