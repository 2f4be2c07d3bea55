"""When a question and a sentence speak of: a target or what was achieved, the year a work
report reviews or the year it plans, a change against the year before or against a distant year.
Pure; used to score sentences (extractive) and to refuse (offline)."""

from __future__ import annotations

import re

from assistant.records import Hit

TARGET_QUESTION = re.compile(r"预期目标|增长目标|目标是|目标为|定的目标|提出的目标")
TARGET_WORDS = re.compile(
    r"目标|(?<![好高低超于合])预期(?!的)|左右|力争|控制在|不低于|不少于|拟(?:安排|增加|新增|发行|实现|达到|下降|提高)"
)
# a question about a change the report states (比上年增加多少): the sentence that states a change
ASKS_CHANGE = re.compile(r"比(?:上年|去年|上一年|20\d\d年)|(?:增加|减少|增长|下降|多|少)了?多少|增减|变化")
STATES_CHANGE = re.compile(
    r"(?:比|较|与)(?:上年|去年|上一年|20\d\d\s*年)[^。；]{0,20}?(?:增加|减少|增长|下降|持平|多|少)"
)
PLAN_HEADING = re.compile(r"任务|工作安排|重点工作|计划|目标|打算")
ACTUAL_ASKED = re.compile(r"实际(?:是|为|完成|达到|实现)?了?多少|实际完成|实际值")
PAST_ASKED = re.compile(r"(?<![比较与和跟同])(?:去年|上年|上一年|过去一年)(?!年初|预算|相比|比)")
GROWTH_ASKED = re.compile(r"增长|下降|增速|增幅|上涨|降低")
OTHER_BASE = re.compile(r"(?:与|比|较)((?:19|20)\d{2})年(?:相比|以来)?|((?:19|20)\d{2})年以来")  # 与2000年相比
ASKS_LAST_YEAR = re.compile(r"比(?:上年|去年|上一年)|与上年相比|较上年")
LAST_YEAR_HEAD = re.compile(
    r"上年|增减|增长|变动|比|(?:19|20)\d{2}年"
)  # a column of last year's amounts or of the change


def distant_base(sentence: str, years: frozenset[int]) -> bool:
    """Whether a sentence measures against a year the question neither asks about nor has as
    the year before one it asks about (2005年与2000年相比 for a question on 2005)."""
    bases = {int(a or b) for a, b in OTHER_BASE.findall(sentence)}
    return bool(years) and any(b not in years and b + 1 not in years for b in bases)


def under_plan(hit: Hit) -> bool:
    """Whether a passage stands under the heading of its report year's plan (二、2025年主要任务)."""
    year = hit.info.year
    return bool(year) and any(f"{year}年" in h and PLAN_HEADING.search(h) and "回顾" not in h for h in hit.headings)
