"""Drafts (写汇报 / 摘要 / 总结): a structured memo over one or more reports, every figure cited and checked.

Offline the memo is built extractively: for each section, sentences of the report are retrieved
with the section's own words, ranked, deduplicated (the same sentence in a report's PDF and TXT
copy too) and kept in document order. Every sentence is its own source ``[n]`` (its document and
page), so a figure is checked against the very sentence it was copied from. With an LLM, the model
only polishes the wording (``prompts/draft.md``); the polish is checked the same way and replaced by
the extractive memo when a figure or a marker does not hold.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from langchain_core.language_models.chat_models import BaseChatModel

from assistant.answering import Assistant, refusal_reason
from assistant.citations import check_figures, resolve_citations
from assistant.extractive import weights
from assistant.figures import cited_after, find_figures
from assistant.library import Library
from assistant.llm import failure_message, fallback_on, invoke
from assistant.memo_sentences import PLANS, Candidate, Plan, candidates, copies_together, near_duplicate, repeats
from assistant.prompting import format_sources, load_prompt, render
from assistant.query import aliases, analyse, short_name
from assistant.records import AnswerMode, CheckedFigure, Chunk, Citation, DocumentInfo, Hit
from assistant.retrieval import HybridRetriever
from assistant.understanding.names import resolve
from assistant.zh import MARKER, NOT_FOUND

SECTION_NOT_FOUND = f"{NOT_FOUND}相关内容。"  # a memo section the reports say nothing for
DRAFT_REQUEST = re.compile(
    r"写.{0,20}?(?:汇报|摘要|总结|材料)|(?:汇报|摘要|总结)稿|(?:生成|起草|拟).{0,12}?(?:汇报|摘要|总结|材料)"
)
ASKING = re.compile(r"(?:请|帮我|给我|为)?(?:写|起草|生成|拟|整理)(?:一份|一段|一篇|一个|个|份|段|篇)?")
KINDS = ("摘要", "总结", "材料", "汇报")
SUBJECTS = {
    "绩效自评报告": "部门整体支出绩效",
    "部门预算": "部门预算",
    "单位预算": "单位预算",
    "部门决算": "部门决算",
    "政府工作报告": "政府工作",
}
POLISH_MAX_TOKENS = 2048
SEPARATOR = "\x1e"  # between paragraphs while their markers are resolved together


@dataclass(frozen=True)
class Section:
    """One part of the memo: paragraphs with [n] markers, or ``SECTION_NOT_FOUND``."""

    heading: str
    paragraphs: tuple[str, ...]

    @property
    def found(self) -> bool:
        return self.paragraphs != (SECTION_NOT_FOUND,)


@dataclass(frozen=True)
class Memo:
    """A draft memo; ``reason`` (and no sections) when none can be written."""

    request: str
    title: str
    sections: tuple[Section, ...]
    citations: tuple[Citation, ...]
    figures: tuple[CheckedFigure, ...]
    documents: tuple[DocumentInfo, ...] = ()
    note: str = ""  # which reports were used, or why the extractive memo is shown
    mode: AnswerMode = "extractive"  # who wrote the wording
    reason: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return bool(self.reason)


def is_draft_request(text: str) -> bool:
    """Whether a chat message asks for a memo (写一段汇报 / 生成摘要 / 总结稿); not a question for
    figures that says what they are for (我在写汇报材料，需要…各是多少)."""
    return bool(DRAFT_REQUEST.search(text)) and not FIGURES_ASKED.search(text)


FIGURES_ASKED = re.compile(r"多少|几[个项次台辆家人年]?[？?]|各是|分别是|是否|哪[个家年一]")


TOPIC_NOISE = re.compile(
    r"(?:请|帮我|给我|帮忙|麻烦)?(?:把|将|就|对|根据|按照)?|(?:写成|写|起草|生成|拟|整理)(?:成)?(?:一份|一段|一篇|一个|个|份|段|篇)?|"
    r"给(?:领导|上级|领导们)的?|(?:向|供)(?:领导|上级)|(?:19|20)\d{2}\s*年度?|的|汇报|摘要|总结|材料|稿子?|报告|"
    r"情况|[，。,.？?！!\s]"
)
GENERIC_TOPICS = frozenset(
    {"", "工作", "整体", "部门整体支出绩效", "部门整体支出", "绩效", "全年工作", "今年工作", "年度工作"}
)


def request_topic(request: str, documents: Sequence[DocumentInfo]) -> str:
    """What the memo should be about, when the request says (民生工作 in 把龙津街道2022年的民生工作
    写成一段汇报); "" for the report as a whole."""
    text = request
    for mention in resolve(request, documents).mentions:  # 城管执法局 as well as its full name
        text = text.replace(mention.text, "")
    for department in {d.department for d in documents}:
        for alias in sorted(aliases(department) | {department}, key=len, reverse=True):
            text = text.replace(alias, "")
    topic = TOPIC_NOISE.sub("", text)
    return "" if topic in GENERIC_TOPICS or len(topic) > 16 else topic


def memo_title(request: str, documents: Sequence[DocumentInfo]) -> str:
    """关于龙津街道2022年度部门整体支出绩效情况的汇报 (摘要/总结 when the request says so; the
    topic when it names one: 关于龙津街道2022年度民生工作情况的汇报)."""
    kind = next((k for k in KINDS if k in request), "汇报")
    names = list(dict.fromkeys(short_name(d.department) for d in documents if d.department))
    who = "、".join(names) if len(names) <= 3 else f"{names[0]}等{len(names)}个单位"
    years = sorted({d.year for d in documents if d.year})
    when = f"{years[0]}年度" if len(years) == 1 else (f"{years[0]}—{years[-1]}年度" if years else "")
    subjects = list(dict.fromkeys(SUBJECTS.get(d.doc_type, "工作") for d in documents))
    subject = subjects[0] if len(subjects) == 1 else "有关工作"
    subject = request_topic(request, documents) or subject
    return f"关于{who}{when}{subject}情况的{kind}"


class Drafter:
    """Writes memos over a Library. Build it with ``drafter_for(assistant)``."""

    def __init__(
        self,
        library: Library,
        retriever: HybridRetriever | None = None,
        chat: BaseChatModel | None = None,
        max_tokens: int = POLISH_MAX_TOKENS,
    ) -> None:
        """``chat``: the LLM that polishes the wording (None: extractive); ``max_tokens``: the
        length of its reply (a memo is longer than an answer)."""
        self.library = library
        self.max_tokens = max_tokens
        self.retriever = retriever or HybridRetriever(library=library, k=10)
        self.chat = chat
        self.prompt = load_prompt("draft")

    def draft(self, request: str, scope: Sequence[str] | None = None, year: int | None = None) -> Memo:
        """A memo for ``request`` over the reports it names (``scope``: document ids; ``year``)."""
        tick = time.perf_counter()
        every = self.library.documents()
        documents = [d for d in every if scope is None or d.doc_id in scope]
        chosen, reason, note = self.choose(request, documents, year, scoped=scope is not None)
        if reason:
            return Memo(request, "", (), (), (), note=note, reason=reason)
        memo = self.extractive(request, chosen, documents, note)
        if self.chat is not None:
            memo = self.polish(memo)
        return replace(memo, timings_ms={"total": round((time.perf_counter() - tick) * 1000, 1)})

    def choose(
        self, request: str, documents: Sequence[DocumentInfo], year: int | None, scoped: bool
    ) -> tuple[list[DocumentInfo], str, str]:
        """The reports the memo is about, why there are none, and a note saying which were used
        when the request names none."""
        if not documents:
            return (
                [],
                "所选筛选范围内没有报告：请放宽年份、部门或文档筛选。" if scoped else "资料库为空：请先导入报告。",
                "",
            )
        analysis = analyse(ASKING.sub("", request), documents)  # 写一份南山区…: the place is 南山区
        reason = refusal_reason(analysis, documents, (), year)
        if reason:
            return [], reason, ""
        chosen = [d for d in documents if d.doc_id in analysis.doc_ids and (year is None or d.year == year)]
        if not chosen:
            return [], f"已收录的报告中没有{year}年度的报告", ""
        named = analysis.departments or analysis.years or year is not None
        note = ""
        reports = len(copies_together(chosen))  # a PDF and a TXT copy are one report
        if not named and reports > 1:
            note = f"要求中未指明部门或年度，本稿依据所选范围内全部 {reports} 份报告（见“依据”）"
        return chosen, "", note

    # -- extractive ----------------------------------------------------------------------------
    def extractive(
        self, request: str, chosen: Sequence[DocumentInfo], documents: Sequence[DocumentInfo], note: str
    ) -> Memo:
        idf = self.library.keyword_index().weight  # word weights from the whole store, whatever the scope
        reports = copies_together(chosen)
        used: list[frozenset[str]] = []
        sources: list[Hit] = []
        drafted: list[tuple[str, list[list[int]]]] = []
        topic = request_topic(request, chosen)
        for plan in PLANS:
            if topic and plan.heading == "重点工作与成效":  # 民生工作: the work the request is about first
                plan = replace(plan, queries=(f"{topic} {plan.queries[0]}", topic, *plan.queries))
            picked = self.pick(plan, reports, documents, idf, used)
            groups: list[list[int]] = []
            for rank, report in enumerate(reports):
                order = [d.doc_id for d in report]
                own = sorted(
                    (c for c in picked if c.doc_rank == rank),
                    key=lambda c: (order.index(c.hit.info.doc_id), c.hit.chunk.start),
                )
                if own:
                    groups.append(list(range(len(sources), len(sources) + len(own))))
                    sources.extend(c.hit for c in own)
            drafted.append((plan.heading, groups))
        several = len(reports) > 1
        sections = []
        for heading, groups in drafted:
            paragraphs = tuple(self.paragraph(group, sources, several) for group in groups)
            sections.append(Section(heading, paragraphs or (SECTION_NOT_FOUND,)))
        return self.checked(request, memo_title(request, chosen), tuple(sections), sources, chosen, note, "extractive")

    def pick(
        self,
        plan: Plan,
        reports: Sequence[Sequence[DocumentInfo]],
        documents: Sequence[DocumentInfo],
        idf: Callable[[str], float],
        used: list[frozenset[str]],
    ) -> list[Candidate]:
        """The section's best sentences: at most ``plan.limit`` per report, none repeating a
        sentence already in the memo."""
        weight = weights(self.library.tokenize(" ".join(plan.queries)), idf)
        ranked: list[Candidate] = []
        for rank, report in enumerate(reports):
            for info in report:
                found: dict[str, Hit] = {}
                for query in plan.queries:
                    analysis = replace(analyse(query, documents), doc_ids=frozenset({info.doc_id}))
                    for hit in self.retriever.search(analysis, documents_list=documents):
                        found.setdefault(hit.chunk_id, hit)
                ranked += candidates(plan, list(found.values()), weight, rank)
        ranked.sort(key=lambda c: -c.score)
        per_doc = plan.limit if len(reports) == 1 else max(2, -(-plan.limit // len(reports)))
        counts = [0] * len(reports)
        picked: list[Candidate] = []
        for candidate in ranked:
            if counts[candidate.doc_rank] >= per_doc or any(near_duplicate(candidate.key, k) for k in used):
                continue
            if repeats(candidate.hit.text, [c.hit.text for c in picked]):
                continue
            picked.append(candidate)
            used.append(candidate.key)
            counts[candidate.doc_rank] += 1
        return picked

    @staticmethod
    def paragraph(group: Sequence[int], sources: Sequence[Hit], several: bool) -> str:
        """The sentences of one report, each with its marker; the report named when several."""
        text = "".join(f"{sources[i].text}[{i + 1}]" for i in group)
        text = re.sub(rf"[；;，,]({MARKER.pattern})$", r"。\1", text)  # the last sentence ends the paragraph
        info = sources[group[0]].info
        if not several:
            return text
        who = f"{short_name(info.department)}，{info.year}年" if info.year else short_name(info.department)
        return f"（{who}）{text}"

    def checked(
        self,
        request: str,
        title: str,
        sections: tuple[Section, ...],
        sources: Sequence[Hit],
        chosen: Sequence[DocumentInfo],
        note: str,
        mode: AnswerMode,
    ) -> Memo:
        """Markers resolved to citations (one per sentence, with its page) and every figure checked
        against the sentence its marker points at; an unsupported one is removed."""
        layout = [(s.heading, len(s.paragraphs)) for s in sections]
        joined = SEPARATOR.join(p for s in sections for p in s.paragraphs)
        quotes = tuple((i + 1, h.text) for i, h in enumerate(sources))
        resolved, citations = resolve_citations(joined, sources, quotes)
        pieces = iter(resolved.split(SEPARATOR))
        figures: list[CheckedFigure] = []
        kept_sections = []
        for heading, count in layout:
            paragraphs = []
            for _ in range(count):
                text, found = check_figures(next(pieces), citations)
                figures += found
                paragraphs.append(text)
            kept_sections.append(Section(heading, tuple(paragraphs)))
        return Memo(request, title, tuple(kept_sections), tuple(citations), tuple(figures), tuple(chosen), note, mode)

    # -- LLM polish ------------------------------------------------------------------------------
    def polish(self, memo: Memo) -> Memo:
        """The model rewrites the wording; kept only when every section, marker and figure holds."""
        found = [s for s in memo.sections if s.found]
        if not found or self.chat is None:
            return memo
        sources = [citation_hit(c, memo.documents) for c in memo.citations]
        prompt = render(self.prompt, sources=format_sources(sources), draft=memo_body(memo))
        try:
            reply = invoke(self.chat, prompt, max_tokens=self.max_tokens)
        except fallback_on() as exc:  # the model failed, not the code: the extractive memo stands
            return replace(memo, note=join_notes(memo.note, f"{failure_message(exc)}；以下为摘录稿"))
        polished = parse_sections(reply, memo.sections)
        if polished is None or not keeps_markers(polished, memo):
            return replace(memo, note=join_notes(memo.note, "大模型润色稿未保留全部段落或出处标注，已改用摘录稿"))
        rewritten = self.checked(memo.request, memo.title, polished, sources, memo.documents, memo.note, "llm")
        if not all(f.verified for f in rewritten.figures):
            return replace(memo, note=join_notes(memo.note, "大模型润色稿中有数字未能在资料中核实，已改用摘录稿"))
        return rewritten


def citation_hit(citation: Citation, documents: Sequence[DocumentInfo]) -> Hit:
    """A citation as a source again (the LLM prompt numbers the same sentences)."""
    info = next((d for d in documents if d.doc == citation.doc and d.title == citation.title), None)
    info = info or DocumentInfo("", citation.doc, citation.title, "", None, "", 0)
    page = citation.page
    passage = Chunk(
        info.doc_id, 0, citation.text, 0, 0, page, page, citation.page_label, table_unit=citation.table_unit
    )
    return Hit(citation.chunk_id, passage, citation.score, info)


def memo_body(memo: Memo) -> str:
    """The sections as the model reads and returns them: ``## heading`` lines, then paragraphs."""
    return "\n\n".join(f"## {s.heading}\n" + "\n".join(s.paragraphs) for s in memo.sections)


