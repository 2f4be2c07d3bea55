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
from decimal import Decimal

from langchain_core.language_models.chat_models import BaseChatModel

from assistant.answering import Assistant, check_figures, refusal_reason, resolve_citations
from assistant.extractive import HEADING_START, coverage, sentences, weights
from assistant.figures import find_figures
from assistant.library import Library
from assistant.llm import failure_message
from assistant.prompting import format_sources, load_prompt, render
from assistant.query import analyse, short_name
from assistant.records import CheckedFigure, Citation, DocumentInfo, Hit
from assistant.retrieval import HybridRetriever

NOT_FOUND = "报告中未找到相关内容。"
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
PAGED = 0.05  # a sentence from a copy with page numbers wins over the same sentence from a TXT copy
MIN_SENTENCE = 12
SENTENCE_END = "。；！？!?;"
LEANS_ON = ("其中", "其余", "以上", "上述", "同比")
MAX_SENTENCE = 220
DUPLICATE = 0.7  # character-bigram Jaccard at which two sentences say the same
PUNCTUATION = re.compile(r"[\s，。、；：！？,.;:!?“”‘’\"'（）()《》【】\[\]]")
MARKERS = re.compile(r"\[(\d+)\]")
SEPARATOR = "\x1e"  # between paragraphs while their markers are resolved together


@dataclass(frozen=True)
class Section:
    """One part of the memo: paragraphs with [n] markers, or ``NOT_FOUND``."""

    heading: str
    paragraphs: tuple[str, ...]

    @property
    def found(self) -> bool:
        return self.paragraphs != (NOT_FOUND,)


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
    mode: str = "extractive"  # who wrote the wording: "extractive" | "llm"
    reason: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return bool(self.reason)


@dataclass(frozen=True)
class Plan:
    """What one section looks for: retrieval words, the headings and words that make a sentence
    belong to it, and how many sentences it keeps."""

    heading: str
    query: str
    headings: re.Pattern[str]
    words: re.Pattern[str]
    limit: int
    figures: float = 0.0  # bonus for a sentence that states an amount or a rate


PLANS = (
    Plan(
        "总体情况",
        "部门整体收支情况 全年预算数 执行数 预算 收入 支出 决算 执行率 结转结余 财政拨款",
        re.compile(r"收支|预算|决算|自评结论|总体情况|收入|支出总"),
        re.compile(r"预算|决算|收入|支出|执行数|执行率|结转|结余|拨款|自评"),
        6,
        figures=0.5,
    ),
    Plan(
        "重点工作与成效",
        "重点工作 完成 成效 开展 推进 累计 实现 提升",
        re.compile(r"成效|完成情况|主要工作|工作开展|取得|亮点"),
        re.compile(r"完成|成效|开展|推进|累计|实现|建成|办结|创建"),
        8,
        figures=0.3,
    ),
    Plan(
        "存在的问题",
        "存在的主要问题 不足 差距 有待 仍需加强",
        re.compile(r"存在.{0,4}问题|问题.{0,2}不足|不足|差距|短板"),
        re.compile(r"存在.{0,8}问题|不足|差距|有待|仍需|不够|不高|不浓|薄弱|滞后|短板"),
        5,
    ),
    Plan(
        "下一步打算",
        "下一步 改进措施 计划 建议 今后 继续",
        re.compile(r"下一步|改进措施|打算|工作计划|工作安排|工作思路|展望|工作建议"),
        re.compile(r"下一步|今后|将继续|力争|明年|下一年度"),
        5,
    ),
)
AVOID_HEADINGS = re.compile(r"职能|机构设置|名词解释|目录")


@dataclass(frozen=True)
class Candidate:
    """A sentence of a report that may go into a section, with its own page."""

    hit: Hit  # narrowed to the sentence: its text, page and offsets
    doc_rank: int  # which report (its copies together)
    score: float
    key: frozenset[str]  # character bigrams, for near-duplicate detection


def is_draft_request(text: str) -> bool:
    """Whether a chat message asks for a memo (写一段汇报 / 生成摘要 / 总结稿)."""
    return bool(DRAFT_REQUEST.search(text))


def stated(sentence: str) -> set[tuple[str, Decimal]]:
    """The amounts and rates a sentence states (kind, value in yuan or percent)."""
    return {(f.kind, f.amount) for f in find_figures(sentence) if f.kind in ("money", "percent")}


def bigrams(text: str) -> frozenset[str]:
    plain = PUNCTUATION.sub("", text)
    return frozenset(plain[i : i + 2] for i in range(len(plain) - 1)) or frozenset({plain})


def near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    """Same sentence, or nearly (a PDF and a TXT copy of a report; a sentence and its repeat)."""
    shared = len(a & b)
    return shared / (len(a | b) or 1) >= DUPLICATE or shared / (min(len(a), len(b)) or 1) >= 0.9


