"""How a passage is read: sentences across broken lines, the year a sentence speaks of, a level
against its change, and a table's rows not crowding out the report's own total. Unit tests."""

from __future__ import annotations

from dataclasses import replace

from assistant.answering import is_cell
from assistant.cells import expected_kind, inner_item, pick_value, whole_names
from assistant.chain_state import ChainState
from assistant.combine import kept_sentences
from assistant.compare import is_comparison, plan_comparison
from assistant.extractive import TABLE_HEAD, Pick, asking_clause, focused
from assistant.figures import find_figures
from assistant.offline import extractive_model, missing_item, states_target, with_declared_unit
from assistant.query import analyse
from assistant.reading import parse_record, sentence_years, sentences
from assistant.records import Answer, Chunk, DocumentInfo, Hit
from assistant.retrieval import PER_TABLE, spread
from assistant.rows import record_bonus
from assistant.timing import TARGET_QUESTION
from assistant.understanding.intent import gives_any, gives_item, part_item, question_parts, states
from tests.conftest import make_citation

WORK_REPORT = DocumentInfo("w", "work_2005.txt", "政府工作报告", "国务院", 2005, "政府工作报告", 1)
BUDGET = DocumentInfo("b", "budget.pdf", "2017年部门预算", "某省某某办公厅", 2017, "部门预算", 10)


def hit(text: str, info: DocumentInfo = BUDGET, headings: tuple[str, ...] = (), cid: str = "c") -> Hit:
    chunk = Chunk(info.doc_id, 0, text, 0, 0, 1, 1, "第1页", headings=headings)
    return Hit(chunk_id=cid, chunk=chunk, score=0.5, info=info)


def test_a_line_that_starts_inside_a_sentence_is_joined_to_it() -> None:
    text = "某某办公厅 2017 年度收入、支出预算总计 20849.45 万\n元，与上年相比收、支预算总计各增加2043.58万元。"
    assert sentences(text) == [
        "某某办公厅 2017 年度收入、支出预算总计 20849.45 万元，与上年相比收、支预算总计各增加2043.58万元。"
    ]
    table = "项目 预算数\n一般公共服务支出 3,296,600\n元"  # a unit line of a table stays apart
    assert sentences(table)[-1] == "元"


def test_a_plan_compared_with_last_year_is_about_this_year() -> None:
    planned = "拟安排中央财政赤字3000亿元，比上年预算减少198亿元；"
    assert sentence_years(planned, "", "", hit(planned, WORK_REPORT)) == {2005}
    # a result "beyond the target" reviews the year before, as the sentence before it says
    met = "城镇新增就业980万人，超过预期目标；"
    before = "进出口贸易总额1.15万亿美元，由上年居世界第四位上升为第三位；"
    assert sentence_years(met, before, "", hit(met, WORK_REPORT)) == {2004}
    assert sentence_years("今年经济社会发展的主要预期目标是：", "", "", hit("", WORK_REPORT)) == {2005}


def test_two_named_years_with_bi_ask_for_a_comparison() -> None:
    assert is_comparison("某办2019年收支预算总计比2017年多了多少？")
    assert not is_comparison("某办2019年收支预算总计是多少？")


def test_an_amount_of_staff_costs_is_money_not_a_head_count() -> None:
    assert expected_kind("人员经费", "人员经费各是多少") == "money"
    assert expected_kind("在职人员人数", "在职人员人数各是多少") == "count"


def test_the_level_asked_is_not_the_change_stated_beside_it() -> None:
    text = "（某办，2017年）收入、支出预算总计 20849.45 万元，与上年相比收、支预算总计各增加2043.58万元。[1]"
    citation = make_citation(1, "b.pdf", "预算", 5, "第5页", text, 1.0)
    answer = Answer("问", text, False, "", (citation,), (), "extractive")
    level = pick_value(answer, "收支预算总计", "money")
    assert level is not None and str(level[0].value) == "20849.45"
    only_change = Answer("问", text.replace("20849.45 万元，", ""), False, "", (citation,), (), "extractive")
    assert pick_value(only_change, "收支预算总计", "money") is None  # no level stated: none given


def test_rows_of_one_table_give_way_to_other_passages_after_a_few() -> None:
    rows = [hit(f"第{i}行：收入预算合计{i}元", headings=("收入预算总表",), cid=f"r{i}") for i in range(PER_TABLE + 2)]
    prose = hit("收入预算18,976.76万元。", headings=("部门预算编制说明",), cid="p")
    other = hit("财政拨款收入预算数189,767,551元。", headings=("财政拨款收支预算总表",), cid="o")
    ordered, crowded = spread([*rows, prose, other])
    assert [h.chunk_id for h in ordered[: PER_TABLE + 2]] == [*(f"r{i}" for i in range(PER_TABLE)), "p", "o"]
    assert crowded == {f"r{i}" for i in range(PER_TABLE, PER_TABLE + 2)}
    # another document's table of the same title is another table
    elsewhere = [hit("第1行：1元", DocumentInfo("x", "x.pdf", "", "", 2017, "", 1), ("收入预算总表",), "x1")]
    assert spread([*rows[:PER_TABLE], *elsewhere])[1] == set()


