"""The answering chain (LCEL): retrieve -> prompt -> model -> citations -> figure check.

The model step is swappable: the extractive answerer is the offline default; an LLM plugs in
as another Runnable with the same input and output.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableLambda, RunnableParallel, RunnablePassthrough

from assistant.cells import CHANGE_BEFORE, CHANGE_ITEM
from assistant.chain_state import Ask, ChainOutput, ChainState
from assistant.citations import check_figures, resolve_citations
from assistant.combine import combine, kept_sentences
from assistant.compare import Plan, compare, plan_comparison
from assistant.config import Settings
from assistant.extractive import expected_kind
from assistant.figures import Figure, find_figures
from assistant.followup import is_follow_up, rewrite_follow_up
from assistant.library import Library
from assistant.llm import LLMAnswerer, fallback_on, invoke
from assistant.offline import extractive_model, with_declared_unit
from assistant.prompting import as_data, format_sources, load_prompt, render
from assistant.query import QueryAnalysis, analyse, short_name, spelled_out
from assistant.recognised import with_ocr_flags
from assistant.records import DOC_TYPES, Answer, AnswerMode, DocumentInfo, Draft, Hit
from assistant.retrieval import HybridRetriever, question_tokens
from assistant.timing import (
    ACTUAL_ASKED,
    ASKS_CHANGE,
    PAST_ASKED,
    STATES_CHANGE,
    TARGET_QUESTION,
    TARGET_WORDS,
)
from assistant.understanding.intent import Part, gives_any, gives_item, question_parts, states
from assistant.understanding.names import closest

MAX_CANDIDATES = 4  # an ambiguous name: at most so many bodies answered


def refusal_reason(
    analysis: QueryAnalysis, documents: Sequence[DocumentInfo], hits: Sequence[Hit], year: int | None = None
) -> str:
    """Why the store cannot answer, judged before reading the passages; "" when it may."""
    if not documents:
        return "资料库为空：请先导入报告。"
    if year is not None and not any(d.year == year for d in documents if d.doc_id in analysis.doc_ids):
        have = "、".join(str(y) for y in sorted({d.year for d in documents if d.year})) or "无"
        return f"已收录的报告中没有{year}年度的报告；现有年份：{have}"
    if analysis.unknown_orgs and not analysis.departments:
        named = [u for u in analysis.unknown_orgs if any(u in h.text for h in hits)]
        if len(named) < len(analysis.unknown_orgs):  # no passage names it either
            absent = [u for u in analysis.unknown_orgs if u not in named]
            near = closest(absent[0], documents)
            hint = f"；您是不是指：{'、'.join(near)}？" if near else ""
            what = "、".join(absent) if absent[0].endswith(DOC_TYPES) else f"{'、'.join(absent)}的报告"
            return f"已收录的报告中没有{what}{hint}"
    if analysis.years:
        scoped = [d for d in documents if d.doc_id in analysis.doc_ids] or list(documents)
        have_years = {d.year for d in scoped if d.year}
        # work reports review the year before; budgets report the year before's execution
        covered = {y for y in analysis.years if any(d.mentions_year(y) for d in scoped)}
        mentioned = {y for y in analysis.years if any(f"{y}年" in h.text or h.info.year == y for h in hits)}
        missing = [y for y in analysis.years if y not in covered and y not in mentioned]
        if missing:
            who = "、".join(analysis.departments) or "所选范围"
            years = "、".join(str(y) for y in sorted(have_years)) or "无"
            return f"已收录的报告中没有{who}{'、'.join(map(str, missing))}年度的报告；现有年份：{years}"
    return ""


def is_cell(text: str, figure: Figure) -> bool:
    """A bare number standing as a cell of a table row ("基本支出 12,634.14 财政拨款"): an amount
    in the table's unit."""
    return not figure.unit and text[figure.start - 1 : figure.start].isspace()


def nearest_items(hits: Sequence[Hit], limit: int = 3) -> list[str]:
    items = []
    for hit in hits[:limit]:
        snippet = hit.text.replace("\n", " ")[:60]
        items.append(f"《{hit.info.title}》{hit.page_label}：{snippet}…")
    return items


