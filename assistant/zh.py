"""Rules of Chinese report text, each in one place: where a sentence ends, the [n] citation
markers, the refusal words. Pure; every stage imports these instead of keeping its own copy."""

from __future__ import annotations

import re

SENTENCE_END = "。！？；!?;"  # a sentence (or a clause closed by ；) ends with one of these
CLOSERS = "”’」』)）"  # closing quotes and brackets that belong to the sentence before them
# a sentence: up to and including its end marks and closers; or the rest of a line without one
SENTENCE = re.compile(rf"[^{SENTENCE_END}\n]*[{SENTENCE_END}]+[{CLOSERS}]*|[^{SENTENCE_END}\n]+")
MARKER = re.compile(r"\[(\d+)\]")  # a citation marker [n] in an answer or a draft
MARKER_RUN = re.compile(r"(?:\[\d+\])+")  # [1][3]: the sources one sentence cites
NOT_FOUND = "报告中未找到"  # how an answer says the reports do not say
SOURCE_LABEL = re.compile(r"（[^（）]{1,40}，(?:19|20)\d{2}年）")  # （某局，2026年）: whose report an answer quotes


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, line by line, stripped (no line joining: see extractive)."""
    return [s.strip() for s in SENTENCE.findall(text) if s.strip()]