def test_the_clause_that_asks_weighs_more_than_the_scene() -> None:
    question = "某委对2021年度某项目补助资金做的绩效评价，补助资金预算是多少"
    assert asking_clause(question) == "补助资金预算是多少"
    weight = focused(question, {"绩效": 1.0, "预算": 1.0})
    assert weight["预算"] > weight["绩效"]
    assert focused("补助资金预算是多少", {"预算": 1.0}) == {"预算": 1.0}  # one clause: nothing to weigh


def test_parts_sharing_a_lead_are_told_apart_by_their_own_item() -> None:
    parts = question_parts("某局2026年部门预算里基本支出和项目支出各是多少？")
    assert [p.text for p in parts] == ["某局2026年部门预算里基本支出是多少", "某局2026年部门预算里项目支出是多少"]
    assert [p.item for p in parts] == ["基本支出", "项目支出"]
    assert part_item("某局2026年奖金占了多少", "某局2026年") == "奖金"
    assert not states("基本支出", "项目支出 86,246.64 其他资金 0.00")


def test_a_list_with_de_inside_an_item_and_a_part_without_an_item_of_its_own() -> None:
    parts = question_parts("甲中学2023年收入预算多少？财政拨款、专户管理的事业收入各多少？")
    assert [p.item for p in parts][1:] == ["财政拨款", "专户管理的事业收入"]
    parts = question_parts("甲法院2017年因公出国花了多少？去了几人次？")
    assert parts[1].item == parts[0].item and parts[0].item.endswith("因公出国") and "因公出国" in parts[1].text


def test_a_part_is_given_only_by_a_figure_said_of_its_own_item() -> None:
    items = ["收入", "财政拨款", "专户管理的事业收入"]
    assert not gives_item("收入", "2、专户管理的事业收入434万元;", items)  # another part's item
    assert gives_item("收入", "(一)2023年收入预算3814.61万元", items)
    assert not gives_item("项目支出", "“一般行政管理事务”1140.0万元,主要用于:基本建设项目支出;")
    assert not gives_any(["基本支出", "项目支出"], "“一般行政管理事务”1140.0万元,主要用于:基本建设项目支出;[1]")
    assert gives_any(["基本支出", "项目支出"], "（甲法院，2017年）其中:基本支出4904.4万元,占34.80%[1]")
    whole = "（甲法院，2017年）“一般行政管理事务”1140.0万元,主要用于:基本建设项目支出;[1]；其中:基本支出4904.4万元;[2]"
    cited = tuple(make_citation(n, "a.txt", "a", 1, "第1段", "x", 1.0, f"c{n}") for n in (1, 2))
    kept = kept_sentences(
        Answer("q", whole, False, "", cited, (), "extractive"),
        lambda s: gives_any(["基本支出", "项目支出"], s),
    )
    assert kept is not None and kept.answer == "（甲法院，2017年）其中:基本支出4904.4万元;[2]"
    assert [c.n for c in kept.citations] == [2]
    # a sentence whose figures the check removed is never kept, whatever it names
    garbled = "（甲法院，2017年）［未核实数字已删除］项目支出合计［未核实数字已删除］[1]；其中:基本支出4904.4万元;[2]"
    kept = kept_sentences(Answer("q", garbled, False, "", cited, (), "extractive"), lambda s: True)
    assert kept is not None and "未核实" not in kept.answer and [c.n for c in kept.citations] == [2]


def test_a_bare_number_is_an_amount_only_as_a_table_cell() -> None:
    row = "项目支出 86,246.64 其他资金 0.00"
    score = "最终评价得分“86.73”分"
    assert is_cell(row, find_figures(row)[0])
    assert not is_cell(score, find_figures(score)[0])


def test_a_year_in_an_aside_is_not_the_year_a_sentence_speaks_of() -> None:
    text = "1.社工服务项目498.82万元，主要包括：采购社工23名支出373.66万元（含2025年合同尾款）；"
    budget = DocumentInfo("s", "s.pdf", "2026年部门预算", "某市信访局", 2026, "部门预算", 10)
    assert sentence_years(text, "", "", hit(text, budget)) == {2026}


