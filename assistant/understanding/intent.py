"""What a question asks, in order of precedence: a comparison across groups (two or more bodies
or years that resolve to documents), several parts (X和Y各是多少; …多少？其中…多少？), or one
lookup. Pure: the parts are questions of their own, each carrying the body, years and the scene
(…收入总表里，) of the whole question so that it is answered from the same reports, and each
knowing its own item, the thing it asks about.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import NamedTuple

from assistant.understanding.names import Mention
from assistant.zh import MARKER, SOURCE_LABEL

CLAUSE_END = re.compile(r"[？?；;]+")
THEN = re.compile(r"[，,]\s*(?=其中|另外|以及|还有|同时)")
# 编制多少人，年初在职多少，…: a clause that ends asking, then another
ASKED_THEN = re.compile(
    r"(?:(?<=多少)|(?<=多少[人个项次名家辆台批元])|(?<=几[个人项次名家辆台批]))[，,]\s*(?=[\u4e00-\u9fff])"
)
EACH = re.compile(r"(各|分别)(?=(?:是|为|有|安排|花|预算|支出|占|达到|增加|减少|下降|增长|多少|了|都))")
COUNTED = re.compile(r"(?:这|那)?[两二三四五六七八九几]+(?:项|个|类|部分|笔|者)$")  # X和Y两项各…
LIST_SPLIT = re.compile(r"[和及与]|以及")
ASKS = re.compile(
    r"多少|多[大高快长重远]|几|哪些|哪几|什么|为何|为什么|原因|如何|怎么|是否|吗|还是|是增是减|啥|咋|了没|有没有|呢$"
)
YEARS = re.compile(r"(?:(?:19|20)\d{2}\s*[-—–~至到、和]\s*)*(?:19|20)\d{2}\s*年度?")
QUOTED = re.compile(r"[“\"「『]([^”\"」』]{3,30})[”\"」』]")
MAX_PARTS = 4
DEPENDENT = re.compile(
    r"^(?:其中|主要|原因|为什么|为啥|为何|是什么原因|啥原因|咋|占|比上年|比去年|增长|增加|减少|下降|差|相差)"
)


SAID_WITH_IT = re.compile(
    r"^(?:差多少|相差多少|差了多少|差额是?多少|(?:是|有)?(?:啥|什么|哪些)原因|原因是什么|为啥|为什么|咋回事)[？?]?$"
)
CHANGE_ONLY = re.compile(
    r"(?:比上年|比去年|同比)?(?:增长|增加|减少|下降|增幅|降幅|变化|差额?|相差)?"
)  # of the item before


class Part(NamedTuple):
    """One part of a question: the whole question it stands for, the item it asks about, and
    what the scene all parts share names (行政运行 of …财政事务里的行政运行（项），…), if anything."""

    text: str
    item: str
    scene: str = ""


def split_parts(question: str, mentions: Sequence[Mention] = ()) -> list[str]:
    """The parts of a question in several parts, each a whole question; [question] otherwise."""
    return [p.text for p in question_parts(question, mentions)]


def question_parts(question: str, mentions: Sequence[Mention] = ()) -> list[Part]:
    """The parts of a question, each with its item; one part (the question) when it has one."""
    clauses = [
        c.strip(" ，,") for c in CLAUSE_END.split(THEN.sub("？", ASKED_THEN.sub("？", question))) if c.strip(" ，,")
    ]
    split: list[tuple[str, str]] = []  # (clause, item listed before 各) per part
    for clause in clauses:
        split += _each(clause)
    split = [s for s in split if ASKS.search(s[0])]
    context = context_of(question, mentions)
    # 比23年多了还是少了？差多少，啥原因: the change and its reason are said with the first part's figure
    split = split[:1] + [s for s in split[1:] if not (s[1] == "" and SAID_WITH_IT.match(s[0]))]
    if len(split) < 2 or len(split) > MAX_PARTS:
        return [Part(question, "")]
    scene = _scene(split[0][0], context)
    named = _scene_item(scene, context) or (QUOTED.findall(split[0][0]) or [""])[-1]  # “公立医院”这一行
    first = ASKS.sub("", split[0][0]).rstrip("了的是为有 ，,")
    first_item = _bare(split[0][1], context) or part_item(split[0][0], context)
    parts = [Part(split[0][0], first_item, named)]
    for text, listed in split[1:]:
        listed = _bare(listed, context)
        own = listed or part_item(text, "")
        # 其中…, 主要原因…, 增长多少, 去了几人次 (no item of its own): of the first part's item
        garbled = len(own) <= 2 and own not in text
        if DEPENDENT.match(text) or garbled:
            parts.append(Part(f"{first}，{text}", first_item if CHANGE_ONLY.fullmatch(own) or garbled else own, named))
        else:
            text, listed = _same_item(text, listed, first_item)
            whole = text if _has_context(text, context) else scene + text
            said_when = SAID_WHEN.search(split[0][0])  # …里，去年X是多少？Y增长了多少？: Y of 去年 too
            if said_when and not SAID_WHEN.search(whole):
                whole = (
                    whole[: len(scene)] + said_when.group() + whole[len(scene) :] if whole.startswith(scene) else whole
                )
            parts.append(Part(whole, listed or part_item(text, context), named if whole.startswith(scene) else ""))
    return parts


SAID_WHEN = re.compile(r"今年|去年|上年|上一年|明年")
WHEN = re.compile(r"今年|去年|上年|明年|全年|实际|预计|目标")


def _same_item(text: str, listed: str, first_item: str) -> tuple[str, str]:
    """…城镇新增就业目标是多少？去年实际新增了多少？: a later part that names only a piece of the
    first part's item asks about that item (at another time): 去年实际城镇新增就业."""
    first = WHEN.sub("", first_item)
    own = WHEN.sub("", FILLER.sub("", text))
    if listed or len(first) < 4 or not 2 <= len(own) < len(first) or own not in first:
        return text, listed
    return text.replace(own, first, 1), "".join(WHEN.findall(text)) + first