def locate(sentence: str, text: str) -> tuple[int, int] | None:
    """Where ``sentence`` stands in ``text``, ignoring the line breaks and spaces between them."""
    kept = [(i, ch) for i, ch in enumerate(text) if not ch.isspace()]
    flat = "".join(ch for _, ch in kept)
    wanted = "".join(sentence.split())
    at = flat.find(wanted)
    if at < 0 or not wanted:
        return None
    return kept[at][0], kept[at + len(wanted) - 1][0] + 1


def sentence_hit(hit: Hit, sentence: str, start: int, end: int) -> Hit:
    """``hit`` narrowed to one sentence; a sentence running over a page break names both pages."""
    first, label = hit.page_of(start)
    last, last_label = hit.page_of(end - 1)
    if first is not None and last is not None and last != first:
        label = f"第{first}–{last}页"
    elif last_label != label:
        label = f"{label}–{last_label}"
    return replace(
        hit, text=sentence, page=first, page_label=label, page_spans=(), start=hit.start + start, end=hit.start + end
    )


def memo_title(request: str, documents: Sequence[DocumentInfo]) -> str:
    """关于龙津街道2022年度部门整体支出绩效情况的汇报 (摘要/总结 when the request says so)."""
    kind = next((k for k in KINDS if k in request), "汇报")
    names = list(dict.fromkeys(short_name(d.department) for d in documents if d.department))
    who = "、".join(names) if len(names) <= 3 else f"{names[0]}等{len(names)}个单位"
    years = sorted({d.year for d in documents if d.year})
    when = f"{years[0]}年度" if len(years) == 1 else (f"{years[0]}—{years[-1]}年度" if years else "")
    subjects = list(dict.fromkeys(SUBJECTS.get(d.doc_type, "工作") for d in documents))
    subject = subjects[0] if len(subjects) == 1 else "有关工作"
    return f"关于{who}{when}{subject}情况的{kind}"