def test_the_report_that_says_and_the_year_it_speaks_of() -> None:
    reports = [DocumentInfo(f"w{y}", f"w{y}.txt", "政府工作报告", "国务院", y, "政府工作报告", 1) for y in (2005, 2006)]
    analysis = analyse("2006年报告说，2005年全国财政收入是多少？", reports)
    assert analysis.years == (2005,) and analysis.doc_ids == {"w2006"}
    both = analyse("2005年和2006年政府工作报告里的财政赤字各是多少", reports)
    assert both.years == (2005, 2006) and both.doc_ids == {"w2005", "w2006"}


def test_a_target_asked_is_not_answered_with_what_was_achieved() -> None:
    review = "2007年，国内生产总值达到24.66万亿元，比2002年增长65.5%；"
    plan = "主要预期目标是：国内生产总值增长8%左右；城镇新增就业900万人；"
    assert not states_target(review, hit(review, WORK_REPORT))
    assert states_target("城镇新增就业900万人；", hit(plan, WORK_REPORT))  # after the lead-in
    assert TARGET_QUESTION.search("2008年政府工作报告定的GDP增长预期目标是多少")


def test_what_is_asked_within_a_table_or_a_total() -> None:
    assert inner_item("政府采购预算表里的货物类") == "货物"
    assert inner_item("一般公共预算基本支出里的公用经费") == "公用经费"
    assert inner_item("机关运行经费支出预算表的合计数") == "机关运行经费支出"
    assert inner_item("三公经费") == "三公经费"
    # a growth target as the report says it, and an attribute column as the anchor
    assert {"经济增长", "生产总值增长"} <= set(whole_names("经济增长目标"))
    assert "执行数" in whole_names("部门整体支出执行数")


def test_the_first_place_an_item_is_named_gives_its_figure() -> None:
    text = "（某市，2025年）主要预期目标是：全市生产总值增长5%左右，一般公共预算收入增长2%，居民收入增长与经济增长同步。[1]"
    citation = make_citation(1, "w.docx", "报告", None, "第1段", text, 1.0)
    answer = Answer("问", text, False, "", (citation,), (), "extractive")
    picked = pick_value(answer, "经济增长目标", "percent")
    assert picked is not None and picked[0].text == "5%"


def test_a_bare_amount_of_a_table_takes_the_unit_its_chunk_declares() -> None:
    table = hit("部门：某办公厅 单位：万元\n八、社会保障和就业支出：功能分类金额2,000.39。")
    assert with_declared_unit(table).table_unit == "万元"
    two = hit("单位：万元 …… 单位：元")
    assert with_declared_unit(two).table_unit == ""  # two units: none is assumed


def test_prose_wrapped_at_the_page_width_is_one_sentence() -> None:
    text = "深圳市某局（本级）预算5,417.80万元，包括在职人员\n经费 2,830.73 万元、公用经费 502.22 万元。"
    assert sentences(text) == [
        "深圳市某局（本级）预算5,417.80万元，包括在职人员经费 2,830.73 万元、公用经费 502.22 万元。"
    ]
    rows = "一般公共服务支出 3,296,600 3,296,600\n教育支出 250,000 250,000"
    assert len(sentences(rows)) == 2  # table rows stay rows


def test_the_row_named_after_the_reporting_body_is_its_total() -> None:
    row = parse_record("深圳市某局（本级）：支出总计37,385.88万元，基本支出11,024.31万元，项目支出26,361.57万元。")
    sub = parse_record("金融发展支出：支出总计10,000.00万元，基本支出0.00万元，项目支出10,000.00万元。")
    assert row is not None and sub is not None
    question = "2026年深圳市某局基本支出是多少？"
    assert record_bonus(row, question, "深圳市某局") > record_bonus(sub, question, "深圳市某局")
    assert record_bonus(row, question, "别的局") < record_bonus(row, question, "深圳市某局")


def test_a_figure_past_a_comma_belongs_to_another_item() -> None:
    text = "（某办，2018年）“三公”经费预算支出中，因公出国（境）费支出70万元，占“三公”经费的13.77%；[1]"
    citation = make_citation(1, "b.pdf", "预算", 10, "第10页", text, 1.0)
    answer = Answer("问", text, False, "", (citation,), (), "extractive")
    assert pick_value(answer, "三公经费预算", "money") is None  # named, but the 70万元 is 因公出国费
    worded = Answer("问", "（某街道，2025年）收入预算18,976.76万元。[1]", False, "", (citation,), (), "extractive")
    picked = pick_value(worded, "预算收入", "money")  # the report's word order differs: its figure
    assert picked is not None and picked[0].text == "18,976.76万元"


def test_a_target_for_jobs_is_a_count_and_a_growth_target_a_rate() -> None:
    assert expected_kind("城镇新增就业目标", "城镇新增就业目标各是多少") == "count"
    assert expected_kind("经济增长目标", "经济增长目标各是多少") == "percent"