def _each(clause: str) -> list[tuple[str, str]]:
    """X和Y各是多少 -> (X是多少, X), (Y是多少, Y), with what comes before X kept on each;
    [(clause, "")] for a clause that lists nothing."""
    each = EACH.search(clause)
    if not each:
        return [(clause, "")]
    head, tail = clause[: each.start()], clause[each.end() :]
    head = COUNTED.sub("", head)
    listed_from = head.find("、") if "、" in head else len(head)  # 专户管理的事业收入: 的 inside the list
    cut = max(head.rfind(c, 0, listed_from) for c in "，,：:里中的") + 1
    row = re.search(r".*(?:这一?行|一行|这一?项)", head)  # “公立医院”这一行全年预算数、执行数…
    cut = max(cut, row.end() if row else 0)
    lead, listed = head[:cut], head[cut:]
    items = listed_items(listed)
    if len(items) < 2 or any(len(i) < 2 for i in items) or YEARS.fullmatch("".join(items)):
        return [(clause, "")]
    return [(f"{lead}{item}{tail}", item) for item in items]


MEASURES = re.compile(r"(?:总量|总额|规模|增速|增幅|增长率|增长|占比|比重|人数|金额)$")


def _shared_head(items: list[str]) -> list[str]:
    """GDP总量和增速 -> GDP总量, GDP增速: a bare measure listed after an item's measure is of the
    same item."""
    first = MEASURES.search(items[0]) if items else None
    if not first or first.start() < 2:
        return items
    head = items[0][: first.start()]
    return [items[0]] + [head + i if MEASURES.fullmatch(i) else i for i in items[1:]]


def listed_items(listed: str) -> list[str]:
    """社会保障和就业支出、住房保障支出 -> the two of them: with 、 in the list, 和 splits only a
    last piece whose two sides end or begin alike (公用经费和项目经费, 执行数和执行率), as 和 is part
    of many names."""
    if "、" not in listed:
        return _shared_head([i.strip() for i in LIST_SPLIT.split(listed) if i.strip()])
    items = [i.strip() for i in listed.split("、") if i.strip()]
    if items:
        last = [i for i in LIST_SPLIT.split(items[-1]) if i]
        alike = len(last) == 2 and (last[0][-1] == last[1][-1] or last[0][:2] == last[1][:2])
        if alike and len(last[0]) >= 2:  # 公用经费和项目经费, 执行数和执行率; not 社会保障和就业支出
            items[-1:] = last
    return _shared_head(items)


def _bare(item: str, context: str) -> str:
    """An item listed right after the body and years (某局2026年A和B各…): without them."""
    for piece in [context, *re.split(r"(?<=年)", context)]:
        item = item[len(piece) :] if piece and item.startswith(piece) else item
    return YEARS.sub("", item)


def _scene(first: str, context: str) -> str:
    """What the first clause says before its last comma, when it names the body or years: the
    table or report the other clauses are asked in (深圳某局2026年收入总表里，)."""
    cut = max(first.rfind("，"), first.rfind(","))
    head = first[: cut + 1] if cut > 0 else ""
    return head if head and context and _has_context(head, context) else context


SCENE_TAIL = re.compile(r"[（(][类款项][）)]$|(?:这一?[行项]|一行|科目)$")


def _scene_item(scene: str, context: str) -> str:
    """The thing a scene names beyond the body and years: 行政运行 of 某局2024年财政事务里的行政运行（项），;
    "" for a scene that is only a table (某局2026年收入总表里，) or the body and years."""
    rest = re.split(r"[里中的]", _bare(scene, context).rstrip("，, "))[-1]
    rest = SCENE_TAIL.sub("", QUOTED.sub(r"\1", rest)).strip('“”"')
    return "" if len(rest) < 2 or rest.endswith("表") or rest.endswith("报告") else rest


