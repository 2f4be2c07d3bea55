"""Prompts are files in ``prompts/``, loaded by name; a missing variable fails loudly."""

from __future__ import annotations

import string
from collections.abc import Sequence
from importlib import resources

from langchain_core.prompts import PromptTemplate

from assistant.records import Hit


def load_prompt(name: str) -> PromptTemplate:
    """A prompt shipped in the ``prompts`` package (``prompts/NAME.md``)."""
    text = resources.files("prompts").joinpath(f"{name}.md").read_text(encoding="utf-8")
    return PromptTemplate.from_template(text)


# The characters that delimit sources (<<< >>>, <资料> </资料>) and number them ([n]) never reach a
# prompt from a document: a report cannot close its own block, open a forged one or pose as a
# citation. Their full-width forms read the same to a person and a model.
DATA_MARKS = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］"})


def as_data(text: str) -> str:
    """Document text as it goes into a prompt, unable to forge the prompt's structure."""
    return text.translate(DATA_MARKS)


def format_sources(hits: Sequence[Hit]) -> str:
    """Numbered sources, each delimited so its text is read as data (see ``as_data``)."""
    blocks = []
    for n, hit in enumerate(hits, start=1):
        where = " ".join(as_data(f"{hit.info.title}｜{hit.info.year or ''}｜{hit.page_label}").split())
        where = where.replace("（", "(").replace("）", ")")  # the header's own brackets stay unique
        blocks.append(f"[{n}] （{where}）\n<<<\n{as_data(hit.text)}\n>>>")
    return "\n\n".join(blocks)


def render(template: PromptTemplate, **values: str) -> str:
    missing = set(template.input_variables) - set(values)
    if missing:
        raise KeyError(f"prompt variables missing: {sorted(missing)}")
    names = {field for _, field, _, _ in string.Formatter().parse(template.template) if field}
    return template.format(**{k: v for k, v in values.items() if k in names})