def test_years_from_one_to_another_are_every_year_between() -> None:
    reports = [
        DocumentInfo(f"w{y}", f"w{y}.txt", "政府工作报告", "国务院", y, "政府工作报告", 1) for y in (2005, 2006, 2007)
    ]
    plan = plan_comparison("2005年到2007年政府工作报告里的中央财政赤字是怎么变化的？", reports)
    assert plan is not None and [g.label for g in plan.groups] == ["2005年", "2006年", "2007年"]
    assert plan.items == ("中央财政赤字",)


def test_a_year_column_is_not_the_item_and_a_table_head_is_not_an_answer() -> None:
    row = parse_record("2026年：合计27.60万元，因公出国(境)费13.20万元。")
    assert row is not None  # a row labelled with a year names no item of the question
    assert record_bonus(row, "2026年某局一般公共预算支出是多少？") < 0
    assert TABLE_HEAD.search("表8一般公共预算支出表（按经济分类）部门名称：某局（本级）单位：万元")


def test_how_many_are_compared_is_not_an_item() -> None:
    docs = [
        DocumentInfo("a", "a.pdf", "", "深圳市财政局", 2026, "部门预算", 10),
        DocumentInfo("b", "b.pdf", "", "上海市普陀区财政局", 2024, "部门决算", 10),
    ]
    plan = plan_comparison("深圳、普陀两个财政局的机关运行经费分别是多少？", docs)
    assert plan is not None and plan.items == ("机关运行经费",)


def test_rules_that_must_not_misfire_on_other_reports() -> None:
    # a line that ends on an amount, or a table or part that starts, is not wrapped prose
    text = "某街道2025年收入预算合计比上年增加 2,043.58 万元\n表1 2025年部门收支总表 单位：万元"
    assert len(sentences(text)) == 2
    title = "上海市某区人民政府某街道办事处2025年部门预算\n第一部分 部门概况及主要职能职责"
    assert len(sentences(title)) == 2
    # 高中教育 and 中小学 are items, not "within" anything
    assert inner_item("高中教育支出") == "高中教育支出" and inner_item("中小学教育") == "中小学教育"
    # a year in brackets that is not an aside still says the year
    budget = DocumentInfo("b", "b.pdf", "2025年部门预算", "某局", 2025, "部门预算", 10)
    said = "上年（2024年）执行数为3,000.00万元。"
    assert sentence_years(said, "", "", hit(said, budget)) == {2024}
    # 好于预期 and 模拟 are results and words, not targets
    result = "全年地区生产总值增长5.6%，好于预期；"
    assert not states_target(result, hit(result, WORK_REPORT))
    assert not states_target("完成应急演练模拟30次。", hit("完成应急演练模拟30次。", WORK_REPORT))
    # a reason asked is not a comparison; the report's own year asked stays asked
    assert not is_comparison("2024年城管执法支出比2023年增加的主要原因是什么？")
    reports = [DocumentInfo(f"w{y}", f"w{y}.txt", "政府工作报告", "国务院", y, "政府工作报告", 1) for y in (2024, 2025)]
    assert analyse("2025年政府工作报告提到2024年和2025年的经济增长分别是多少", reports).years == (2024, 2025)
    assert analyse("2023年经济增长在报告里是多少", reports).years == (2023,)


def test_an_area_asked_is_found_by_its_measure() -> None:
    hits = [hit("新建绿地1200平方米，改造道路3.5公里。", WORK_REPORT)]
    draft = extractive_model(
        ChainState(
            hits=tuple(hits),
            reason="",
            analysis=analyse("新建绿地多少平方米", [WORK_REPORT]),
            question="新建绿地多少平方米",
            tokens=("新建", "绿地"),
            idf=lambda token: 1.0,
        )
    )
    assert not draft.refused and "1200平方米" in draft.text


def test_a_column_head_may_name_its_year() -> None:
    row = parse_record("一般公共预算拨款收入：2025年预算数4,500.00万元，2026年预算数4,676.96万元。")
    assert row is not None
    assert row.cells == (("2025年预算数", "4,500.00万元"), ("2026年预算数", "4,676.96万元"))
    assert parse_record("电费：第3季度1,000.00万元。") is None  # any other digit in a head: not a record