def context_of(question: str, mentions: Sequence[Mention]) -> str:
    """The body and years the first clause names, to carry into the others."""
    names = "".join(dict.fromkeys(m.text for m in mentions if m.text))
    years = "".join(dict.fromkeys(y.group().strip() for y in YEARS.finditer(question)))
    return names + years


def _has_context(part: str, context: str) -> bool:
    return (
        not context
        or part.startswith(context)
        or all(piece in part for piece in re.split(r"((?:19|20)\d{2}\s*年度?)", context) if piece)
    )


FILLER = re.compile(
    r"多少钱|多少|多[大高快长重远]|几[个项名人次家台辆]?|是什么|什么|哪些|哪几个|为什么|为啥|为何|如何|怎么样?|是否|吗|呢$|"
    r"一共|总共|合计|共计|其中|另外|以及|还有|同时|主要|分别|各|的|了|是|为|有|安排|花|占|达到|预算数?|支出了|"
    r"又|做|开展|进行|^[对在向给把就]|(?<=[表告书出算单])[里中]|[“”\"「」『』]|[，,。？?：:；;\s]"
)


def part_item(part: str, context: str, lead: str = "") -> str:
    """What a part asks about, without the body, years, asking words and the ``lead`` all parts
    share: 奖金 in 长沙市信访局2026年奖金占了多少; 项目支出 in X部门预算里项目支出是多少; a quoted
    name when the part quotes one (“精准预报”)."""
    quoted = QUOTED.findall(part)
    if quoted:
        return quoted[-1]
    text = part[len(lead) :] if lead and part.startswith(lead) and len(part) > len(lead) else part
    text = text[len(context) :] if context and text.startswith(context) else text
    text = YEARS.sub("", text)
    last = re.split(r"[，,]", text)[-1] or text
    return FILLER.sub("", last)


LOOSE = re.compile(r"[\s“”\"「」『』‘’]")
ASKED_AT = re.compile(r"(?:是|为|有|安排了?|花了?|投入了?|达到|共|一共)?(?:多少|多[大高快长重远]|几)")
LEAD = re.compile(r".*(?:(?:19|20)\d{2}年度?|[，,：:])")


def asked_phrase(question: str, names: Sequence[str] = ()) -> str:
    """What a question asks about as it says it, after its body and years and before its asking
    words (政府采购预算 of 某局2026年政府采购预算是多少); "" when that is under four characters."""
    for name in sorted(names, key=len, reverse=True):
        question = question.replace(name, "，") if len(name) >= 2 else question
    asks = ASKED_AT.search(question)
    if not asks:
        return ""
    phrase = LOOSE.sub("", LEAD.sub("", question[: asks.start()]))
    return phrase if len(phrase) >= 4 else ""


ITEM_NOISE = re.compile(r"[“”\"「」『』的]|预算数?")  # what items drop: quotes, 的, 预算


def states(item: str, text: str) -> bool:
    """Whether an answer speaks of ``item``: a good share of it, in one piece."""
    if not item:
        return True
    least = max(2, math.ceil(len(item) * 0.6))  # 基本支出 is not stated by 项目支出
    text = ITEM_NOISE.sub("", text)  # “三公”经费 states 三公经费, as items drop 的/预算
    return any(item[i : i + n] in text for n in range(len(item), least - 1, -1) for i in range(len(item) - n + 1))


def gives_item(item: str, text: str, others: Sequence[str] = ()) -> bool:
    """Whether ``text`` gives a figure for ``item``: a share of it, as ``states`` reads it, with a
    figure soon after in the same clause list (基本建设项目支出; gives no 项目支出). ``others``: the
    items of the other parts, which do not give this one (专户管理的事业收入434万元 is not 收入)."""
    if not item:
        return True
    text = ITEM_NOISE.sub("", text)
    for other in sorted((o for o in others if item in o and o != item), key=len, reverse=True):
        text = text.replace(ITEM_NOISE.sub("", other), "#")
    least = min(max(2, math.ceil(len(item) * 0.6)), 4)  # a long item (某表合计): any four of it
    pieces = (item[i : i + n] for n in range(len(item), least - 1, -1) for i in range(len(item) - n + 1))
    return any(re.search(re.escape(piece) + r"[^。；;！？!?\n\[]{0,16}?\d", text) for piece in pieces)


def gives_any(items: Sequence[str], sentence: str) -> bool:
    """Whether ``sentence`` gives a figure of one of ``items`` (not `…1140.0万元,主要用于:基本建设项目
    支出;` when 基本支出 and 项目支出 are asked); a sentence with no figure has nothing to give and passes."""
    plain = SOURCE_LABEL.sub("", MARKER.sub("", sentence))
    return not re.search(r"\d", plain) or any(gives_item(i, plain, items) for i in items)