class Drafter:
    """Writes memos over a Library. Build it with ``drafter_for(assistant)``."""

    def __init__(
        self, library: Library, retriever: HybridRetriever | None = None, chat: BaseChatModel | None = None
    ) -> None:
        self.library = library
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
        if not named and len(chosen) > 1:
            note = f"要求中未指明部门或年度，本稿依据所选范围内全部 {len(chosen)} 份报告（见“依据”）"
        return chosen, "", note

    # -- extractive ----------------------------------------------------------------------------
    def extractive(
        self, request: str, chosen: Sequence[DocumentInfo], documents: Sequence[DocumentInfo], note: str
    ) -> Memo:
        idf = self.library.keyword_index(documents).weight
        reports = copies_together(chosen)
        used: list[frozenset[str]] = []
        sources: list[Hit] = []
        drafted: list[tuple[str, list[list[int]]]] = []
        for plan in PLANS:
            picked = self.pick(plan, reports, documents, idf, used)
            groups: list[list[int]] = []
            for rank, report in enumerate(reports):
                order = [d.doc_id for d in report]
                own = sorted(
                    (c for c in picked if c.doc_rank == rank),
                    key=lambda c: (order.index(c.hit.info.doc_id), c.hit.start),
                )
                if own:
                    groups.append(list(range(len(sources), len(sources) + len(own))))
                    sources.extend(c.hit for c in own)
            drafted.append((plan.heading, groups))
        several = len(reports) > 1
        sections = []
        for heading, groups in drafted:
            paragraphs = tuple(self.paragraph(group, sources, several) for group in groups)
            sections.append(Section(heading, paragraphs or (NOT_FOUND,)))
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
        weight = weights(self.library.tokenize(plan.query), idf)
        ranked: list[Candidate] = []
        for rank, report in enumerate(reports):
            for info in report:
                analysis = replace(analyse(plan.query, documents), doc_ids=frozenset({info.doc_id}))
                hits = self.retriever.search(analysis, documents_list=documents)
                ranked += candidates(plan, hits, weight, rank)
        ranked.sort(key=lambda c: -c.score)
        per_doc = plan.limit if len(reports) == 1 else max(2, -(-plan.limit // len(reports)))
        counts = [0] * len(reports)
        picked: list[Candidate] = []
        for candidate in ranked:
            if counts[candidate.doc_rank] >= per_doc or any(near_duplicate(candidate.key, k) for k in used):
                continue
            amounts = stated(candidate.hit.text)
            if len(amounts) >= 2 and amounts <= {a for c in picked for a in stated(c.hit.text)}:
                continue  # says again what a sentence already picked says (自评结论 repeating 收支情况)
            picked.append(candidate)
            used.append(candidate.key)
            counts[candidate.doc_rank] += 1
        return picked

    @staticmethod
    def paragraph(group: Sequence[int], sources: Sequence[Hit], several: bool) -> str:
        """The sentences of one report, each with its marker; the report named when several."""
        text = "".join(f"{sources[i].text}[{i + 1}]" for i in group)
        text = re.sub(r"[；;，,](\[\d+\])$", r"。\1", text)  # the last sentence ends the paragraph
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
        mode: str,
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
            reply = str(self.chat.invoke(prompt).content)
        except Exception as exc:  # any failure of the model call: the extractive memo stands
            return replace(memo, note=join_notes(memo.note, f"{failure_message(exc)}；以下为摘录稿"))
        polished = parse_sections(reply, memo.sections)
        if polished is None or not keeps_markers(polished, memo):
            return replace(memo, note=join_notes(memo.note, "大模型润色稿未保留全部段落或出处标注，已改用摘录稿"))
        rewritten = self.checked(memo.request, memo.title, polished, sources, memo.documents, memo.note, "llm")
        if not all(f.verified for f in rewritten.figures):
            return replace(memo, note=join_notes(memo.note, "大模型润色稿中有数字未能在资料中核实，已改用摘录稿"))
        return rewritten


def candidates(plan: Plan, hits: Sequence[Hit], weight: dict[str, float], doc_rank: int) -> list[Candidate]:
    """The sentences of ``hits`` that belong to the section, scored: the section's words, its
    headings, figures where it wants them, the passage's rank; a copy from a paged PDF first."""
    top = max((h.score for h in hits), default=1.0) or 1.0
    out = []
    for hit in hits:
        headings = " ".join(hit.headings[-2:])
        if AVOID_HEADINGS.search(headings):
            continue
        for sentence in sentences(hit.text):
            if not is_memo_sentence(sentence, hit):
                continue
            in_heading = bool(plan.headings.search(headings))
            foreign = not in_heading and any(p.headings.search(headings) for p in PLANS if p is not plan)
            if foreign or not (in_heading or plan.words.search(sentence)) or " " in sentence:
                continue  # another section's, not this section's; or a table row / header
            sentence = HEADING_START.sub("", sentence)  # 2.将部门整体… -> 将部门整体…
            span = locate(sentence, hit.text)
            if span is None:
                continue
            money = any(f.kind in ("money", "percent") for f in find_figures(sentence))
            score = (
                coverage(sentence, weight)
                + (0.5 if in_heading else 0.0)
                + (0.3 if plan.words.search(sentence) else 0.0)
                + (plan.figures if money else 0.0)
                + 0.2 * hit.score / top
                + (PAGED if hit.page is not None else 0.0)
            )
            out.append(Candidate(sentence_hit(hit, sentence, *span), doc_rank, score, bigrams(sentence)))
    return out


def copies_together(documents: Sequence[DocumentInfo]) -> list[list[DocumentInfo]]:
    """Reports, each with its copies (a PDF and a TXT of one report): same title, department,
    year and type; the PDF first, for its page numbers."""
    reports: dict[tuple[str, str, int | None, str], list[DocumentInfo]] = {}
    for info in documents:
        reports.setdefault((info.title, info.department, info.year, info.doc_type), []).append(info)
    return [sorted(copies, key=lambda d: (not d.doc.lower().endswith(".pdf"), d.doc)) for copies in reports.values()]


def is_memo_sentence(sentence: str, hit: Hit) -> bool:
    """A whole sentence that reads on its own: not a heading, title, contents line or a clause
    that leans on the one before it (其中…)."""
    return (
        MIN_SENTENCE <= len(sentence) <= MAX_SENTENCE
        and sentence[-1] in SENTENCE_END
        and sentence not in hit.headings
        and sentence != hit.info.title
        and "……" not in sentence
        and not sentence.startswith(LEANS_ON)
    )


def citation_hit(citation: Citation, documents: Sequence[DocumentInfo]) -> Hit:
    """A citation as a source again (the LLM prompt numbers the same sentences)."""
    info = next((d for d in documents if d.doc == citation.doc and d.title == citation.title), None)
    info = info or DocumentInfo("", citation.doc, citation.title, "", None, "", 0)
    return Hit(
        citation.chunk_id,
        citation.text,
        citation.score,
        info,
        citation.page,
        citation.page_label,
        table_unit=citation.table_unit,
    )


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
        elif current is not None and line.strip():
            current.append(line.strip())
    out = []
    for section in original:
        lines = parts.get(section.heading)
        if not lines:
            return None
        out.append(Section(section.heading, (NOT_FOUND,) if not section.found else tuple(lines)))
    return tuple(out)


def keeps_markers(polished: Sequence[Section], memo: Memo) -> bool:
    """Every source of the extractive memo is still cited, and in its own section."""
    for before, after in zip(memo.sections, polished, strict=True):
        wanted = set(MARKERS.findall("".join(before.paragraphs)))
        if set(MARKERS.findall("".join(after.paragraphs))) != wanted:
            return False
    return True


def join_notes(*notes: str) -> str:
    return "；".join(n for n in notes if n)


def drafter_for(assistant: Assistant) -> Drafter:
    """The drafter over an Assistant's library, with its chat model (None: extractive)."""
    return Drafter(assistant.library, chat=assistant.chat)
