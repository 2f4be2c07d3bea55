"""How report text is read: lines joined back into sentences (a wrapped line, a unit broken off
its figure), table rows and records (行名：列名值，…), and the years a sentence speaks of. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.figures import find_figures
from assistant.records import Hit
from assistant.zh import SENTENCE, SENTENCE_END

TABLE_ROW = re.compile(r"^(?:\d{3}(?: \d{2}){0,2} )?\S+(?: -?[\d,]+(?:\.\d+)?){2,}$")
TABLE_TITLE = re.compile(r"表$")
# a column head may name a year (2026年预算数4,676.96万元); no other digit
RECORD_CELL = re.compile(r"^((?:\D|(?:19|20)\d{2}年)+?)(-?[\d,]+(?:\.\d+)?)(%|元|万元|亿元|千元)?$")
RECORD_LABEL = re.compile(r"^(.*?)(?:（科目[\d ]+）)?$")
UNIT_LINE = re.compile(r"单位\s*[:：]\s*(?:元|万元|亿元|千元)$")


YEAR_MENTION = re.compile(r"(?<![\d比较与同])((?:19|20)\d{2})\s*年")  # not "比2024年", "与2015年度…相比": a comparison
THIS_YEAR = re.compile(r"今年|本年|拟(?:安排|发行|增加|新增)")
MET_TARGET = re.compile(r"(?:超过|完成|实现|达到|超额完成)了?(?:年初|全年)?预期目标")  # a result: the year before
LAST_YEAR = re.compile(r"(?<![比较])(?:过去一年|去年|上年|上一年)")  # not "比上年": a comparison


ASIDE = re.compile(r"[（(](?:含|包括|其中|不含)[^）)]*[）)]")  # （含2025年合同尾款）, not 上年（2024年）


def sentence_years(sentence: str, previous: str, headings: str, hit: Hit) -> frozenset[int]:
    """Years a sentence is about: named in it; 今年/过去一年 in a work report; named in its
    headings; said just before it; otherwise the year of its report."""
    named = {int(y) for y in YEAR_MENTION.findall(ASIDE.sub("", sentence))}  # not （含2025年合同尾款）
    if named:
        return frozenset(named)
    year = hit.info.year
    work_report = bool(year) and hit.info.doc_type == "政府工作报告"

    def relative(text: str) -> frozenset[int] | None:
        if not (work_report and year):
            return None
        if THIS_YEAR.search(text) or ("预期目标" in text and not MET_TARGET.search(text)):
            return frozenset({year})
        if LAST_YEAR.search(text) or "回顾" in text:
            return frozenset({year - 1})
        return None

    for found in (relative(sentence), _named(headings), relative(headings), relative(previous), _named(previous)):
        if found:
            return found
    return frozenset({year}) if year else frozenset()


def _named(text: str) -> frozenset[int] | None:
    years = {int(y) for y in YEAR_MENTION.findall(text)}
    return frozenset(years) if years else None


POINT_NUMBER = (
    r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|(?<![\d.])\d{1,2}[.．、](?!\d)"  # 一、 （2） 3．
)
HEADING_START = re.compile(rf"^(?:{POINT_NUMBER})")


@dataclass(frozen=True)
class Record:
    """A table record sentence taken apart: row label path and (column header, figure) cells."""

    label: tuple[str, ...]
    cells: tuple[tuple[str, str], ...]  # (header, figure with its unit)


def parse_record(sentence: str) -> Record | None:
    """The record a sentence states, or None when it is not one."""
    if not sentence.endswith("。") or "，，" in sentence:
        return None
    head, _, body = sentence[:-1].rpartition("：")
    if head and "：" in head:
        return None
    cells = []
    for part in body.split("，"):
        match = RECORD_CELL.match(part)
        if not match or len(match.group(1)) > 30:
            return None
        cells.append((match.group(1), match.group(2) + (match.group(3) or "")))
    label_match = RECORD_LABEL.match(head)
    label = tuple(p for p in (label_match.group(1) if label_match else head).split("/") if p)
    return Record(label, tuple(cells))


# a line that starts inside a sentence: punctuation that closes a clause, or the rest of a unit
CONTINUATION = re.compile(r"(?:[，,、；;：:）)％%]|万?元[，,。；;、）)]|亿元[，,。；;、）)])")


CJK = re.compile(r"[\u4e00-\u9fff]")
PROSE = re.compile(r"[\u4e00-\u9fff][，、；：][\u4e00-\u9fff\d]|[\u4e00-\u9fff]{8,}")
WRAP_WIDTH = 20
# a line that starts something new (表1…, 附件, 第一部分, 一是) or one that ends on an amount
NEW_PART = re.compile(r"表\s*\d|附件|附表|第[一二三四五六七八九十\d]+(?:部分|章|节)|[一二三四五六七八九十]是")
ENDS_AMOUNT = re.compile(r"(?:元|%|％)$")


def wraps(line: str, following: str) -> bool:
    """Whether ``following`` goes on the sentence ``line`` leaves open: a long line of prose
    ending in a word, then prose starting with one (…包括在职人员 / 经费 2,830.73 万元、…)."""
    return (
        len(line) >= WRAP_WIDTH
        and bool(CJK.fullmatch(line[-1]) and CJK.match(following))
        and bool(PROSE.search(line) and PROSE.search(following))
        and not (is_table_row(line) or is_table_row(following))
        and not (HEADING_START.match(following) or (HEADING_START.match(line) and len(line) <= 40))
        and not (UNIT_LINE.search(line) or TABLE_TITLE.search(line) or TABLE_TITLE.search(following))
        and not (UNIT_LINE.search(following) or NEW_PART.match(following) or ENDS_AMOUNT.search(line))
        and parse_record(following) is None
    )


def lines_as_paragraphs(text: str) -> list[str]:
    """Lines, with a line that continues an unfinished sentence joined back to it."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if out and out[-1][-1] not in SENTENCE_END and CONTINUATION.match(line) and not is_table_row(out[-1]):
            out[-1] += line  # "…总计 20849.45 万" + "元，与上年相比…": a line cannot start there
        elif out and wraps(out[-1], line):
            out[-1] += line  # prose with spaces around its figures, wrapped at the page width
        elif (
            out
            and out[-1][-1] not in SENTENCE_END
            and not (HEADING_START.match(out[-1]) and len(out[-1]) <= 40)
            and " " not in out[-1]
            and " " not in line
            and not is_table_row(out[-1])
            and not is_table_row(line)
            and not UNIT_LINE.search(out[-1])
            and parse_record(line) is None
            and not HEADING_START.match(line)
            and not TABLE_TITLE.search(out[-1])
        ):
            out[-1] += line
        else:
            out.append(line)
    return out