def test_a_budget_item_asked_by_name_must_be_named_by_the_passage() -> None:
    other = hit("市政务服务中心其他运行经费：总计68.00万元，财政拨款68.00万元。")
    picks = [Pick(0, other.text, 1.0, 0.8)]
    assert missing_item("2026年某局机关运行经费预算是多少？", picks, [other]) == "机关运行经费"
    titled = hit("其中拟购买服务1278.50万元。", headings=("十二、政府采购预算表情况说明",))
    assert missing_item("政府采购预算里拟购买服务的钱是多少？", [Pick(0, titled.text, 1.0, 0.8)], [titled]) == ""
    quoted = hit("“三公”经费财政拨款支出决算0.16万元。")
    assert missing_item("三公经费花了多少？", [Pick(0, quoted.text, 1.0, 0.8)], [quoted]) == ""
    assert missing_item("垃圾分类投入多少？", picks, [other]) == ""  # no budget item named: nothing to require
    spelt = hit("公务接待经费支出26.4万元,与2015年度决算相比,减少9.6万元。")
    assert missing_item("公务接待费比15年少了多少？", [Pick(0, spelt.text, 1.0, 0.8)], [spelt]) == ""


def test_an_item_named_where_the_numbered_point_starts_names_its_later_sentences() -> None:
    point = hit(
        "一、2017年因公出国(境)费决算7.8万元,与2016年决算相比减少1.3万元,主要原因是落实八项规定,加强管理,控制支出。2017年本部门组织的出国团组0个,出国2人次。"
    )
    later = Pick(0, "2017年本部门组织的出国团组0个,出国2人次。", 1.0, 0.8)
    assert missing_item("某法院2017年因公出国去了几人次", [later], [point]) == ""
    # a point of its own: the item named in the point before does not name it
    listed = hit(
        "1、因公出国(境)费决算7.8万元,比上年减少1.3万元,主要是严格控制出国团组。2、公务接待费决算0.5万元,接待5批次。"
    )
    other = Pick(0, "2、公务接待费决算0.5万元,接待5批次。", 1.0, 0.8)
    assert missing_item("某法院因公出国费决算多少", [other], [listed]) == "因公出国"


def test_a_change_from_last_year_is_not_read_from_a_row_of_this_years_amounts() -> None:
    from assistant.extractive import Asking, what_it_states

    row = "三、单位预留机动经费：支出用途金额2,938.21万元。"
    change = "三、单位预留机动经费：2019年预算数2,938.21万元，2018年预算数1,973.86万元。"
    asked = "省委办2019年单位预留机动经费预算比上年增加了多少？"
    level = "省委办2019年单位预留机动经费预算是多少？"
    h = hit(row)
    assert what_it_states(Asking.of(asked, (2019,)), row, h) < what_it_states(Asking.of(level, (2019,)), row, h)
    assert what_it_states(Asking.of(asked, (2019,)), change, h) >= what_it_states(Asking.of(level, (2019,)), change, h)


def test_a_kind_asked_in_so_many_words_is_not_given_by_another_kind() -> None:
    from assistant.offline import figure_refusal

    growth = hit("预计全市地区生产总值增长5.2%左右，一般公共预算收入增长3.1%。")
    picks = [Pick(0, growth.text, 1.0, 0.8)]
    assert "金额" in figure_refusal("2024年全市地区生产总值总量是多少亿元？", picks, [growth])
    assert figure_refusal("2024年全市地区生产总值增长多少？", picks, [growth]) == ""
    dollars = hit("按一年计意向成交800.1亿美元，增长2%。")
    assert figure_refusal("进博会意向成交金额是多少？", [Pick(0, dollars.text, 1.0, 0.8)], [dollars]) == ""
    row = hit("住房公积金：合计3,503,499，基本支出3,503,499。")
    assert figure_refusal("住房公积金花了多少钱？", [Pick(0, row.text, 1.0, 0.8)], [row]) == ""  # a row's bare amounts


def test_a_figure_beside_the_passage_about_the_question_does_not_answer_it() -> None:
    from assistant.offline import figure_refusal

    about = hit("高质量推进高标准农田建设，推进紫云英等绿肥种植。")
    beside = hit("超额完成林分优化提升、森林抚育提升“两个200万亩”任务。")
    picks = [Pick(0, about.text, 1.0, 0.8), Pick(1, beside.text, 0.5, 0.2)]
    assert figure_refusal("要新建多少万亩高标准农田？", picks, [about, beside])
    picks = [Pick(0, about.text, 1.0, 0.8), Pick(1, beside.text, 0.5, 0.6)]
    assert figure_refusal("要新建多少万亩高标准农田？", picks, [about, beside]) == ""


def test_a_sentence_under_the_report_year_s_plan_states_a_target() -> None:
    sentence = "加大就业困难人员帮扶力度，建成500个社区就业服务站点，城镇新增就业60万人以上。"
    planned = hit(sentence, WORK_REPORT, ("二、2005年主要任务",))
    assert states_target(sentence, planned)
    assert not states_target(sentence, hit(sentence, WORK_REPORT, ("一、2004年工作回顾",)))
    assert not states_target(sentence, hit(sentence, WORK_REPORT, ("一、2005年工作回顾和主要任务完成情况",)))


