"""What the download buttons offer: an answer, the whole conversation or a memo as Markdown and
Word, with their file names. A Word file is built only when its button is clicked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.conversation import Turn
from assistant.drafting import Memo
from assistant.export import answers_to_docx, answers_to_markdown, export_name
from assistant.memo_export import memo_file_name, memo_to_docx, memo_to_markdown

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKDOWN = "text/markdown"


@dataclass(frozen=True)
class Download:
    label: str
    data: str | Callable[[], bytes]  # a callable is called when the button is clicked
    file_name: str
    mime: str
    key: str  # the button's widget key


def answer_downloads(turns: Sequence[Turn], index: int | None = None) -> list[Download]:
    """Markdown and Word of ``turns``: answer ``index`` (0-based; keys turn-N-…) or, without an
    index, the whole conversation (keys all-…)."""
    answers = [t.answer for t in turns]
    scopes = [t.scope for t in turns]
    key = "all" if index is None else f"turn-{index}"
    markdown, name = answers_to_markdown(answers, scopes), export_name(len(turns), index, "md")
    word = export_name(len(turns), index, "docx")
    return [
        Download("导出 Markdown", markdown, name, MARKDOWN, f"{key}-md"),
        Download("导出 Word", lambda: answers_to_docx(answers, scopes), word, DOCX, f"{key}-docx"),
    ]


def memo_downloads(memo: Memo, index: int) -> list[Download]:
    """Word and Markdown of the chat's ``index``-th memo (keys memo-N-…), named after its title."""
    return [
        Download("下载 Word", lambda: memo_to_docx(memo), memo_file_name(memo, "docx"), DOCX, f"memo-{index}-docx"),
        Download("下载 Markdown", memo_to_markdown(memo), memo_file_name(memo, "md"), MARKDOWN, f"memo-{index}-md"),
    ]