def sentences(text: str) -> list[str]:
    return [s.strip() for para in lines_as_paragraphs(text) for s in SENTENCE.findall(para) if s.strip()]


def is_table_row(sentence: str) -> bool:
    return bool(TABLE_ROW.match(sentence))


def table_title(hit: Hit) -> str:
    return next((h for h in reversed(hit.headings) if TABLE_TITLE.search(h)), "")


NOT_TEXT = re.compile(r"[^\u4e00-\u9fff\w]")


def all_zero(sentence: str) -> bool:
    """A form's line left at nothing (对0个项目开展…涉及资金0万元…0%): every figure zero."""
    figures = find_figures(sentence)  # years (2019年度) are not figures
    return len(figures) >= 2 and all(f.value == 0 for f in figures)


COLUMN_WORDS = re.compile(r"(?:小计|合计|总计|共计|预算数|预算|决算数|决算|支出|为|是|达到?)+$")


def names_its_figure(grams: frozenset[str], sentence: str) -> bool:
    """Whether a figure of the sentence comes right after a phrase of the asking clause
    (（6）气象防灾减灾服务253.08万元 for 气象防灾减灾服务安排了多少), not only somewhere in it."""
    for figure in find_figures(sentence):
        before = NOT_TEXT.sub("", sentence[max(0, figure.start - 12) : figure.start])
        before = COLUMN_WORDS.sub("", before)  # “三公”经费小计509.20: named by 三公经费
        if any(before.endswith(g) or before[:-1].endswith(g) for g in grams):
            return True
    return False