def test_a_growth_measured_from_a_distant_year_is_not_the_year_s_growth() -> None:
    from assistant.timing import distant_base

    assert distant_base("2005年与2000年相比，国内生产总值增长57.3%", frozenset({2005}))
    assert not distant_base("2005年与2000年相比，国内生产总值增长57.3%", frozenset({2005, 2000}))
    assert not distant_base("2005年比2004年增长9.9%", frozenset({2005}))
    assert not distant_base("全年国内生产总值达到18.23万亿元，比上年增长9.9%", frozenset({2005}))


def test_last_year_asked_in_a_work_report_is_read_from_its_review_not_its_plan() -> None:
    from assistant.offline import asked_years

    info = DocumentInfo("sc", "sc.docx", "2025年某省政府工作报告", "某省人民政府", 2025, "政府工作报告", 1)
    review = "在115个县建设粮油千亩高产示范片1000个，全省粮食产量726.8亿斤，再创历史新高。"
    plan = "粮食产量725亿斤以上；"
    hits = [
        hit(plan, info, ("二、2025年重点工作",), "c1"),
        hit(review, info, ("一、2024年工作回顾",), "c2"),
    ]
    question = "某省2025年政府工作报告里，去年全省粮食产量是多少？"
    analysis = analyse(question, [info])
    state = ChainState(question, analysis, tuple(hits), ("粮食", "产量", "全省"), lambda _: 1.0)
    assert asked_years(state) == (2024,)
    draft = extractive_model(state)
    assert not draft.refused and "726.8亿斤" in draft.text and "725亿斤" not in draft.text
    # 比上年 compares with last year: the year asked stays the report's own
    again = "某省2025年政府工作报告里，粮食产量比上年增加多少？"
    assert asked_years(ChainState(again, analyse(again, [info]), (), (), lambda _: 1.0)) == (2025,)


def test_a_bare_measure_listed_after_an_item_s_measure_is_of_that_item() -> None:
    parts = question_parts("2006年国务院政府工作报告里，2005年全国GDP总量和增速各是多少？")
    assert [p.item for p in parts] == ["全国GDP总量", "全国GDP增速"]
    assert all(p.text.startswith("2006年国务院政府工作报告里，2005年全国GDP") for p in parts)


def test_a_sentence_under_its_item_s_heading_that_gives_both_figures_asked_ranks_first() -> None:
    from assistant.extractive import pick_sentences

    final = DocumentInfo("f", "f.pdf", "2024年部门决算", "某区财政局", 2024, "部门决算", 30)
    narrative = (
        "3、一般公共服务支出（类）财政事务（款）信息化建设（项）。主要用于：信息化系统日常维护费等支出。"
        "年初预算为135.90万元，支出决算为135.25万元。4、一般公共服务支出（类）财政事务（款）其他财政事务支出（项）。"
        "年初预算为450.52万元，支出决算为449.52万元。"
    )
    row = "一般公共服务支出/财政事务/信息化建设（科目201 06 07）：本年收入合计135.25万元，财政拨款收入135.25万元。"
    hits = [hit(row, final, ("收入决算表",), "r"), hit(narrative, final, (), "n")]
    question = "某区财政局2024年信息化建设这一项，年初安排了多少钱，最后决算花了多少？"
    tokens = ["信息化", "建设", "年初", "安排", "决算"]
    best = pick_sentences(question, tokens, hits, lambda _: 1.0, [2024])[0]
    assert best.text == "年初预算为135.90万元，支出决算为135.25万元。"


def test_a_score_asked_is_not_answered_by_a_grade() -> None:
    from assistant.chain_state import ChainState

    info = DocumentInfo("lj", "lj.pdf", "2022年部门整体支出绩效自评报告", "某街道", 2022, "绩效自评报告", 20)
    text = "本部门2022年全年预算数6831.42万元，执行数6600.83万元，部门整体支出绩效自评良好。"
    question = "某街道2022年部门整体支出绩效自评得了多少分？"
    state = ChainState(
        question, analyse(question, [info]), (hit(text, info),), ("部门", "整体", "绩效", "自评"), lambda _: 1.0
    )
    draft = extractive_model(state)
    assert draft.refused and "得分" in draft.reason
    scored = "部门整体支出绩效自评得分92.5分，等级为良好。"
    again = replace(state, hits=(hit(scored, info),))
    assert not extractive_model(again).refused


