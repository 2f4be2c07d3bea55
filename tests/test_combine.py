"""Answers in several parts made one, and the scoring that picks each part's sentence."""

from __future__ import annotations

from assistant.combine import combine
from assistant.extractive import question_grams
from assistant.reading import all_zero, names_its_figure
from assistant.records import Answer
from tests.conftest import make_citation


def _answer(text: str, n: int, chunk: str) -> Answer:
    citation = make_citation(n, "b.pdf", "b", 3, "第3页", text, 1.0, chunk)
    return Answer("q", f"{text}[{n}]", False, "", (citation,), (), "extractive")


def test_parts_of_one_body_name_it_once_and_a_part_said_twice_is_said_once() -> None:
    first = _answer("（某局，2026年）社会保障和就业支出2,399万元", 1, "c1")
    second = _answer("（某局，2026年）住房保障支出3,130万元", 1, "c2")
    again = _answer("（某局，2026年）住房保障支出3,130万元", 1, "c2")
    done = combine("q", [("", first), ("", second), ("", again)], lambda r: r, "extractive")
    assert done.answer == "（某局，2026年）社会保障和就业支出2,399万元[1]；住房保障支出3,130万元[2]"
    assert [c.n for c in done.citations] == [1, 2]
    other = _answer("（另一局，2026年）住房保障支出10万元", 1, "c3")
    assert "（另一局，2026年）" in combine("q", [("", first), ("", other)], lambda r: r, "extractive").answer


def test_a_sentence_an_earlier_part_gave_is_not_said_again() -> None:
    row = _answer("（某局，2018年）合计1,471.70万元，会议费933.50万元", 1, "c1")
    cited = (row.citations[0], make_citation(2, "b.pdf", "b", 4, "第4页", "会议费", 1.0, "c2"))
    both = Answer("q", f"{row.answer}；会议费预算支出933.50万元。[2]", False, "", cited, (), "extractive")
    done = combine("q", [("", row), ("", both)], lambda r: r, "extractive")
    assert done.answer == "（某局，2018年）合计1,471.70万元，会议费933.50万元[1]；会议费预算支出933.50万元。[2]"


def test_a_form_line_left_at_zero_is_told_from_one_that_says_something() -> None:
    assert all_zero("组织对2019年度0个政府性基金预算项目开展绩效自评，共涉及资金0万元，占总额的0%。")
    assert not all_zero("组织对7个一般公共预算项目支出开展绩效自评，共涉及资金940.15万元。")
    assert not all_zero("“三公”经费支出0万元。")  # one zero may well be the answer


def test_a_figure_right_after_the_asked_phrase_is_told_from_one_elsewhere() -> None:
    grams = frozenset(question_grams("气象防灾减灾服务安排了多少"))
    assert names_its_figure(grams, "（6）气象防灾减灾服务253.08万元，用于保障监测预警指挥中心业务运行")
    assert not names_its_figure(grams, "（2）深汕合作区气象服务100.00万元，具体包括预警预报服务、气象防灾减灾服务")


def test_the_item_is_the_words_just_before_the_asking_words() -> None:
    from assistant.extractive import item_before_asking

    assert item_before_asking("2017年某省委办公厅三公经费预算是多少？").endswith("三公经费预算")
    assert item_before_asking("某局2026年精细服务里，气象防灾减灾服务安排了多少") == "气象防灾减灾服务"
    grams = frozenset(question_grams("三公经费预算"))
    assert names_its_figure(grams, "合计1,467.70万元，“三公”经费小计509.20万元，因公出国（境）费70.00万元")