def parse_sections(reply: str, original: Sequence[Section]) -> tuple[Section, ...] | None:
    """The model's reply cut at the ``## heading`` lines; None unless it has every section."""
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in reply.splitlines():
        heading = re.match(r"^#{1,3}\s*(?:[一二三四五六七八九十]+、)?(.+?)\s*$", line)
        if heading:
            current = parts.setdefault(heading.group(1), [])
        elif current is not None and line.strip() and not line.strip().startswith("```"):
            current.append(line.strip())
    out = []
    for section in original:
        lines = parts.get(section.heading)
        if not lines:
            return None
        out.append(Section(section.heading, (SECTION_NOT_FOUND,) if not section.found else tuple(lines)))
    return tuple(out)


def keeps_markers(polished: Sequence[Section], memo: Memo) -> bool:
    """Every source of the extractive memo is still cited, in its own section, and every figure
    is followed by a marker in its paragraph (checked against that source, not all of them)."""
    for before, after in zip(memo.sections, polished, strict=True):
        wanted = set(MARKER.findall("".join(before.paragraphs)))
        if set(MARKER.findall("".join(after.paragraphs))) != wanted:
            return False
        for paragraph in after.paragraphs:
            if any(not cited_after(paragraph, f.end) for f in find_figures(paragraph)):
                return False
    return True


def join_notes(*notes: str) -> str:
    return "；".join(n for n in notes if n)


def drafter_for(assistant: Assistant) -> Drafter:
    """The drafter over an Assistant's library, with its chat model (None: extractive)."""
    return Drafter(assistant.library, chat=assistant.chat)