def test_a_sentence_headed_by_its_item_line_is_shown_with_the_item() -> None:
    from assistant.offline import headed_item

    text = (
        "3、一般公共服务支出（类）财政事务（款）信息化建设（项）。主要用于：信息化系统日常维护费等支出。"
        "年初预算为135.90万元，支出决算为135.25万元。"
    )
    assert headed_item("年初预算为135.90万元，支出决算为135.25万元。", hit(text)) == "信息化建设（项）"
    far = "信息化建设（项）。" + "其他说明文字。" * 20 + "年初预算为10.00万元。"
    assert headed_item("年初预算为10.00万元。", hit(far)) == ""


def test_what_was_achieved_asked_is_not_answered_with_a_target() -> None:
    from assistant.chain_state import ChainState

    text = "2007年的主要预期目标是：城镇新增就业人数不低于900万人，城镇登记失业率控制在4.6%以内；"
    question = "2007年政府工作报告中，2006年城镇登记失业率实际是多少？"
    state = ChainState(
        question, analyse(question, [WORK_REPORT]), (hit(text, WORK_REPORT),), ("城镇", "登记", "失业率"), lambda _: 1.0
    )
    draft = extractive_model(state)
    assert draft.refused and "实际数" in draft.reason


def test_a_section_headed_by_what_is_asked_is_found_by_its_heading() -> None:
    from assistant.retrieval import asked_phrase, heads_section

    assert asked_phrase("2026年某市信访局政府采购预算是多少？", ["某市信访局"]) == "政府采购预算"
    assert asked_phrase("某市信访局2026年三公经费是多少？", ["某市信访局"]) == "三公经费"
    section = (
        "6.综合管理17.91万元。\n第四部分 政府采购预算情况\n某市信访局纳入2026年部门预算的政府采购项目共有1,100.30万元。"
    )
    contents = "一、文字部分\n第一部分 部门概况\n第四部分 政府采购预算情况\n第五部分 其他情况"
    assert heads_section(section, "政府采购预算")
    assert not heads_section(contents, "政府采购预算")  # a table of contents is not the section
    assert not heads_section(section, "三公经费")


def test_vehicles_asked_how_many_is_a_count() -> None:
    from assistant.extractive import expected_kind as question_kind

    assert question_kind("某办公厅2019年部门预算披露的车辆有多少") == "count"
    assert question_kind("某局各有几辆车") == "count"
    assert question_kind("公务用车运行维护费有多少") != "count"


def test_a_row_left_at_zero_gives_way_to_the_row_with_the_figure() -> None:
    """An empty fund's table repeats the body's total row at 0.00 (政府性基金预算支出表): the row
    with the body's figures answers 项目支出是多少."""
    from assistant.extractive import pick_sentences
    from assistant.tokenize import tokenize

    empty = "某省某某办公厅：支出总计0.00万元，基本支出0.00万元，项目支出0.00万元。"
    total = (
        "某省某某办公厅：支出总计4,684.30万元，基本支出3,072.01万元，项目支出1,612.29万元，"
        "事业单位经营支出0.00万元，对附属单位补助支出0.00万元，上缴上级支出0.00万元，"
        "2017年政府采购项目小计1,100.30万元，其中：政府采购货物小计27.10万元。"
    )
    question = "某省某某办公厅项目支出是多少？"
    hits = [hit(empty, cid="a"), hit(empty, cid="b"), hit(total, cid="c")]
    picks = pick_sentences(question, tokenize(question), hits, lambda t: 1.0)
    assert "1,612.29" in picks[0].text


def test_how_many_vehicles_is_not_answered_with_what_they_cost() -> None:
    from assistant.offline import figure_refusal

    spent = hit("2．公务用车购置及运行费预算支出411.20万元。")
    picks = [Pick(0, spent.text, 1.0, 0.8)]
    assert "几辆" in figure_refusal("某办公厅2017年公务用车一共几辆？", picks, [spent])
    counted = hit("本部门共有车辆127辆，其中，一般公务用车127辆。")
    assert figure_refusal("某办公厅2019年公务用车一共几辆？", [Pick(0, counted.text, 1.0, 0.8)], [counted]) == ""


