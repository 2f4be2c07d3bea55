"""Follow-up questions made whole from the conversation: 那2024年呢？ after a question about 2025.

By rule when the follow-up only changes the year or the department (no model needed, offline);
otherwise the caller may ask the LLM with ``prompts/followup.md``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.query import aliases, analyse, short_name
from assistant.records import DocumentInfo

FOLLOW_UP = re.compile(r"^(?:那|那么|还有|再看|换成|如果是)|呢[？?]?$")
YEARS = re.compile(r"(?:19|20)\d{2}\s*年(?:度)?")
FILLER = re.compile(r"^(?:那么|那|还有|再看看?|换成|如果是)|(?:的情况|的)?呢[？?]?$|[？?。，,\s]")
MAX_FOLLOW_UP = 24  # characters: a longer question stands on its own


def is_follow_up(question: str) -> bool:
    return len(question) <= MAX_FOLLOW_UP and bool(FOLLOW_UP.search(question))


def rewrite_follow_up(question: str, previous: str, documents: Sequence[DocumentInfo]) -> str:
    """``previous`` with the years and department the follow-up names; the follow-up itself when
    it says more than that (the LLM, if any, may then rewrite it)."""
    years = YEARS.findall(question)
    now = analyse(question, documents)
    rest = FILLER.sub("", YEARS.sub("", question))
    for department in now.departments:
        for alias in sorted(aliases(department), key=len, reverse=True):
            rest = rest.replace(alias, "")
    if rest or not (years or now.departments):
        return question  # 那公务接待费呢？ changes the item: not a rule's job
    rewritten = previous
    if years:
        old = YEARS.findall(previous)
        if old:
            rewritten = YEARS.sub(lambda _: "\0", rewritten)
            new = [years[min(i, len(years) - 1)].strip() for i in range(len(old))]
            for year in new:
                rewritten = rewritten.replace("\0", year, 1)
        else:
            rewritten = years[0].strip() + rewritten
    if now.departments:
        before = analyse(previous, documents)
        target = short_name(now.departments[0])
        replaced = False
        for department in before.departments:
            for alias in sorted(aliases(department), key=len, reverse=True):
                if alias in rewritten:
                    rewritten = rewritten.replace(alias, target)
                    replaced = True
                    break
        if not replaced:
            rewritten = target + rewritten
    return rewritten
