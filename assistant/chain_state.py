"""What flows through the answering chain (LCEL), stage by stage: the question asked (``Ask``),
the question with what retrieval found for it (``ChainState``, what the prompt and the model step
read) and what the chain returns (``ChainOutput``). Frozen records, no logic."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.query import QueryAnalysis
from assistant.records import CheckedFigure, Citation, Draft, Hit


@dataclass(frozen=True)
class Ask:
    """The chain's input: a question and what restricts the search."""

    question: str
    year: int | None = None  # only reports of this year
    scope: Sequence[str] | None = None  # only these document ids; None: the whole store
    on_token: Callable[[str], None] | None = None  # receives an LLM's draft as it is written


@dataclass(frozen=True)
class ChainState:
    """The question with what retrieval found for it."""

    question: str
    analysis: QueryAnalysis
    hits: tuple[Hit, ...]
    tokens: tuple[str, ...]  # the question's search words (without the years and names that scope it)
    idf: Callable[[str], float]  # how much a word counts, from the whole store
    reason: str = ""  # why the store cannot answer, known before reading the passages ("" when it may)
    scoped_types: frozenset[str] = frozenset()  # report types of the documents searched
    scoped_years: frozenset[int] = frozenset()  # their years
    retrieve_ms: float = 0.0
    prompt: str = ""  # the answer prompt with the numbered sources (what an LLM reads)
    on_token: Callable[[str], None] | None = None


@dataclass(frozen=True)
class ChainOutput:
    """The draft the model step wrote, its markers resolved and its figures checked."""

    state: ChainState
    draft: Draft
    text: str  # the draft's text, [n] renumbered and unsupported figures removed
    citations: tuple[Citation, ...]
    figures: tuple[CheckedFigure, ...]
