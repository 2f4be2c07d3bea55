"""Several answers made one: the parts of a question in several parts, or one answer per body
an ambiguous name may mean, each labelled. Citations are renumbered across the answers (a
passage cited twice keeps one number); figures keep the check each part passed. Pure."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

from assistant.citations import REMOVED
from assistant.records import Answer, AnswerMode, CheckedFigure, Citation
from assistant.zh import MARKER, NOT_FOUND, SOURCE_LABEL

JOINED = re.compile(r"(?<=\])；")  # where an answer's sentences, each citing its source, are joined


def renumbered(text: str, numbers: dict[int, int]) -> str:
    return MARKER.sub(lambda m: f"[{numbers.get(int(m.group(1)), int(m.group(1)))}]", text)


def combine(
    question: str,
    labelled: Sequence[tuple[str, Answer]],
    refuse: Callable[[str], str],
    mode: AnswerMode,
    separator: str = "；",
) -> Answer:
    """``labelled``: (label, answer) pairs; a label "" adds nothing before its answer. The whole is
    refused only when every part is; a refused part says 报告中未找到 in its place."""
    citations: list[Citation] = []
    texts: list[str] = []
    figures: list[CheckedFigure] = []
    for label, answer in labelled:
        if answer.refused:
            texts.append(f"{label}{NOT_FOUND}（{answer.reason or '没有直接对应的内容'}）")
            continue
        renumber: dict[int, int] = {}
        for citation in answer.citations:
            same = next((c for c in citations if c.chunk_id == citation.chunk_id and c.page == citation.page), None)
            if same is None:
                same = dataclasses.replace(citation, n=len(citations) + 1)
                citations.append(same)
            renumber[citation.n] = same.n
        text = renumbered(answer.answer, renumber)
        said = SOURCE_LABEL.match(text)
        if said and any(said.group() in t for t in texts):  # （某局，2026年） once is enough
            text = text[said.end() :]
        given = "".join(texts)  # a sentence an earlier part already gave is not said twice
        text = "；".join(p for p in JOINED.split(text) if SOURCE_LABEL.sub("", p) not in given)
        if text and not any(f"{label}{text}" in t for t in texts):  # a part the whole already answered so
            texts.append(f"{label}{text}")
            figures += answer.figures
    answered = [a for _, a in labelled if not a.refused]
    if not answered:
        reason = next((a.reason for _, a in labelled if a.reason), "")
        return Answer(question, refuse(reason), True, reason, (), (), mode)
    return Answer(question, separator.join(texts), False, "", tuple(citations), tuple(figures), mode)


def kept_sentences(answer: Answer, keep: Callable[[str], bool]) -> Answer | None:
    """``answer`` with only the sentences ``keep`` accepts, and the citations and figures they
    still use; None when none is kept. A refused answer is returned as it is."""
    if answer.refused:
        return answer
    sentences = [s for s in JOINED.split(answer.answer) if keep(s) and REMOVED not in s]
    if not sentences:
        return None
    text = "；".join(sentences)
    label = SOURCE_LABEL.match(answer.answer)  # （某局，2026年） stays in front
    text = text if label is None or text.startswith(label.group()) else label.group() + text
    used = {int(n) for n in MARKER.findall(text)}
    citations = tuple(c for c in answer.citations if c.n in used)
    figures = tuple(f for f in answer.figures if f.text in text)
    return dataclasses.replace(answer, answer=text, citations=citations, figures=figures)