def test_a_one_figure_record_gives_way_to_the_report_s_sentence_of_the_same_item_and_amount() -> None:
    from assistant.extractive import prefer_narrative

    row = hit("十八、住房保障支出：功能分类金额1,856.69万元。", cid="row")
    said = hit("3．住房保障（类）支出1856.69万元，主要用于住房公积金和提租补贴。", cid="said")
    ranked = [Pick(0, row.text, 1.0, 0.8), Pick(1, said.text, 0.9, 0.8)]
    assert prefer_narrative(ranked[0], ranked, [row, said]) == ranked[1]
    spaced = hit("3．住 房 保 障（ 类 ）支 出 1856.69 万元，主要用于住房公积金。", cid="spaced")  # no sentence to quote
    assert prefer_narrative(ranked[0], [ranked[0], Pick(1, spaced.text, 0.9, 0.8)], [row, spaced]) == ranked[0]
    title = hit(
        "合计：一般公共预算住房保障支出预算表部门：某厅单位：万元金额1,856.69万元", cid="title"
    )  # not said of it
    assert prefer_narrative(ranked[0], [ranked[0], Pick(1, title.text, 0.9, 0.8)], [row, title]) == ranked[0]
    other = hit("3．住房保障支出1900.00万元，主要用于住房公积金。", cid="other")  # another amount: not the same
    assert prefer_narrative(ranked[0], [ranked[0], Pick(1, other.text, 0.9, 0.8)], [row, other]) == ranked[0]
    wide = hit("合计：本年收入合计2,946.25万元，财政拨款收入2,940.05万元，其他收入6.20万元。", cid="wide")
    narrow = hit("本年收入合计2946.25万元，其中：财政拨款收入2940.05万元。", cid="narrow")
    picks = [Pick(0, wide.text, 1.0, 0.8), Pick(1, narrow.text, 0.9, 0.8)]
    assert prefer_narrative(picks[0], picks, [wide, narrow]) == picks[0]  # several columns say more


def test_the_number_of_a_point_is_no_count() -> None:
    from assistant.offline import figure_refusal

    duty = hit("11、按照规定对主要领导干部进行经济责任审计。")
    assert figure_refusal("某局实有人数多少", [Pick(0, duty.text, 1.0, 0.9)], [duty])
    staffed = hit("截至年底，实有人员86人。")
    assert figure_refusal("某局实有人数多少", [Pick(0, staffed.text, 1.0, 0.9)], [staffed]) == ""


def test_people_asked_are_not_given_by_a_fee_per_visit() -> None:
    from assistant.offline import figure_refusal

    fee = hit("二、每门急诊人次平均收费水平 171.7 225.41 53.71 31.28%")
    assert "人数" in figure_refusal("某医院17年门急诊总人次是多少", [Pick(0, fee.text, 1.0, 0.9)], [fee])
    visits = hit("全年门急诊总人次12.5万人次。")
    assert figure_refusal("某医院门急诊总人次是多少", [Pick(0, visits.text, 1.0, 0.9)], [visits]) == ""


def test_a_budget_compared_with_an_earlier_year_asks_of_its_own_year_too() -> None:
    """某街道2024年部门预算比2023年多了还是少了: 2024年部门预算 reads like a report's name, but with
    only 2023 left as a base of the comparison, both years are asked; the sentence that states the
    change against 2023 answers it, not a row that names 2023 first."""
    from assistant.offline import asked_years

    info = DocumentInfo("b", "b.pdf", "2024年某街道部门预算", "某街道办事处", 2024, "部门预算", 1)
    question = "某街道2024年部门预算比2023年是多了还是少了？差多少，啥原因"
    state = ChainState(question, analyse(question, [info]), (), (), lambda _: 1.0)
    assert set(asked_years(state)) == {2023, 2024}
    total = "2024年，某街道办事处收入预算15621.11万元，其中：财政拨款收入15621.11万元，比2023年预算减少876.75万元。"
    row = "2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，比2023年预算执行数减少57.14%。"
    hits = [hit(total, info, ("2024年部门预算编制说明",), "c1"), hit(row, info, ("专项普查活动（项）",), "c2")]
    state = ChainState(question, state.analysis, tuple(hits), ("部门", "预算", "比"), lambda _: 1.0)
    draft = extractive_model(state)
    assert not draft.refused and "876.75万元" in draft.text and "60.13" not in draft.text


def test_a_year_compared_against_is_not_the_year_a_sentence_speaks_of() -> None:
    text = "公务接待经费支出26.4万元,与2015年度决算相比,减少9.6万元,公务接待220批次,人数2929人。"
    accounts = DocumentInfo("a", "a.txt", "某局2016年三公经费决算", "某局", 2016, "部门决算", 1)
    assert sentence_years(text, "", "", hit(text, accounts)) == {2016}


def test_an_item_a_passage_names_with_a_word_between_is_named() -> None:
    growth = hit("主要预期目标为：生产总值增长5.5%左右，居民消费价格涨幅2%左右。")
    picks = [Pick(0, growth.text, 1.0, 0.8)]
    assert missing_item("某省25年一般公共预算收入目标增长多少？", picks, [growth]) == "一般公共预算收入"
    funded = hit("一般公共预算拨款收入4,676.96万元，比上年减少5.0%。")
    assert missing_item("某局一般公共预算收入多少？", [Pick(0, funded.text, 1.0, 0.8)], [funded]) == ""
