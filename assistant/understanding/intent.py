"""What a question asks, in order of precedence: a comparison across groups (two or more bodies
or years that resolve to documents), several parts (X和Y各是多少; …多少？其中…多少？), or one
lookup. Pure: the parts are questions of their own, each carrying the body and years of the
whole question so that it is answered from the same reports.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from assistant.understanding.names import Mention

CLAUSE_END = re.compile(r"[？?；;]+")
THEN = re.compile(r"[，,]\s*(?=其中|另外|以及|还有|同时)")
EACH = re.compile(r"(各|分别)(?=(?:是|为|有|安排|花|预算|支出|占|达到|增加|减少|下降|增长|多少|了|都))")
LIST_SPLIT = re.compile(r"[和、及与]|以及")
ASKS = re.compile(r"多少|几|哪些|哪几|什么|为何|为什么|原因|如何|怎么|是否|吗")
YEARS = re.compile(r"(?:(?:19|20)\d{2}\s*[-—–~至到、和]\s*)*(?:19|20)\d{2}\s*年度?")
MAX_PARTS = 4
DEPENDENT = re.compile(r"^(?:其中|主要|原因|为什么|为啥|为何|是什么原因|占|比上年|比去年|增长|增加|减少|下降)")


def split_parts(question: str, mentions: Sequence[Mention] = ()) -> list[str]:
    """The parts of a question in several parts, each a whole question; [question] otherwise."""
    clauses = [c.strip(" ，,") for c in CLAUSE_END.split(THEN.sub("？", question)) if c.strip(" ，,")]
    parts: list[str] = []
    for clause in clauses:
        parts += _each(clause)
    parts = [p for p in parts if ASKS.search(p)]
    if len(parts) < 2 or len(parts) > MAX_PARTS:
        return [question]
    context = context_of(question, mentions)
    first = ASKS.sub("", parts[0]).rstrip("了的是为有 ，,")
    whole = [parts[0]]
    for part in parts[1:]:
        if DEPENDENT.match(part):  # 其中…, 主要原因…: of the first part's item
            whole.append(f"{first}，{part}")
        else:
            whole.append(part if _has_context(part, context) else context + part)
    return whole


def _each(clause: str) -> list[str]:
    """X和Y各是多少 -> X是多少, Y是多少 (with what comes before X kept on each)."""
    each = EACH.search(clause)
    if not each:
        return [clause]
    head, tail = clause[: each.start()], clause[each.end() :]
    cut = max(head.rfind(c) for c in "，,：:里中的") + 1
    lead, listed = head[:cut], head[cut:]
    items = [i.strip() for i in LIST_SPLIT.split(listed) if i.strip()]
    if len(items) < 2 or any(len(i) < 2 for i in items) or YEARS.fullmatch("".join(items)):
        return [clause]
    return [f"{lead}{item}{tail}" for item in items]


def context_of(question: str, mentions: Sequence[Mention]) -> str:
    """The body and years the first clause names, to carry into the others."""
    names = "".join(dict.fromkeys(m.text for m in mentions if m.text))
    years = "".join(dict.fromkeys(y.group().strip() for y in YEARS.finditer(question)))
    return names + years


def _has_context(part: str, context: str) -> bool:
    return (
        not context
        or part.startswith(context)
        or all(piece in part for piece in re.split(r"(?<=年)", context) if piece)
    )


FILLER = re.compile(
    r"多少钱|多少|几[个项名人次家]?|是什么|什么|哪些|哪几个|为什么|为啥|为何|如何|怎么样?|是否|吗|"
    r"一共|总共|合计|共计|其中|另外|以及|还有|同时|主要|分别|各|的|了|是|为|有|安排|花|占|达到|预算数?|支出了|"
    r"[里中]|[，,。？?：:；;\s]"
)


def part_item(part: str, context: str, lead: str = "") -> str:
    """What a part asks about, without the body, years, asking words and the ``lead`` all parts
    share: 奖金 in 长沙市信访局2026年奖金占了多少; 项目支出 in X部门预算里项目支出是多少."""
    text = part[len(lead) :] if lead and part.startswith(lead) and len(part) > len(lead) else part
    text = text[len(context) :] if context and text.startswith(context) else text
    text = YEARS.sub("", text)
    last = re.split(r"[，,]", text)[-1] or text
    return FILLER.sub("", last)


def shared_lead(parts: Sequence[str]) -> str:
    """What every part begins with (X和Y各是多少 -> the words before X), "" for one part."""
    if len(parts) < 2:
        return ""
    lead = parts[0]
    for part in parts[1:]:
        n = next((i for i, (a, b) in enumerate(zip(lead, part, strict=False)) if a != b), min(len(lead), len(part)))
        lead = lead[:n]
    return lead if all(len(p) > len(lead) for p in parts) else ""


def states(item: str, text: str) -> bool:
    """Whether an answer speaks of ``item``: a good share of it, in one piece."""
    if not item:
        return True
    least = max(2, math.ceil(len(item) * 0.6))  # 基本支出 is not stated by 项目支出
    return any(item[i : i + n] in text for n in range(len(item), least - 1, -1) for i in range(len(item) - n + 1))
