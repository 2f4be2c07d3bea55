"""Metadata of every shared document (both corpus folders): a department, a year and a type, read
from the document itself. The texts are the starts of the documents as the pipeline cleans them
(tests/data/heads.jsonl.gz, written by ``python -m tests.heads``)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from assistant.understanding.matching import same_body
from ingest.metadata import extract_metadata

HEADS = Path(__file__).resolve().parent / "data" / "heads.jsonl.gz"
with gzip.open(HEADS, "rt", encoding="utf-8") as _rows:
    ROWS = [json.loads(line) for line in _rows]

# what each document is, read off the documents by hand (department, year, type)
EXPECTED = {
    "2025年上海市政府工作报告.docx": ("上海市人民政府", 2025, "政府工作报告"),
    "2025年北京市政府工作报告.docx": ("北京市人民政府", 2025, "政府工作报告"),
    "2025年四川省政府工作报告.docx": ("四川省人民政府", 2025, "政府工作报告"),
    "2025年广东省政府工作报告.docx": ("广东省人民政府", 2025, "政府工作报告"),
    "2025年浙江省政府工作报告.docx": ("浙江省人民政府", 2025, "政府工作报告"),
    "longjin_2022.pdf": ("广州市荔湾区人民政府龙津街道办事处", 2022, "绩效自评报告"),
    "longjin_2022.txt": ("广州市荔湾区人民政府龙津街道办事处", 2022, "绩效自评报告"),
    "putuo_czj_2024_final_accounts.pdf": ("上海市普陀区财政局", 2024, "部门决算"),
    "putuo_wanli_2024_budget.pdf": ("上海市普陀区人民政府万里街道办事处", 2024, "部门预算"),
    "putuo_wanli_2025_budget.pdf": ("上海市普陀区人民政府万里街道办事处", 2025, "部门预算"),
    "上海市审计局_2026年单位预算.pdf": ("上海市审计局", 2026, "单位预算"),
    "上海市统计和大数据研究院_2026年单位预算.pdf": ("上海市统计和大数据研究院", 2026, "单位预算"),
    "佛山市轨道交通局_2019年度部门决算.pdf": ("佛山市轨道交通局", 2019, "部门决算"),
    "无锡__2026年无锡市统计局部门预算.pdf": ("无锡市统计局", 2026, "部门预算"),
    "无锡市信访局_2025年度部门预算.pdf": ("无锡市信访局", 2025, "部门预算"),
    "无锡市教育局_2026年度部门预算.pdf": ("无锡市教育局", 2026, "部门预算"),
    "无锡市教育局本级_2026年度单位预算.pdf": ("无锡市教育局", 2026, "单位预算"),
    "深圳__2026年深圳市信访局部门预算.pdf": ("深圳市信访局", 2026, "部门预算"),
    "深圳__2026年深圳市气象局部门预算.pdf": ("深圳市气象局", 2026, "部门预算"),
    "深圳__2026年深圳市统计局部门预算.pdf": ("深圳市统计局", 2026, "部门预算"),
    "深圳__2026年深圳市财政局部门预算.pdf": ("深圳市财政局", 2026, "部门预算"),
    "烟台__2026年烟台市信访局部门预算.pdf": ("烟台市信访局", 2026, "部门预算"),
    "烟台__2026年烟台市司法局部门预算.pdf": ("烟台市司法局", 2026, "部门预算"),
    "烟台__2026年烟台市统计局部门预算.pdf": ("烟台市统计局", 2026, "部门预算"),
    "烟台__2026年烟台市财政局部门预算.pdf": ("烟台市财政局", 2026, "部门预算"),
    "西安市卫生健康委员会_2022年度部门决算.pdf": ("西安市卫生健康委员会", 2022, "部门决算"),
    "重庆__2026年重庆市气象局部门预算.pdf": ("重庆市气象局", 2026, "部门预算"),
    "重庆__2026年重庆市科学技术局部门预算.pdf": ("重庆市科学技术局", 2026, "部门预算"),
    "长春__2026年长春市信访局部门预算.pdf": ("长春市信访局", 2026, "部门预算"),
    "长沙__信访局_2026年部门预算.pdf": ("长沙市信访局", 2026, "部门预算"),
    "长沙市公安局_2025年部门预算.pdf": ("长沙市公安局", 2025, "部门预算"),
    "宁德市人民政府办公室_2024年度部门整体绩效自评表.pdf": ("宁德市人民政府办公室", 2024, "绩效自评报告"),
    "广州市政务服务和数据管理局_2026年部门整体预算绩效目标申报表.pdf": (
        "广州市政务服务和数据管理局",
        2026,
        "绩效目标表",
    ),
    "广州市政务服务和数据管理局_2026年项目支出绩效目标表.pdf": ("广州市政务服务和数据管理局", 2026, "绩效目标表"),
    "西安市卫健委_2021年度基本公共卫生服务项目补助资金绩效评价报告_p168-171.pdf": (
        "西安市卫生健康委员会",
        2021,
        "绩效自评报告",
    ),
    # the cover says 2022年度 (the year of the evaluation); the project year 2021 is in the body
    "西安市卫健委_2021年度高龄老人生活保健补贴项目绩效评价报告_p164-167.pdf": (
        "西安市卫生健康委员会",
        2022,
        "绩效自评报告",
    ),
    "西安市卫健委_2022年度部门整体支出绩效自评(结果+自评表)_p24-31.pdf": ("西安市卫生健康委员会", 2022, "绩效自评报告"),
    "西安市卫健委_2022年度项目绩效自评(87个项目综述+自评表+专项资金)_p32-143.pdf": (
        "西安市卫生健康委员会",
        2022,
        "绩效自评报告",
    ),
}
EXPECTED |= {
    f"江苏省委办公厅{n}.pdf": ("江苏省委办公厅", int(n[:4]), "部门预算")
    for n in (
        "2017年部门预算",
        "2017年预算公开表格",
        "2018年度部门预算公开文件",
        "2018年度部门预算公开表",
        "2019年度部门预算公开文件",
        "2019年度部门预算公开表格",
    )
}
EXPECTED |= {
    f"江苏省政协办公厅{n}.pdf": ("江苏省政协办公厅", int(n.lstrip("_")[:4]), "部门预算")
    for n in (
        "2017年度部门预算",
        "_2017年度部门预算公开表",
        "2018年度部门预算",
        "2018度部门预算公开表",
        "2019年度部门预算",
        "2019年预算公开表",
    )
}
EXPECTED |= {f"国务院政府工作报告_{y}.txt": ("国务院", y, "政府工作报告") for y in range(2004, 2014)}


def test_every_shared_document_is_in_the_fixture() -> None:
    assert {r["file"] for r in ROWS} == set(EXPECTED)
    assert len(ROWS) == 60


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_department_year_and_type_come_from_the_document(row: dict[str, str]) -> None:
    meta = extract_metadata(row["head"], row["file"])
    department, year, doc_type = EXPECTED[row["file"]]
    assert meta.department and meta.year and meta.doc_type != "其他"
    # the same body, however the document spells it (西安市卫健委 / 西安市卫生健康委员会)
    assert meta.department.startswith(department) or same_body(meta.department, department), meta.department
    assert (meta.year, meta.doc_type) == (year, doc_type)
    assert meta.names and meta.names[0].name == meta.department and meta.confidence > 0
    assert not meta.title.startswith(("功能科目", "表一", "各位代表", "部门名称"))


def test_scope_level_is_read_from_the_title() -> None:
    by_file = {r["file"]: extract_metadata(r["head"], r["file"]) for r in ROWS}
    assert by_file["无锡市教育局本级_2026年度单位预算.pdf"].scope == "本级"
    assert by_file["西安市卫生健康委员会_2022年度部门决算.pdf"].scope == "汇总"
    assert by_file["无锡市教育局_2026年度部门预算.pdf"].scope == ""


def test_a_labelled_unit_under_the_body_is_not_one_of_its_names() -> None:
    meta = extract_metadata("2026年某某市财政局部门预算\n单位名称：某某市财政国库支付中心\n", "x.pdf")
    assert [n.name for n in meta.names] == ["某某市财政局"]
