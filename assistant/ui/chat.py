"""The chat as plain data: the conversation in the order it was held (answers and the memos kept
with them), the suggested questions, an LLM's draft as it streams, and the first run's sample
reports. Only ``draft`` and ``load_sample_reports`` touch the store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering import Assistant
from assistant.conversation import Turn
from assistant.drafting import Memo, drafter_for, is_draft_request
from assistant.records import DocumentInfo
from assistant.samples import example_questions, load_samples, sample_files
from assistant.scope import Filters, describe, scope_of
from assistant.ui.panels import Block, answer_blocks, memo_blocks
from assistant.ui.sidebar import Notice
from assistant.ui.text import escape
from ingest.pipeline import IngestOptions, IngestReport, Progress

__all__ = ["DraftedMemo", "draft", "example_questions", "history", "is_draft_request"]

EMPTY_LIBRARY = "资料库为空。可以一键导入随附的示例报告，或在左侧上传报告（PDF、DOCX、TXT）。"


class Drafting:
    """An LLM's answer as it is written, shown as a draft until it is checked."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def add(self, text: str) -> str:
        """Add the next piece; the draft so far, as its caption."""
        self.written.append(text)
        return "草稿（核对中）：" + escape("".join(self.written))


@dataclass(frozen=True)
class DraftedMemo:
    """A memo kept in the chat: drafted before the ``position``-th question, within ``scope``."""

    position: int
    request: str
    memo: Memo
    scope: str  # the documents it was drafted from, in words


def draft(
    assistant: Assistant, documents: Sequence[DocumentInfo], filters: Filters, request: str, position: int
) -> DraftedMemo:
    """A memo for a chat request (写…汇报/摘要/总结), drafted from the documents within the filters."""
    memo = drafter_for(assistant).draft(request, scope=scope_of(documents, filters))
    return DraftedMemo(position, request, memo, describe(documents, filters))


def memos_at(memos: Sequence[DraftedMemo], position: int) -> list[tuple[int, DraftedMemo]]:
    """The memos drafted before the ``position``-th question, with their index, in the order asked."""
    return [(index, kept) for index, kept in enumerate(memos) if kept.position == position]


def history(turns: Sequence[Turn], memos: Sequence[DraftedMemo]) -> list[tuple[str, list[Block]]]:
    """The conversation in the order it was held, as (what the user asked, the blocks answering it):
    each memo before the question asked after it."""
    shown: list[tuple[str, list[Block]]] = []
    for position in range(len(turns) + 1):
        shown.extend((kept.request, memo_blocks(kept.memo, kept.scope, i)) for i, kept in memos_at(memos, position))
        if position < len(turns):
            shown.append((turns[position].question, answer_blocks(turns[position], position)))
    return shown


def sample_count() -> int:
    """How many sample reports are bundled (none where the package is installed without them)."""
    return len(sample_files())


def samples_label(count: int) -> str:
    return f"导入示例报告（{count} 份）"


def sample_notices(report: IngestReport) -> list[Notice]:
    """A notice per sample report: its title and file when it was imported, the reason when it failed."""
    notices: list[Notice] = []
    for result in report.results:
        if result.status == "failed":
            notices.append(("error", result.error))
        elif result.info is not None:
            notices.append(("success", f"已导入《{result.info.title}》（{result.info.doc}）"))
    return notices


def load_sample_reports(assistant: Assistant, options: IngestOptions, progress: Progress) -> list[Notice]:
    return sample_notices(load_samples(assistant.library, options, progress))
