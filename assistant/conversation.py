"""One question and its answer as the chat keeps it: the answer, its sources and the scope asked in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answering import Assistant
from assistant.records import Answer
from assistant.scope import Filters, describe, scope_of
from assistant.sources import Source, sources_of


@dataclass(frozen=True)
class Turn:
    answer: Answer
    sources: tuple[Source, ...]
    scope: str  # the documents searched, in words (全部 3 份报告)

    @property
    def question(self) -> str:
        return self.answer.question


def ask(
    assistant: Assistant,
    question: str,
    filters: Filters | None = None,
    history: Sequence[Turn] = (),
    on_token: Callable[[str], None] | None = None,
) -> Turn:
    """Ask within the filters, as a follow-up of the earlier turns; the sources keep the documents
    they came from, even if removed later. ``on_token`` receives an LLM's draft as it is written."""
    filters = filters or Filters()
    documents = assistant.library.documents()
    asked = [t.answer.asked or t.question for t in history]
    answer = assistant.ask(question, scope=scope_of(documents, filters), history=asked, on_token=on_token)
    return Turn(answer, sources_of(answer, documents), describe(documents, filters))
