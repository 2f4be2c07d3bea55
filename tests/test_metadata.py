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


@pytest.mark.parametrize(
    ("text", "department"),
    [
        # the year before the body, and what is reported right after its name
        ("2023年甲省财政厅一般公共预算财政拨款“三公”经费支出决算情况说明\n正文", "甲省财政厅"),
        # schools are bodies too
        ("乙县第一示范小学2023年度项目支出绩效自评报告\n正文", "乙县第一示范小学"),
        ("丙市第四中学专项资金绩效自评价报告\n2022年度", "丙市第四中学"),
        # 单位 after the body's name is not part of it
        ("丁县水利局单位2025年一般公共预算“三公”经费预算\n正文", "丁县水利局"),
        # a whole county's accounts are of the county; a district's work report of its government
        ("2019年度戊县“三公”经费支出决算情况\n根据…汇总", "戊县"),
        ("己安区2025年政府工作报告\n各位代表", "己安区人民政府"),
        # the title repeated on the next line is not part of it
        ("庚市图书馆2021年度“三公”经费决算情况说明\n庚市图书馆2021年度“三公”经费决算情况说明\n正文", "庚市图书馆"),
    ],
)
def test_department_of_titles_of_unseen_shapes(text: str, department: str) -> None:
    meta = extract_metadata(text, "report.txt")
    assert meta.department == department
    assert meta.title.count("2021年度") <= 1


def test_a_zone_is_named_by_its_committee_and_a_federation_by_its_short_name() -> None:
    from assistant.understanding.matching import find_mentions

    meta = extract_metadata("甲乙新兴产业集中区(管委会)2024年一般公共预算“三公”经费预算\n正文", "a.txt")
    assert meta.department == "甲乙新兴产业集中区管委会"
    assert find_mentions("甲乙新兴产业集中区2024年公务用车运行费", meta.department)  # the zone names its 管委会
    assert find_mentions("丙市工商联2021年三公经费", "丙市工商业联合会")


@pytest.mark.parametrize(
    ("text", "department"),
    [
        ("甲乙市人民检察院部门2026年部门预算情况说明\n正文", "甲乙市人民检察院"),  # 部门 after the body
        ("丙丁市丙丁林场2025年预算情况说明\n正文", "丙丁市丙丁林场"),
        ("戊己县人大机关2018年度“三公”经费决算公开\n一、总体情况", "戊己县人大机关"),  # 机关 ends a body
        ("2021年度庚辛区区级“三公”经费决算情况说明\n\n根据…", "庚辛区"),  # a district's own level
    ],
)
def test_more_titles_of_unseen_shapes(text: str, department: str) -> None:
    assert extract_metadata(text, "report.txt").department == department


@pytest.mark.parametrize(
    ("text", "title", "department"),
    [
        # a title glued to the sentence after it
        (
            "2019年度甲县“三公”经费支出决算情况根据中央和自治区关于推进政府预算信息公开的决策部署，经汇总\n正文",
            "2019年度甲县“三公”经费支出决算情况",
            "甲县",
        ),
        # a title glued to its text opening with the same words
        (
            "乙市丙区人民法院2017年度“三公”经费决算情况说明乙市丙区人民法院2017年度一般公共预算财政拨款",
            "乙市丙区人民法院2017年度“三公”经费决算情况说明",
            "乙市丙区人民法院",
        ),
        # 关于…的报告, glued to its table of contents
        ("关于丁区2023年财政决算情况的报告目录第一部分报告", "关于丁区2023年财政决算情况的报告", "丁区"),
    ],
)
def test_run_on_titles_are_cut_and_关于_is_not_a_name(text: str, title: str, department: str) -> None:
    meta = extract_metadata(text, "report.txt")
    assert (meta.title, meta.department) == (title, department)


def test_a_two_character_county_and_a_congress_said_by_its_level_name_the_government() -> None:
    report = extract_metadata(
        "2019年某县人民政府工作报告(全文)\n各位代表:现在,我代表县人民政府向大会作工作报告", "x.txt"
    )
    assert report.department == "某县人民政府"
    budget = extract_metadata(
        "龙溪侗族自治县2022年财政预算执行情况和2023年财政预算(草案)的报告\n"
        "2023年1月8日在自治县第十七届人民代表大会第三次会议上\n各位代表:\n受自治县人民政府委托,向大会报告",
        "x.txt",
    )
    assert budget.department == "龙溪侗族自治县人民政府"


def test_a_broadcasting_station_is_a_body() -> None:
    meta = extract_metadata("某某市广播电视台2021年“三公”经费预算\n一、2021年“三公”经费支出预算表", "x.txt")
    assert meta.department == "某某市广播电视台"


def test_accounts_whose_title_names_no_body_take_the_place_their_text_opens_with() -> None:
    text = (
        "2022年一般公共预算“三公”经费决算执行情况说明\n日期:2023-11-17\n甲乙区2022年的“三公”经费决算数合计为1000.86万"
    )
    assert extract_metadata(text, "x.txt").department == "甲乙区"
    monthly = extract_metadata("甲乙县2024年4月财政收支完成情况\n一、一般公共预算收支完成情况", "x.txt")
    assert monthly.department == "甲乙县" and monthly.year == 2024