class Assistant:
    """Answers questions over one Library. Build it with ``assistant.open_assistant``."""

    def __init__(
        self,
        library: Library,
        model: Runnable[ChainState, Draft] | None = None,
        mode: AnswerMode = "extractive",
        k: int = 6,
        chat: BaseChatModel | None = None,
        settings: Settings | None = None,
    ) -> None:
        """``chat``: an LLM that writes the answers (checked by code); None for 摘录模式."""
        self.library = library
        self.retriever = HybridRetriever(library=library, k=k)
        self.prompt = load_prompt("answer")
        self.refusal = load_prompt("refusal")
        self.chat = chat
        self.mode: AnswerMode = "llm" if chat is not None else mode
        if model is None:
            model = (
                RunnableLambda(LLMAnswerer(chat, settings)) if chat is not None else RunnableLambda(extractive_model)
            )
        self.chain = self._build_chain(model)
        # comparisons are assembled in code from one extractive answer per year/department and item
        self.extractive_chain = self._build_chain(RunnableLambda(extractive_model)) if chat is not None else self.chain

    def _build_chain(self, model: Runnable[ChainState, Draft]) -> Runnable[Ask, ChainOutput]:
        """Ask -> ChainState (retrieved) -> ChainState (with its prompt) -> draft -> ChainOutput."""
        return (
            RunnableLambda(self._retrieve)
            | RunnableLambda(self._with_prompt)
            | RunnableParallel(state=RunnablePassthrough(), draft=model)
            | RunnableLambda(self._finish)
        )

    def _retrieve(self, ask: Ask) -> ChainState:
        tick = time.perf_counter()
        scope = ask.scope
        everything = self.library.documents()
        documents = [d for d in everything if scope is None or d.doc_id in scope]
        analysis = analyse(ask.question, documents)
        hits = [with_declared_unit(h) for h in self._search(analysis, ask.year, documents)]
        index = self.library.keyword_index(everything)  # word weights from the whole store, whatever the scope
        scoped = [d for d in documents if d.doc_id in analysis.doc_ids] or documents
        return ChainState(
            question=ask.question,
            analysis=analysis,
            hits=tuple(hits),
            tokens=tuple(question_tokens(self.library, analysis, documents)),
            idf=index.weight,
            reason="所选筛选范围内没有报告：请放宽年份、部门或文档筛选。"
            if scope is not None and not documents
            else refusal_reason(analysis, documents, hits, ask.year),
            scoped_types=frozenset(d.doc_type for d in scoped),
            scoped_years=frozenset(d.year for d in scoped if d.year),
            retrieve_ms=(time.perf_counter() - tick) * 1000,
            on_token=ask.on_token,
        )

    def _with_prompt(self, state: ChainState) -> ChainState:
        return replace(state, prompt=render(self.prompt, sources=format_sources(state.hits), question=state.question))

    def _search(self, analysis: QueryAnalysis, year: int | None, documents: Sequence[DocumentInfo]) -> list[Hit]:
        """Hits for the question; a question about several years is searched year by year."""
        in_scope = {d.year for d in documents if d.doc_id in analysis.doc_ids}
        years = [y for y in analysis.years if y in in_scope] if year is None else []
        if len(years) < 2:
            return self.retriever.search(analysis, year=year, documents_list=documents)
        merged: dict[str, Hit] = {}
        per_year = [self.retriever.search(analysis, year=y, documents_list=documents) for y in years]
        for rank in range(self.retriever.k):  # interleave: each year's best first
            for hits in per_year:
                if rank < len(hits):
                    merged.setdefault(hits[rank].chunk_id, hits[rank])
        return list(merged.values())

    def _nearby(self, analysis: QueryAnalysis) -> list[Hit]:
        """Passages near the question in any year (for a refusal whose year filter found none)."""
        return self.retriever.search(analysis, documents_list=self.library.documents())

    def _finish(self, drafted: dict[str, Any]) -> ChainOutput:
        """``drafted``: the state and the draft written from it (what RunnableParallel returns)."""
        state: ChainState = drafted["state"]
        draft: Draft = drafted["draft"]
        text, citations = resolve_citations(draft.text, state.hits, draft.quotes)
        text, figures = check_figures(text, citations)
        return ChainOutput(state, draft, text, tuple(citations), tuple(figures))

    def ask(
        self,
        question: str,
        year: int | None = None,
        scope: Sequence[str] | None = None,
        history: Sequence[str] = (),
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        """Answer ``question``; ``year`` and ``scope`` (document ids) restrict what is searched;
        ``history`` (earlier questions, oldest first) resolves a follow-up such as 那2024年呢？;
        ``on_token`` receives an LLM's draft as it is written (it is checked before it is shown
        as the answer)."""
        tick = time.perf_counter()
        asked = spelled_out(self.rewrite(question.strip(), history))
        if year is None:
            documents = [d for d in self.library.documents() if scope is None or d.doc_id in scope]
            known = self.library.record_index(documents).names(d.doc_id for d in documents)
            plan = plan_comparison(asked, documents, known)
            if plan is not None:
                return self._compare(question, asked, plan, tick)
            analysis = analyse(asked, documents)
            if analysis.ambiguous:
                return self._per_candidate(question, asked, analysis, documents, tick)
            parts = question_parts(asked, analysis.mentions)
            if len(parts) > 1:
                labelled = self._in_parts(asked, parts, scope, tick)
                done = combine(question, labelled, self._refusal_text, self.mode)
                total = round((time.perf_counter() - tick) * 1000, 1)
                asked_as = asked if asked != question.strip() else ""
                return replace(done, asked=asked_as, parts=tuple(p.text for p in parts), timings_ms={"total": total})
        return self._single(question, asked, year, scope, on_token, tick)

    def _in_parts(
        self, asked: str, parts: Sequence[Part], scope: Sequence[str] | None, tick: float
    ) -> list[tuple[str, Answer]]:
        """The question as a whole first, kept when it speaks of a part's item; each part it leaves
        unanswered is then asked on its own."""
        whole = self._single(asked, asked, None, scope, None, tick)
        on_topic = any(states(p.item, whole.answer) and states(p.scene, whole.answer) for p in parts)  # not off-topic
        items = [p.item for p in parts]
        # only its sentences that give a part's item (not 基本建设项目支出; of 项目支出)
        kept = kept_sentences(whole, lambda sentence: gives_any(items, sentence)) if on_topic else None
        answered = "" if whole.refused or kept is None else kept.answer
        labelled = [("", kept)] if kept is not None and answered else []
        for part, item, scene in parts:
            said = (
                answered
                and gives_figure(part, item, answered)
                and states(item, answered)
                and gives_item(item, answered, items)
                and states(scene, answered)
            )
            if said and said_when_asked(part, item, answered):
                continue
            own = self._single(part, part, None, scope, None, tick)
            labelled.append(("", own))
            answered += "" if own.refused else own.answer
        return labelled

    def _refusal_text(self, reason: str) -> str:
        return render(self.refusal, reason=reason).strip()

    def _per_candidate(
        self, question: str, asked: str, analysis: QueryAnalysis, documents: Sequence[DocumentInfo], tick: float
    ) -> Answer:
        """A name several bodies answer to: each candidate answered from its own reports, labelled."""
        mention = analysis.ambiguous[0]
        labelled = []
        for body in mention.bodies[:MAX_CANDIDATES]:
            own = [d.doc_id for d in documents if d.department in body]
            label = short_name(body[0])
            labelled.append((f"【{label}】", self._single(asked, asked, None, own, None, tick)))
        done = combine(question, labelled, self._refusal_text, self.mode, separator="\n")
        names = tuple(short_name(body[0]) for body in mention.bodies)
        note = f"“{mention.text}”对应多个单位（{'、'.join(names)}），已分别作答；您指的是哪一个？"
        total = round((time.perf_counter() - tick) * 1000, 1)
        asked_as = asked if asked != question.strip() else ""
        return replace(
            done, candidates=names, ambiguous=mention.text, note=note, asked=asked_as, timings_ms={"total": total}
        )

    def _single(
        self,
        question: str,
        asked: str,
        year: int | None,
        scope: Sequence[str] | None,
        on_token: Callable[[str], None] | None,
        tick: float,
    ) -> Answer:
        out = self.chain.invoke(Ask(asked, year, scope, on_token))
        draft = out.draft
        refused = draft.refused
        answer_text = out.text if not refused else render(self.refusal, reason=draft.reason).strip()
        total = (time.perf_counter() - tick) * 1000
        answer = Answer(
            question=question,
            answer=answer_text,
            refused=refused,
            reason=draft.reason,
            citations=out.citations if not refused else (),
            figures=out.figures if not refused else (),
            mode=draft.mode,
            timings_ms={"retrieve": round(out.state.retrieve_ms, 1), "total": round(total, 1)},
            nearest=tuple(nearest_items(out.state.hits or self._nearby(out.state.analysis))) if refused else (),
            note=draft.note,
            asked=asked if asked != question.strip() else "",
        )
        return with_ocr_flags(answer)  # figures read from low-confidence recognised lines

    def _compare(self, question: str, asked: str, plan: Plan, tick: float) -> Answer:
        """A comparison question: one extractive sub-answer per group and item, then code."""

        def ask_one(sub: str, doc_ids: Sequence[str]) -> Answer:
            out = self.extractive_chain.invoke(Ask(sub, None, list(doc_ids)))
            return Answer(sub, out.text, out.draft.refused, out.draft.reason, out.citations, (), out.draft.mode)

        done = compare(plan, asked, ask_one, check_figures)
        unreported = any(g.missing for g in plan.groups)  # a year with no report of its own
        if unreported and plan.by == "year" and len(plan.groups) == 2 and ASKS_CHANGE.search(asked):
            stated = self._single(question, asked, None, None, None, tick)  # the change as the report states it
            if not stated.refused and STATES_CHANGE.search(stated.answer):
                return stated
        total = (time.perf_counter() - tick) * 1000
        answer = Answer(
            question=question,
            answer=done.text if not done.refused else render(self.refusal, reason=done.reason).strip(),
            refused=done.refused,
            reason=done.reason,
            citations=done.citations,
            figures=done.figures,
            mode="extractive",
            timings_ms={"total": round(total, 1)},
            asked=asked if asked != question.strip() else "",
            comparison=done.comparison,
        )
        return with_ocr_flags(answer)

    def rewrite(self, question: str, history: Sequence[str]) -> str:
        """A follow-up made whole from the conversation: by rule (years, departments), else by
        the LLM when one is configured."""
        if not history or not is_follow_up(question):
            return question
        by_rule = rewrite_follow_up(question, history[-1], self.library.documents())
        if by_rule != question or self.chat is None:
            return by_rule
        history_text = as_data("\n".join(history[-3:]))  # the user's own words, still data
        prompt = render(load_prompt("followup"), history=history_text, question=as_data(question))
        try:
            reply = invoke(self.chat, prompt)
        except fallback_on():  # a rewrite is a convenience: without it the question is asked as is
            return question
        rewritten = (reply.strip().splitlines() or [""])[0]  # an empty reply rewrites nothing
        return rewritten if 4 <= len(rewritten) <= 120 else question


ASKED_CHANGE = re.compile(r"增长|增加|减少|下降|增幅|降幅|变化|提高|降低|[多少]了|[多少]出")  # …规模，增长多少


def said_when_asked(part: str, item: str, answered: str) -> bool:
    """Whether a sentence of ``answered`` gives ``item`` as the part asks it: as a target when a
    target is asked (实现城镇新增就业不少于26万人), as what was achieved when last year or an
    actual figure is asked (城镇新增就业29.9万人)."""
    target = TARGET_QUESTION.search(part)
    if not target and not (PAST_ASKED.search(part) or ACTUAL_ASKED.search(part)):
        return True
    said = [s for s in re.split(r"[；;。]", answered) if states(item, s)]
    return any(bool(TARGET_WORDS.search(s)) == bool(target) for s in said)


def gives_figure(part: str, item: str, answered: str) -> bool:
    """Whether ``answered`` holds a figure of the kind ``part`` asks for; a level asked (机关运行经费
    决算多少) is not given by a change (比上年增加113.37万元), nor a change asked after its item
    (…预算是多少？比上年增加了多少？) by the level."""
    kind = expected_kind(part)
    figures = find_figures(answered)
    changes = [f for f in figures if CHANGE_BEFORE.search(answered[max(0, f.start - 8) : f.start])]
    if ASKED_CHANGE.search(re.split(r"[，,]", part)[-1]):
        figures = changes
    elif not CHANGE_ITEM.search(item):
        figures = [f for f in figures if f not in changes]
    return not kind or any(f.kind == kind or (kind == "money" and is_cell(answered, f)) for f in figures)
