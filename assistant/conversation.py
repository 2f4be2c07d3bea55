"""One question and its answer as the chat keeps it: the answer, its sources and the scope asked in."""

from __future__ import annotations

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


def ask(assistant: Assistant, question: str, filters: Filters | None = None) -> Turn:
    """Ask within the filters; the sources keep the documents they came from, even if removed later."""
    filters = filters or Filters()
    documents = assistant.library.documents()
    answer = assistant.ask(question, scope=scope_of(documents, filters))
    return Turn(answer, sources_of(answer, documents), describe(documents, filters))
