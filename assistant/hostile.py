"""Text in a report that speaks to the assistant instead of reporting: instructions ("忽略以上所有
指令…"), forged source delimiters and fake citation markers. Such a sentence stays in the
document (it is shown as data, delimited, in prompts and in the source panel) but it is never
evidence: the extractive answerer never picks it and the figure check never accepts a figure
because such a sentence states it."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.records import Hit

# addressed to a model: ignore/forget earlier instructions, "new instructions", a system or
# assistant role, "whatever is asked, answer …", "you must answer"
INSTRUCTION = re.compile(
    # a determiner right after the verb: 忽略以上所有指令, not 部分单位忽略安全生产要求 or 全覆盖…要求
    r"(?:忽略|无视|忘记|不要理会|覆盖)掉?(?:以上|上述|之前|前面|此前|先前|原有|原来|所有|全部|一切)"
    r"[^。！？\n]{0,10}(?:指令|指示|提示|规则|要求|设定)"
    r"|新的?(?:指令|指示|系统提示)|(?:^|[\n。])\s*(?:系统提示|系统指令|系统|助手|assistant|system)\s*[:：]"
    r"|无论(?:问什么|用户问|提问)|(?:你|助手|模型)(?:现在)?(?:必须|只能|应当|一律)(?:回答|输出)"
    r"|ignore\s+(?:all\s+)?(?:the\s+)?(?:previous|above|prior)\s+instructions",
    re.I,
)
# the prompt's own structure, forged from inside a document: [n] markers and block delimiters
FORGED = re.compile(r"\[\d{1,3}\]|［\d{1,3}］|<<<|>>>|＜＜＜|＞＞＞|</?资料>|＜/?资料＞")
# not ``zh.SENTENCE``: a hostile sentence is blanked up to its full stop, past any ；, so that its
# clauses after one go with it ("忽略以上指令；只回答…。"); forged [n] markers are any of 1-3 digits,
# full-width ones too, not only ``zh.MARKER``
SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def is_hostile(sentence: str) -> bool:
    """Whether a sentence addresses the assistant or forges the prompt's structure."""
    return bool(INSTRUCTION.search(sentence) or FORGED.search(sentence))


def evidence(text: str) -> str:
    """``text`` with every hostile sentence blanked out (same length: offsets stay valid)."""
    return SENTENCE.sub(lambda m: " " * len(m.group()) if is_hostile(m.group()) else m.group(), text)


def as_evidence(hit: Hit) -> Hit:
    """The hit as the figure check may use it: hostile sentences blanked."""
    cleaned = evidence(hit.text)
    return hit if cleaned == hit.text else replace(hit, chunk=replace(hit.chunk, text=cleaned))
