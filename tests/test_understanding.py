"""Question understanding on a library of many bodies: names matched as people say them, places
that must agree, ambiguity, parts of a question, refusal text. Unit tests (no model, no store)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.answering import Assistant
from assistant.compare import plan_comparison
from assistant.library import Library
from assistant.query import analyse, spelled_out, with_full_years
from assistant.records import DocumentInfo
from assistant.understanding.intent import question_parts, split_parts
from assistant.understanding.names import closest, resolve
from assistant.understanding.orgs import parse_org, stem
from ingest.pipeline import ingest_paths

# real department names of the shared corpus and of common city/county bodies
BODIES = [
    ("深圳市统计局", 2026),
    ("烟台市统计局", 2026),
    ("无锡市统计局", 2026),
    ("深圳市财政局", 2026),
    ("烟台市财政局", 2026),
    ("上海市普陀区财政局", 2024),
    ("上海市普陀区城市管理和综合执法局", 2024),
    ("上海市普陀区人民政府办公室", 2024),
    ("上海市普陀区住房和城乡建设管理委员会", 2024),
    ("西安市卫生健康委员会", 2022),
    ("西安市卫健委", 2022),
    ("江苏省委办公厅", 2019),
    ("江苏省政协办公厅", 2019),
    ("江苏省高级人民法院", 2019),
    ("江苏省人大常委会办公厅", 2019),
    ("政协南县委员会", 2021),
    ("长沙市信访局", 2026),
    ("长春市信访局", 2026),
    ("重庆市科学技术局", 2026),
    ("重庆市气象局", 2026),
    ("深圳市气象局", 2026),
    ("广州市政务服务和数据管理局", 2026),
    ("宁夏回族自治区人民政府", 2025),
    ("北京市人民政府", 2025),
    ("国务院", 2010),
    ("上海市普陀区人民政府万里街道办事处", 2025),
]
DOCS = [
    DocumentInfo(f"{i:02d}" * 32, f"{i}.pdf", f"{d}{y}年部门预算", d, y, "部门预算", 10)
    for i, (d, y) in enumerate(BODIES)
]


def departments(question: str) -> set[str]:
    return set(analyse(question, DOCS).departments)


def test_common_short_forms_name_the_right_body() -> None:
    assert departments("城管执法局2024年预算是多少？") == {"上海市普陀区城市管理和综合执法局"}
    assert departments("区府办2024年的三公经费") == {"上海市普陀区人民政府办公室"}
    assert departments("省委办2019年财政拨款收入多少") == {"江苏省委办公厅"}
    assert departments("省法院2019年预算") == {"江苏省高级人民法院"}
    assert departments("人大办公厅2019年预算") == {"江苏省人大常委会办公厅"}
    assert departments("南县政协2021年的预算") == {"政协南县委员会"}
    assert departments("重庆科技局2026年三公经费") == {"重庆市科学技术局"}
    assert departments("广州市政数局2026年三公经费") == {"广州市政务服务和数据管理局"}
    assert departments("宁夏2025年政府工作报告里说了什么") == {"宁夏回族自治区人民政府"}
    assert departments("万里街道2025年三公经费") == {"上海市普陀区人民政府万里街道办事处"}


def test_two_spellings_of_one_body_are_one_body() -> None:
    assert departments("西安卫健委2022年决算收入") == {"西安市卫健委", "西安市卫生健康委员会"}
    [mention] = resolve("西安卫健委2022年决算收入", DOCS).mentions
    assert not mention.ambiguous


def test_a_place_named_must_agree() -> None:
    assert departments("深圳财政局2026年三公经费") == {"深圳市财政局"}
    for question in ("广州市统计局2026年预算", "长春统计局2026年预算", "西安统计局的预算"):
        analysis = analyse(question, DOCS)
        assert not analysis.departments, question
        assert analysis.unknown_orgs, question


def test_a_body_named_after_a_place_is_not_the_places_own_accounts() -> None:
    county = [DocumentInfo("aa" * 32, "a.txt", "2019年度甲乙县“三公”经费支出决算情况", "甲乙县", 2019, "部门决算", 1)]
    assert analyse("甲乙县19年三公经费决算多少？", county).departments == ("甲乙县",)
    assert analyse("甲乙县本级的公务接待费", county).departments == ("甲乙县",)
    analysis = analyse("甲乙县卫健局19年三公经费决算多少？", county)
    assert not analysis.departments
    assert analysis.unknown_orgs == ("甲乙县卫健局",)


def test_another_organ_of_the_same_place_is_another_body() -> None:
    court = [DocumentInfo("ab" * 32, "a.txt", "甲县人民法院2020年部门决算", "甲县人民法院", 2020, "部门决算", 1)]
    assert analyse("甲县法院20年收入总计", court).departments == ("甲县人民法院",)
    assert analyse("甲县人民法院机关运行经费多少", court).departments == ("甲县人民法院",)  # 机关 of what follows
    analysis = analyse("甲县人民检察院2020年部门决算收入总计多少", court)
    assert not analysis.departments and analysis.unknown_orgs == ("甲县人民检察院",)


def test_a_place_said_after_the_body_or_once_for_two_bodies_is_each_body_s() -> None:
    assert spelled_out("县政协(甲乙)22年公务接待花了多少") == "甲乙县政协2022年公务接待花了多少"
    assert spelled_out("人社局（丙丁市）公车费用") == "丙丁市人社局公务用车费用"
    assert spelled_out("某局（本级）2024年预算") == "某局（本级）2024年预算"
    assert spelled_out("甲乙县政协和县文旅局22年三公") == "甲乙县政协和甲乙县文旅局2022年三公"
    assert spelled_out("丙丁市纪委监委和市图书馆21年三公") == "丙丁市纪委监委和丙丁市图书馆2021年三公"


def test_words_of_a_question_are_not_names() -> None:
    for question in ("财政拨款收入是多少", "统计口径有没有变化", "其中市本级是多少", "报告里说县政协的提案办了多少"):
        names = analyse(question, DOCS)
        assert not any(m.text in ("财政拨", "统计", "市本级") for m in names.mentions), question


def test_a_short_name_several_bodies_share_is_ambiguous() -> None:
    analysis = analyse("统计局2026年机关运行经费是多少", DOCS)
    [mention] = analysis.ambiguous
    assert {body[0] for body in mention.bodies} == {"深圳市统计局", "烟台市统计局", "无锡市统计局"}


def test_places_listed_apart_pick_one_body_each() -> None:
    plan = plan_comparison("深圳、烟台、无锡三地统计局2026年的机关运行经费各是多少？", DOCS)
    assert plan is not None and plan.by == "department"
    assert [g.label for g in plan.groups] == ["深圳市统计局", "烟台市统计局", "无锡市统计局"]
    assert plan.items == ("机关运行经费",)


def test_two_bodies_named_are_answered_each_even_without_a_comparison_word() -> None:
    plan = plan_comparison("长沙信访局和长春信访局2026年项目支出", DOCS)
    assert plan is not None and [g.label for g in plan.groups] == ["长沙市信访局", "长春市信访局"]
    plan = plan_comparison("无锡财政局和深圳财政局2026年的三公经费", DOCS)
    assert plan is not None and [g.missing != "" for g in plan.groups] == [True, False]


# abbreviations made by the subsequence rule from real names: the place (stem) kept, then the first
# characters of the body and the last one (its organ word), in order
@st.composite
def abbreviation(draw: st.DrawFn) -> tuple[str, str]:
    department, _ = draw(
        st.sampled_from([b for b in BODIES if parse_org(b[0]).places and len(parse_org(b[0]).body) >= 3])
    )
    org = parse_org(department)
    body = org.body
    inner = draw(st.lists(st.sampled_from(range(1, len(body) - 1)), unique=True, max_size=len(body) - 2))
    kept = "".join(body[i] for i in sorted({0, len(body) - 1, *inner}))
    place = org.places[-1]
    return draw(st.sampled_from([stem(place), place])) + kept, department


@settings(max_examples=150, deadline=None)
@given(abbreviation())
def test_abbreviations_resolve_to_their_body_and_never_to_another_place(case: tuple[str, str]) -> None:
    short, department = case
    analysis = analyse(f"{short}2026年的预算是多少？", DOCS)
    named = set(analysis.departments)
    places = set(parse_org(department).place_stems)
    assert all(set(parse_org(d).place_stems) & places for d in named), (short, named)
    if not analysis.ambiguous:
        assert department in named or any(parse_org(d).body == parse_org(department).body for d in named), (
            short,
            named,
        )


def test_parts_are_split_and_carry_the_body_and_year() -> None:
    analysis = analyse("长春信访局2026年基本支出里取暖费和物业管理费分别是多少？", DOCS)
    parts = split_parts(analysis.question, analysis.mentions)
    assert parts == ["长春信访局2026年基本支出里取暖费是多少", "长春信访局2026年基本支出里物业管理费是多少"]
    analysis = analyse("长沙市信访局2026年工资福利支出总共多少？奖金占了多少？", DOCS)
    parts = split_parts(analysis.question, analysis.mentions)
    assert len(parts) == 2 and all(p.startswith("长沙市信访局2026年") for p in parts)
    assert split_parts("街道在垃圾分类上一共投入了多少钱？") == ["街道在垃圾分类上一共投入了多少钱？"]


def test_refusal_candidates_are_few_and_near() -> None:
    near = closest("西安市统计局", DOCS)
    assert 1 <= len(near) <= 3 and all(n.endswith("统计局") for n in near)


# -- the answering chain on a real Chroma store (keyword-count embedder) of several bodies --------

REPORTS = {
    "甲市统计局": "部门预算收入1200.50万元，比上年增加150.20万元，增长14.3%。基本支出860.10万元。项目支出340.40万元。"
    "2026年“三公”经费预算32.56万元。",
    "乙市统计局": "部门预算收入980.00万元，比上年减少20.00万元。基本支出700.00万元。项目支出280.00万元。"
    "2026年“三公”经费预算18.20万元。",
    "甲市财政局": "部门预算收入5600.00万元。2026年“三公”经费预算58.46万元。",
    "甲市信访局": "部门预算收入900.00万元。2026年“三公”经费预算12.00万元。",
    "乙市信访局": "部门预算收入700.00万元。2026年“三公”经费预算9.00万元。",
    "丁市气象局": "部门预算收入3000.00万元。2026年“三公”经费预算20.00万元。",
    "戊市司法局": "部门预算收入4000.00万元。2026年“三公”经费预算30.00万元。",
}


@pytest.fixture
def bodies(fake_library: Library, tmp_path: Path) -> Assistant:
    for i, (body, text) in enumerate(REPORTS.items()):
        path = tmp_path / f"b{i}.txt"
        path.write_text(f"2026年{body}部门预算\n一、收支预算情况\n{text}\n", encoding="utf-8")
    ingest_paths(sorted(tmp_path.glob("b*.txt")), fake_library)
    return Assistant(fake_library)


def test_an_ambiguous_name_is_answered_for_each_candidate_labelled(bodies: Assistant) -> None:
    answer = bodies.ask("统计局2026年三公经费预算是多少？")
    assert not answer.refused and set(answer.candidates) == {"甲市统计局", "乙市统计局"}
    assert "【甲市统计局】" in answer.answer and "【乙市统计局】" in answer.answer
    assert "32.56万元" in answer.answer and "18.20万元" in answer.answer
    assert {c.title for c in answer.citations} == {"2026年甲市统计局部门预算", "2026年乙市统计局部门预算"}
    assert {q for _, q in answer.clarified()} == {
        "甲市统计局2026年三公经费预算是多少？",
        "乙市统计局2026年三公经费预算是多少？",
    }


def test_each_part_of_a_question_is_answered_and_cited(bodies: Assistant) -> None:
    answer = bodies.ask("甲市统计局2026年基本支出和项目支出各是多少？")
    assert not answer.refused and answer.comparison is None
    assert "860.10万元" in answer.answer and "340.40万元" in answer.answer
    assert all(f.verified for f in answer.figures) and answer.citations


def test_a_change_the_report_states_is_quoted_not_computed(bodies: Assistant) -> None:
    answer = bodies.ask("甲市统计局2026年部门预算收入多少？比上年增加多少？")
    assert not answer.refused and answer.comparison is None
    assert "1200.50万元" in answer.answer and "150.20万元" in answer.answer
    assert not any(f.computed for f in answer.figures)


def test_a_body_the_library_lacks_is_refused_in_one_line_with_few_candidates(bodies: Assistant) -> None:
    answer = bodies.ask("丙市统计局2026年三公经费预算是多少？")
    assert answer.refused and "丙市统计局" in answer.reason
    assert "\n" not in answer.reason and len(answer.reason) <= 80
    assert answer.reason.count("、") <= 2  # at most three candidates, never the whole library
    assert "统计局" in answer.reason.split("您是不是指")[-1]


def test_a_year_said_in_another_years_report_is_read_from_that_report() -> None:
    reports = [
        DocumentInfo(f"{y}" * 16, f"wr{y}.txt", "政府工作报告", "国务院", y, "政府工作报告", 9)
        for y in range(2004, 2009)
    ]
    plan = plan_comparison("城镇新增就业，2005年报告说的2004年和2007年报告说的2006年各是多少？", reports)
    assert plan is not None and [g.label for g in plan.groups] == ["2004年", "2006年"]
    assert [g.doc_ids for g in plan.groups] == [("2005" * 16,), ("2007" * 16,)]


def test_a_place_inside_a_longer_name_is_part_of_that_name() -> None:
    docs = [
        DocumentInfo("r", "r.pdf", "", "上海市统计和大数据研究院", 2026, "单位预算", 10),
        DocumentInfo("g", "g.docx", "", "上海市人民政府", 2025, "政府工作报告", 10),
    ]
    analysis = analyse("上海统计研究院2026年基本支出是多少", docs)
    assert analysis.departments == ("上海市统计和大数据研究院",)
    assert analyse("上海2025年经济增长目标是多少", docs).departments == ("上海市人民政府",)


def test_the_end_of_a_year_is_not_a_place() -> None:
    from assistant.understanding.matching import place_before

    question = "宁德政府办2024年市政府常务会议场次的目标值是多少？"
    assert place_before(question, question.index("市政府") + 1, ()) == ""  # 年市 is not a place
    assert place_before("广州市统计局", 3, ()) == "广州市"


def test_parts_know_their_items_and_carry_the_table_they_are_asked_in() -> None:
    parts = question_parts("某市气象局2026年收支总表里，气象预报预测和气象服务两项各安排了多少？")
    assert [p.item for p in parts] == ["气象预报预测", "气象服务"]
    assert all(p.text.startswith("某市气象局2026年收支总表里，") for p in parts)
    analysis = analyse("长沙市信访局2026年收入总表里，财政拨款是多少？上年结转有多少？", DOCS)
    parts = question_parts(analysis.question, analysis.mentions)
    assert parts[1].text == "长沙市信访局2026年收入总表里，上年结转有多少" and parts[1].item == "上年结转"
    # 和 inside a budget class's name is not a list when 、 separates the items
    analysis = analyse("长沙市信访局2026年社会保障和就业支出、住房保障支出各安排了多少？", DOCS)
    parts = question_parts(analysis.question, analysis.mentions)
    assert [p.item for p in parts] == ["社会保障和就业支出", "住房保障支出"]
    parts = question_parts("2026年的人员经费、公用经费和项目经费各是多少？")
    assert [p.item for p in parts] == ["人员经费", "公用经费", "项目经费"]
    parts = question_parts("某局2026年项目支出里“精准预报”安排了多少？其中气象预报多少？")
    assert [p.item for p in parts] == ["精准预报", "气象预报"]
    assert question_parts("某区2024年面向中小企业预留的项目预算是多少？其中货物多少？")[0].item.endswith(
        "面向中小企业预留项目"
    )


def test_a_short_year_right_after_a_place_or_a_school_is_a_year() -> None:
    assert with_full_years("甲区20年教育支出多少？") == "甲区2020年教育支出多少？"
    assert with_full_years("乙七中23年收入") == "乙七中2023年收入"
    assert with_full_years("某县20年来的变化") == "某县20年来的变化"


def test_a_short_year_right_after_the_body_is_a_year() -> None:
    assert (
        with_full_years("深圳气象局26年收支总表里气象服务安排了多少") == "深圳气象局2026年收支总表里气象服务安排了多少"
    )
    assert with_full_years("这个局成立26年来") == "这个局成立26年来"


def test_a_scene_that_names_a_row_is_asked_of_every_part() -> None:
    parts = question_parts("某局2024年财政事务里的行政运行（项），年初预算多少？决算花了多少？")
    assert [p.scene for p in parts] == ["行政运行", "行政运行"]
    assert question_parts("某局2026年收入总表里，拨款是多少？上年结余有多少？")[1].scene == ""  # a table only
    parts = question_parts("某委2022年绩效自评表里，“公立医院”这一行全年预算数、执行数和执行率各是多少？")
    assert [p.item for p in parts] == ["全年预算数", "执行数", "执行率"]
    assert all("“公立医院”这一行" in p.text and p.scene == "公立医院" for p in parts)


def test_a_year_is_read_in_the_work_report_that_reviews_it(fake_library: Library, tmp_path: Path) -> None:
    filler = "加强资金监管，提高资金使用效益，确保各项政策落到实处。" * 8
    plans = "\n".join(f"（{i}）今年中央财政用于农业的支出安排{i}00亿元。{filler}" for i in range(1, 25))
    (tmp_path / "r2004.txt").write_text(f"2004年政府工作报告\n国务院\n{plans}\n", encoding="utf-8")
    review = "一、2004年工作回顾\n全年中央财政用于农业的支出共2626亿元，增长22.5%。"
    (tmp_path / "r2005.txt").write_text(f"2005年政府工作报告\n国务院\n{review}\n", encoding="utf-8")
    ingest_paths(sorted(tmp_path.glob("r*.txt")), fake_library)
    assistant = Assistant(fake_library)
    question = "2004年全年中央财政用于农业的支出是多少？"
    documents = fake_library.documents()
    hits = assistant.retriever.search(analyse(question, documents), documents_list=documents)
    assert hits[0].info.doc == "r2005.txt"  # ranked with the year's own report, not below it
    answer = assistant.ask(question)
    assert not answer.refused and "2626亿元" in answer.answer and answer.citations[0].doc == "r2005.txt"


def test_a_later_part_naming_a_piece_of_the_first_item_asks_about_that_item() -> None:
    parts = question_parts("北京2025年政府工作报告里，今年城镇新增就业目标是多少？去年实际新增了多少？")
    assert [p.item for p in parts] == ["今年城镇新增就业目标", "去年实际城镇新增就业"]
    assert parts[1].text == "北京2025年政府工作报告里，去年实际城镇新增就业了多少"


def test_a_part_asked_as_a_target_or_as_achieved_needs_a_sentence_said_that_way() -> None:
    from assistant.answering import said_when_asked

    achieved = "（北京市，2025年）城镇新增就业29.9万人。[1]"
    target = "（北京市，2025年）实现城镇新增就业不少于26万人。[1]"
    assert not said_when_asked("北京2025年政府工作报告里，今年城镇新增就业目标是多少", "城镇新增就业目标", achieved)
    assert said_when_asked("北京2025年政府工作报告里，今年城镇新增就业目标是多少", "城镇新增就业目标", target)
    assert not said_when_asked("北京2025年政府工作报告里，去年实际城镇新增就业了多少", "城镇新增就业", target)
    assert said_when_asked("北京2025年政府工作报告里，去年实际城镇新增就业了多少", "城镇新增就业", achieved)


def test_why_a_question_is_asked_and_its_courtesies_are_not_what_it_asks() -> None:
    from assistant.query import spelled_out, without_preamble

    assert without_preamble("我在写涉农资金汇报材料，需要中央财政用于三农的支出") == "中央财政用于三农的支出"
    assert without_preamble("麻烦帮我看下甲局社保支出预算17年和18年的数，谢谢") == "甲局社保支出预算17年和18年的数"
    assert without_preamble("领导问：今年三公经费比去年多了还是少了") == "今年三公经费比去年多了还是少了"
    assert without_preamble("我想知道甲局2025年三公经费是多少") == "甲局2025年三公经费是多少"
    assert without_preamble("需求侧管理资金多少") == "需求侧管理资金多少"  # 需求 is not 需要
    assert spelled_out("我在做部门预算横向比较，需要甲局、乙局26年部门预算数") == "甲局、乙局2026年部门预算数"


def test_asides_and_the_words_for_an_amount_are_not_what_is_compared() -> None:
    from assistant.comparison_plan import is_comparison, items_of
    from assistant.query import spelled_out

    asked = spelled_out("“三公”经费预算这个数给我一下，甲局同乙局，26年的，顺便算下差多少。")
    assert asked == "“三公”经费预算，甲局同乙局，2026年的，差多少。"
    assert items_of(asked, ["甲局", "乙局"]) == ("三公经费预算",)
    asked = spelled_out("甲局26年部门预算是不是比乙局多？多多少？两家各是多少也说一下。")
    assert items_of(asked, ["甲局", "乙局"]) == ("收入预算",)  # the whole budget: its income total
    asked = spelled_out("甲局政府采购预算的盘子，19年跟17年比少了多少？")
    assert is_comparison(asked) and items_of(asked, ["甲局"]) == ("政府采购预算",)
    assert items_of("甲局社保支出预算，2017年、2018年分别是多少？2018年比前一年少多少？", ["甲局"]) == ("社保支出预算",)


def test_a_short_year_in_a_clause_of_its_own_is_a_year() -> None:
    from assistant.query import spelled_out

    assert spelled_out("项目支出分别是多少——甲局和乙局，26年的。") == "项目支出分别是多少——甲局和乙局，2026年的。"
    assert spelled_out("26年，甲局三公经费") == "2026年，甲局三公经费"
    assert spelled_out("连续12年，增长") == "连续12年，增长"


def test_a_second_body_of_the_same_city_and_each_change_against_last_year() -> None:
    from assistant.comparison_plan import items_of
    from assistant.query import spelled_out

    assert spelled_out("甲乙市统计局与市财政局2026年培训费") == "甲乙市统计局与甲乙市财政局2026年培训费"
    asked = spelled_out("甲局、乙局2026年部门预算支出较2025年年初预算各增减多少？两家26年的预算相差多少？")
    assert items_of(asked, ["甲局", "乙局"]) == ("部门预算支出", "预算")  # 预算 qualifies, dropped by the plan


def test_a_difference_or_reason_asked_after_a_change_is_not_a_part_of_its_own() -> None:
    question = "某街道2024年部门预算比2023年是多了还是少了？差多少，啥原因"
    assert question_parts(question) == [question_parts(question)[0]] and len(question_parts(question)) == 1
    two = question_parts("某局2024年基本支出是多少？项目支出是多少？")
    assert len(two) == 2


def test_a_place_whose_accounts_are_a_document_is_named_without_its_level() -> None:
    """A province's own accounts (department 湖北省) are named 湖北 in a question, as officials say it;
    one character is no name (the 云 of 云县)."""
    docs = [
        DocumentInfo("p", "p.txt", "湖北省2020年决算", "湖北省", 2020, "部门决算", 1),
        DocumentInfo("q", "q.txt", "某县2023年三公经费决算", "云县", 2023, "部门决算", 1),
    ]
    assert analyse("湖北2020年的中央补助是多少？", docs).departments == ("湖北省",)
    assert analyse("湖北全省一般公共预算支出2020年是多少？", docs).departments == ("湖北省",)
    assert analyse("云南2023年三公经费是多少？", docs).departments == ()


def test_last_year_said_in_the_first_part_is_carried_to_the_next() -> None:
    parts = question_parts("某省2025年政府工作报告中，去年地方一般公共预算收入是多少？进出口总额增长了多少？")
    assert len(parts) == 2 and "去年进出口总额" in parts[1].text
    own = question_parts("某省2025年政府工作报告中，去年地方一般公共预算收入是多少？今年进出口预期增长多少？")
    assert "去年" not in own[1].text


def test_a_zone_and_a_county_body_are_named_by_their_place_alone() -> None:
    docs = [
        DocumentInfo("z", "z.txt", "甲州台商投资区2022年财政决算说明", "甲州台商投资区", 2022, "部门决算", 1),
        DocumentInfo("a", "a.txt", "乙丙县财政局2021年预算执行报告", "乙丙县财政局", 2021, "部门预算", 1),
        DocumentInfo("b", "b.txt", "丁戊县财政局2022年预算执行报告", "丁戊县财政局", 2022, "部门预算", 1),
    ]
    assert analyse("台商区2022年宣传事务花了多少钱？", docs).departments == ("甲州台商投资区",)
    both = analyse("乙丙2021年和丁戊2022年的地方一般公共预算收入各是多少？", docs)
    assert set(both.departments) == {"乙丙县财政局", "丁戊县财政局"}
    # a body of the place named that the library lacks is not the place's other body
    assert analyse("乙丙县教育局2021年的收入是多少？", docs).departments == ()


def test_a_part_asked_with_ne_is_a_part() -> None:
    parts = question_parts("某检察院2015年基本支出多少？人员经费和公用经费各多少？项目支出呢？")
    assert [p.item for p in parts][-1] == "项目支出" and len(parts) == 4
