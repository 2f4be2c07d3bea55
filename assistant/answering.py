"""The answering chain (LCEL): retrieve -> prompt -> model -> citations -> figure check.

The model step is swappable: the extractive answerer is the offline default; an LLM plugs in
as another Runnable with the same input and output.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from assistant.combine import combine
from assistant.compare import Plan, compare, plan_comparison
from assistant.config import Settings
from assistant.extractive import (
    ASKS_CHANGE,
    CODE,
    FIGURE_QUESTION,
    LAST_YEAR,
    STATES_CHANGE,
    TARGET_QUESTION,
    TARGET_WORDS,
    Record,
    expected_kind,
    is_table_row,
    parse_record,
    pick_sentences,
    table_title,
    trim,
    weights,
)
from assistant.figures import Figure, chinese_figures, cited_after, converted, find_figures, supported
from assistant.followup import is_follow_up, rewrite_follow_up
from assistant.library import Library
from assistant.llm import LLMAnswerer, fallback_on
from assistant.prompting import as_data, format_sources, load_prompt, render
from assistant.query import QueryAnalysis, analyse, short_name, with_full_years
from assistant.recognised import with_ocr_flags
from assistant.records import DOC_TYPES, Answer, CheckedFigure, Citation, DocumentInfo, Draft, Hit
from assistant.retrieval import HybridRetriever, question_tokens
from assistant.understanding.intent import context_of, part_item, shared_lead, split_parts, states
from assistant.understanding.names import closest
from assistant.zh import MARKER

MIN_COVERAGE = 0.5
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


YEAR_NAMES_REPORT = re.compile(
    r"(?:19|20)\d{2}年(?:的)?(?:[\u4e00-\u9fff]{0,6})?(?:工作报告|部门预算|部门决算|报告中|报告里)"
)
ROW_NUMBERS = frozenset({"行次", "栏次", "序号", "编号"})
# 多少辆, 多少微克/立方米: a figure of that measure, not an amount spent or another rate
COUNTED = re.compile(r"多少([辆台套名家所户艘架人]|微克|毫克|公里|千米|平方公里|平方米|公顷|亩|吨|千瓦|立方米)")
ZERO = re.compile(r"^0(?:\.0+)?(?:元|万元|亿元|千元)?$")
ACTUALS = re.compile(r"决算|实际支出|实际花")
BUDGET_TYPES = ("部门预算", "单位预算")


def extractive_model(inputs: dict[str, Any]) -> Draft:
    """The offline model step: returns a draft with [n] markers, or a refusal."""
    hits: list[Hit] = inputs["hits"]
    if inputs["reason"]:
        return Draft("", refused=True, reason=inputs["reason"])
    analysis = inputs["analysis"]
    years = analysis.years or analysis.relative_years
    picks = pick_sentences(
        inputs["question"], inputs["tokens"], hits, inputs["idf"], years, MIN_COVERAGE, analysis.years
    )
    if not picks or picks[0].coverage < MIN_COVERAGE:
        return Draft("", refused=True, reason="已收录的报告中没有与问题直接对应的内容")
    weight = weights(inputs["tokens"], inputs["idf"])
    if (
        analysis.years
        and not LAST_YEAR.search(inputs["question"])
        and not (  # "2025年政府工作报告中，过去一年…": the year names a report the store has
            YEAR_NAMES_REPORT.search(inputs["question"]) and set(analysis.years) <= set(inputs.get("scoped_years", ()))
        )
        and not any(set(p.years) & set(analysis.years) for p in picks)
    ):
        asked = "、".join(str(y) for y in analysis.years)
        return Draft("", refused=True, reason=f"报告中有相关内容，但说的不是{asked}年的情况")
    budgets_only = all(t in BUDGET_TYPES for t in inputs.get("scoped_types", ())) and inputs.get("scoped_types")
    if ACTUALS.search(inputs["question"]) and budgets_only and not any(ACTUALS.search(p.text) for p in picks):
        return Draft("", refused=True, reason="已收录的相关报告是预算，只有预算数，没有所问的决算（实际支出）数")
    figures = [f for p in picks for f in find_figures(p.text)]
    if FIGURE_QUESTION.search(inputs["question"]) and not figures:
        return Draft("", refused=True, reason="报告中有相关内容，但没有给出所问的数字")
    if expected_kind(inputs["question"]) == "count" and not any(f.kind == "count" for f in figures):
        return Draft("", refused=True, reason="报告中有相关内容，但没有给出所问的数量")
    if TARGET_QUESTION.search(inputs["question"]) and not any(states_target(p.text, hits[p.hit_index]) for p in picks):
        return Draft("", refused=True, reason="报告中有相关内容，但没有给出所问的目标（只有实际完成的数字）")
    counted = COUNTED.search(inputs["question"])  # 多少辆: a count of vehicles, not an amount spent on them
    if counted and not any(f.kind == "count" and f.measure.startswith(counted.group(1)) for f in figures):
        return Draft("", refused=True, reason=f"报告中有相关内容，但没有给出所问的数量（多少{counted.group(1)}）")
    parts = []
    quotes = tuple((pick.hit_index + 1, pick.text) for pick in picks)
    for pick in picks:
        hit = hits[pick.hit_index]
        name = short_name(hit.info.department)
        who = f"{name}，{hit.info.year}年" if hit.info.year else name
        record = parse_record(pick.text)
        if record is not None:
            parts.append(
                f"（{who}）{describe_record(pick.text, record, hit, inputs['question'])}[{pick.hit_index + 1}]"
            )
        elif is_table_row(pick.text):
            parts.append(f"（{who}）{describe_row(pick.text, hit)}[{pick.hit_index + 1}]")
        else:
            parts.append(f"（{who}）{trim(pick.text, weight)}[{pick.hit_index + 1}]")
    return Draft("；".join(parts), quotes=quotes)


def states_target(sentence: str, hit: Hit) -> bool:
    """Whether a sentence gives a target: it says so, or follows a lead-in that does
    (主要预期目标是：…；城镇新增就业900万人；…)."""
    at = hit.text.find(sentence[:20])
    lead_in = hit.text[max(0, at - 120) : at] if at >= 0 else ""
    return bool(TARGET_WORDS.search(sentence) or TARGET_WORDS.search(lead_in.rsplit("。", 1)[-1]))


DECLARED_UNIT = re.compile(r"单位\s*[:：]\s*(万元|亿元|千元|元)(?![\u4e00-\u9fff])|金额[（(](万元|亿元|元)[）)]")
BARE_AMOUNT = re.compile(r"-?[\d,]+\.\d{2}")


def with_declared_unit(hit: Hit) -> Hit:
    """A table chunk whose unit was not tied to its table at ingest, but whose text declares one
    unit (部门：… 单位：万元): that unit."""
    if hit.table_unit:
        return hit
    units = {a or b for a, b in DECLARED_UNIT.findall(hit.text)}
    return replace(hit, table_unit=units.pop()) if len(units) == 1 else hit


def describe_record(sentence: str, record: Record, hit: Hit, question: str) -> str:
    """A table record with its table; bare amounts with the table's unit; the amounts in 元 the
    question asks about also in 万元, converted in code."""
    title = table_title(hit)
    cells = [(h, v) for h, v in record.cells if h not in ROW_NUMBERS]  # 行次 52 is not an amount
    if hit.table_unit:
        cells = [(h, v + hit.table_unit if BARE_AMOUNT.fullmatch(v) else v) for h, v in cells]
    record = replace(record, cells=tuple(cells)) if cells else record
    shown = [(h, v) for h, v in record.cells if not ZERO.match(v) or (h and h in question)]
    label = "/".join(record.label)
    text = (f"{label}：" if label else "") + "，".join(f"{h}{v}" for h, v in shown or record.cells)
    text += f"（{title}）" if title else ""
    focus = [cell for cell in record.cells if cell[0] and cell[0] in question] or list(record.cells[:1])
    converted_cells = []
    for header, figure in focus:
        found = find_figures(figure)
        if found and found[0].unit == "元" and found[0].value >= 10_000:
            value = found[0].value
            converted_cells.append(f"{header}{figure}约合{converted(value, '万元', Decimal('0.01'))}万元")
    return text + ("，其中" + "，".join(converted_cells) if converted_cells else "")


def describe_row(row: str, hit: Hit) -> str:
    """A table row with its table and unit; an amount in 元 also in 万元, converted in code."""
    title = table_title(hit)
    where = "，".join(part for part in (title, f"单位：{hit.table_unit}" if hit.table_unit else "") if part)
    text = f"{row}（{where}）" if where else row
    figures = find_figures(CODE.sub("", row))  # the 科目 code (212 01 04) is not an amount
    if hit.table_unit == "元" and figures and figures[0].value >= 10_000:
        first = figures[0].value
        text += f"，其中{first:,}元约合{converted(first, '万元', Decimal('0.01'))}万元"
    return text


def resolve_citations(
    text: str, hits: Sequence[Hit], quotes: Sequence[tuple[int, str]] = ()
) -> tuple[str, list[Citation]]:
    """Renumber the [n] markers that point at a source; drop the ones that point nowhere. The
    page of a citation is the page of the sentence quoted from it, when the model says which."""
    quoted = dict(quotes)
    order: dict[int, int] = {}
    citations: list[Citation] = []

    def renumber(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if not 1 <= n <= len(hits):
            return ""
        if n not in order:
            hit = hits[n - 1]
            order[n] = len(order) + 1
            at = hit.text.find(quoted[n]) if n in quoted else -1
            page, label = hit.page_of(at) if at >= 0 else (hit.page, hit.page_label)
            citations.append(
                Citation(
                    order[n],
                    hit.info.doc,
                    hit.info.title,
                    page,
                    label,
                    hit.text,
                    round(hit.score, 4),
                    hit.chunk_id,
                    hit.table_unit,
                    hit.ocr,
                    hit.ocr_confidence,
                    hit.ocr_low,
                )
            )
        return f"[{order[n]}]"

    return MARKER.sub(renumber, text), citations


def check_figures(text: str, citations: Sequence[Citation]) -> tuple[str, list[CheckedFigure]]:
    """Every figure must be stated in a passage its own sentence cites (the first [n] run after
    it; all sources when none follows). Unsupported figures are removed, never shown as fact."""
    by_number = {c.n: c for c in citations}

    def cited(position: int) -> list[Citation]:
        return [by_number[n] for n in cited_after(text, position) if n in by_number] or list(citations)

    checked: list[tuple[int, int, str, bool]] = []
    for figure in find_figures(text):
        sources = cited(figure.end)
        ok = supported(figure, [c.text for c in sources], [c.table_unit for c in sources])
        checked.append((figure.start, figure.end, figure.text, ok))
    for match in chinese_figures(text):
        ok = any(match.group() in c.text for c in cited(match.end()))
        checked.append((match.start(), match.end(), match.group(), ok))
    checked.sort()
    kept = text
    for start, end, _, ok in reversed(checked):
        if not ok:
            kept = kept[:start] + "［未核实数字已删除］" + kept[end:]
    return kept, [CheckedFigure(figure, ok) for _, _, figure, ok in checked]


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
        model: Runnable[dict[str, Any], Draft] | None = None,
        mode: str = "extractive",
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
        self.mode = "llm" if chat is not None else mode
        if model is None:
            model = (
                RunnableLambda(LLMAnswerer(chat, settings)) if chat is not None else RunnableLambda(extractive_model)
            )
        self.chain = self._build_chain(model)
        # comparisons are assembled in code from one extractive answer per year/department and item
        self.extractive_chain = self._build_chain(RunnableLambda(extractive_model)) if chat is not None else self.chain

    def _build_chain(self, model: Runnable[dict[str, Any], Draft]) -> Runnable[dict[str, Any], dict[str, Any]]:
        return (
            RunnablePassthrough.assign(context=RunnableLambda(self._retrieve))
            | RunnableLambda(lambda x: {**x, **x.pop("context")})
            | RunnablePassthrough.assign(
                prompt=RunnableLambda(
                    lambda x: render(self.prompt, sources=format_sources(x["hits"]), question=x["question"])
                )
            )
            | RunnablePassthrough.assign(draft=model)
            | RunnableLambda(self._finish)
        )

    def _retrieve(self, inputs: dict[str, Any]) -> dict[str, Any]:
        tick = time.perf_counter()
        scope = inputs.get("scope")
        everything = self.library.documents()
        documents = [d for d in everything if scope is None or d.doc_id in scope]
        analysis = analyse(inputs["question"], documents)
        hits = [with_declared_unit(h) for h in self._search(analysis, inputs.get("year"), documents)]
        index = self.library.keyword_index(everything)  # word weights from the whole store, whatever the scope
        scoped = [d for d in documents if d.doc_id in analysis.doc_ids] or documents
        return {
            "analysis": analysis,
            "hits": hits,
            "scoped_types": {d.doc_type for d in scoped},
            "scoped_years": {d.year for d in scoped if d.year},
            "tokens": question_tokens(self.library, analysis, documents),
            "idf": index.weight,
            "reason": "所选筛选范围内没有报告：请放宽年份、部门或文档筛选。"
            if scope is not None and not documents
            else refusal_reason(analysis, documents, hits, inputs.get("year")),
            "retrieve_ms": (time.perf_counter() - tick) * 1000,
        }

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

    def _finish(self, x: dict[str, Any]) -> dict[str, Any]:
        draft: Draft = x["draft"]
        text, citations = resolve_citations(draft.text, x["hits"], draft.quotes)
        text, figures = check_figures(text, citations)
        return {**x, "answer_text": text, "citations": citations, "figures": figures}

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
        asked = with_full_years(self.rewrite(question.strip(), history))
        if year is None:
            documents = [d for d in self.library.documents() if scope is None or d.doc_id in scope]
            known = self.library.record_index(documents).names(d.doc_id for d in documents)
            plan = plan_comparison(asked, documents, known)
            if plan is not None:
                return self._compare(question, asked, plan, tick)
            analysis = analyse(asked, documents)
            if analysis.ambiguous:
                return self._per_candidate(question, asked, analysis, documents, tick)
            parts = split_parts(asked, analysis.mentions)
            if len(parts) > 1:
                labelled = self._in_parts(asked, parts, analysis, scope, tick)
                done = combine(question, labelled, self._refusal_text, self.mode)
                total = round((time.perf_counter() - tick) * 1000, 1)
                asked_as = asked if asked != question.strip() else ""
                return replace(done, asked=asked_as, parts=tuple(parts), timings_ms={"total": total})
        return self._single(question, asked, year, scope, on_token, tick)

    def _in_parts(
        self, asked: str, parts: Sequence[str], analysis: QueryAnalysis, scope: Sequence[str] | None, tick: float
    ) -> list[tuple[str, Answer]]:
        """The question as a whole first; each part it leaves unanswered is then asked on its own."""
        whole = self._single(asked, asked, None, scope, None, tick)
        context = context_of(asked, analysis.mentions)
        lead = shared_lead(parts)
        answered = "" if whole.refused else whole.answer
        labelled = [("", whole)] if answered else []
        for part in parts:
            kind = expected_kind(part)
            stated = not kind or any(
                f.kind == kind or (kind == "money" and is_cell(answered, f)) for f in find_figures(answered)
            )
            if answered and stated and states(part_item(part, context, lead), answered):
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
        out = self.chain.invoke({"question": asked, "year": year, "scope": scope, "on_token": on_token})
        draft: Draft = out["draft"]
        refused = draft.refused
        answer_text = out["answer_text"] if not refused else render(self.refusal, reason=draft.reason).strip()
        total = (time.perf_counter() - tick) * 1000
        answer = Answer(
            question=question,
            answer=answer_text,
            refused=refused,
            reason=draft.reason,
            citations=tuple(out["citations"]) if not refused else (),
            figures=tuple(out["figures"]) if not refused else (),
            mode=draft.mode,
            timings_ms={"retrieve": round(out["retrieve_ms"], 1), "total": round(total, 1)},
            nearest=tuple(nearest_items(out["hits"] or self._nearby(out["analysis"]))) if refused else (),
            note=draft.note,
            asked=asked if asked != question.strip() else "",
        )
        return with_ocr_flags(answer)  # figures read from low-confidence recognised lines

    def _compare(self, question: str, asked: str, plan: Plan, tick: float) -> Answer:
        """A comparison question: one extractive sub-answer per group and item, then code."""

        def ask_one(sub: str, doc_ids: Sequence[str]) -> Answer:
            out = self.extractive_chain.invoke({"question": sub, "year": None, "scope": list(doc_ids)})
            draft: Draft = out["draft"]
            return Answer(sub, out["answer_text"], draft.refused, draft.reason, tuple(out["citations"]), (), draft.mode)

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
            reply = str(self.chat.invoke(prompt).content)
        except fallback_on():  # a rewrite is a convenience: without it the question is asked as is
            return question
        rewritten = (reply.strip().splitlines() or [""])[0]  # an empty reply rewrites nothing
        return rewritten if 4 <= len(rewritten) <= 120 else question
