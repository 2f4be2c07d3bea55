"""An answer and a memo as the chat shows them: a list of blocks, in order (text for a Streamlit
element, a comparison table, a source panel with the cited figures marked, a button that asks
again). Pure: the text is escaped Markdown; the page only draws each block."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from assistant.conversation import Turn
from assistant.differences import table_rows
from assistant.drafting import Memo
from assistant.memo_export import memo_heading
from assistant.records import Answer, CheckedFigure
from assistant.sources import Source, document_of, highlight
from assistant.ui.downloads import Download, answer_downloads, memo_downloads
from assistant.ui.text import answered_by, escape

SEARCH_OFF = ":material/search_off:"
INFO = ":material/info:"


@dataclass(frozen=True)
class Text:
    """Text drawn by the Streamlit element ``kind``: markdown, caption, info or warning."""

    kind: str
    text: str
    icon: str | None = None  # for info and warning


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame


@dataclass(frozen=True)
class AskButton:
    """A button that asks ``question`` (只问X for an ambiguous name)."""

    label: str
    key: str
    question: str


def figure_badge(figure: CheckedFigure) -> str:
    """One checked figure as a coloured badge: computed, low OCR confidence, verified or not."""
    text = escape(figure.text)
    if figure.computed:
        return f":blue-badge[:material/calculate: {text} 由引用数字计算]"
    if figure.low_confidence:
        return f":orange-badge[:material/warning: {text} 识别置信度低，请核对原件]"
    if figure.verified:
        return f":green-badge[:material/check: {text} 已核对原文]"
    return f":red-badge[:material/close: {text} 未能核实]"


def figure_badges(figures: Sequence[CheckedFigure]) -> str:
    """数字核对： and a badge per figure; "" when the answer states none."""
    return "数字核对：" + " ".join(figure_badge(f) for f in figures) if figures else ""


@dataclass(frozen=True)
class SourcePanel:
    """A citation as a panel: its label, a caption naming where it is from, the passage marked."""

    label: str
    caption: str
    body: str


def source_panel(source: Source, figures: Sequence[CheckedFigure]) -> SourcePanel:
    c = source.citation
    caption = (
        f"文档：《{c.title}》｜部门：{source.department or '未识别'}｜"
        f"年度：{source.year or '未识别'}｜页码：{c.page_label or '未知'}｜文件：{c.doc}"
    )
    pieces = highlight(c.text, figures, c.table_unit)
    body = "".join(f":green-background[**{escape(t)}**]" if marked else escape(t) for t, marked in pieces)
    return SourcePanel(f"[{c.n}] {escape(c.title)}｜{c.page_label or '页码未知'}", escape(caption), body)


@dataclass(frozen=True)
class Downloads:
    """A row of download buttons."""

    items: list[Download]


Block = Text | Table | SourcePanel | AskButton | Downloads


# -- answers ------------------------------------------------------------------------------------
def refusal_text(answer: Answer) -> str:
    return f"**未找到答案**：{escape(answer.reason)}"


def nearest_text(answer: Answer) -> str:
    return "报告中与问题相近的内容：\n" + "\n".join(f"- {escape(item)}" for item in answer.nearest)


def comparison_table(answer: Answer) -> pd.DataFrame | None:
    """A comparison's grid, one row per item (indexed by 项目); None for other answers."""
    if answer.comparison is None:
        return None
    grid = table_rows(answer.comparison)
    return pd.DataFrame(grid[1:], columns=grid[0]).set_index("项目")


def answer_footer(turn: Turn) -> str:
    """Who answered, the scope searched and the time taken."""
    seconds = turn.answer.timings_ms.get("total", 0) / 1000
    return f"{answered_by(turn.answer.mode)}｜检索范围：{escape(turn.scope)}｜用时 {seconds:.1f} 秒"


def answer_blocks(turn: Turn, index: int) -> list[Block]:
    """The ``index``-th answer of the chat: a refusal with the nearest passages, or the answer with
    its notes, the checked figures and its sources; then who answered, where and how fast, and its
    downloads."""
    answer = turn.answer
    if answer.refused:
        blocks: list[Block] = [Text("warning", refusal_text(answer), SEARCH_OFF)]
        if answer.nearest:
            blocks.append(Text("markdown", nearest_text(answer)))
    else:
        blocks = found_blocks(turn, index)
    return [*blocks, Text("caption", answer_footer(turn)), Downloads(answer_downloads([turn], index))]


def found_blocks(turn: Turn, index: int) -> list[Block]:
    answer = turn.answer
    blocks: list[Block] = [Text("info", escape(answer.note), INFO)] if answer.note else []
    for n, (candidate, again) in enumerate(answer.clarified()):  # 您指的是…？
        blocks.append(AskButton(f"只问{candidate}", f"clarify-{index}-{n}", again))
    if answer.asked:
        blocks.append(Text("caption", f"按上文理解为：{escape(answer.asked)}"))
    blocks.append(Text("markdown", escape(answer.answer)))
    if (frame := comparison_table(answer)) is not None:
        blocks.append(Table(frame))
    if badges := figure_badges(answer.figures):
        blocks.append(Text("markdown", badges))
    blocks.append(Text("markdown", f"**来源**（{len(turn.sources)} 条，点开查看原文，核对过的数字已标出）"))
    return blocks + [source_panel(source, answer.figures) for source in turn.sources]


# -- memos (汇报稿) -------------------------------------------------------------------------------
def memo_markdown(memo: Memo) -> list[str]:
    """A memo's Markdown in order: title, numbered section headings with their paragraphs, how many
    figures were checked, and the heading of its sources."""
    blocks = [f"#### {escape(memo.title)}"]
    for i, section in enumerate(memo.sections):
        blocks.append(f"**{memo_heading(i, section.heading)}**")
        blocks.extend(escape(paragraph) for paragraph in section.paragraphs)
    checked = sum(1 for f in memo.figures if f.verified)
    badge = "green-badge[:material/check:" if checked == len(memo.figures) else "red-badge[:material/close:"
    blocks.append(f"数字核对：:{badge} {checked}/{len(memo.figures)} 个数字已核对原文]")
    blocks.append(f"**来源**（{len(memo.citations)} 条，点开查看原文）")
    return blocks


def memo_blocks(memo: Memo, scope: str, index: int) -> list[Block]:
    """The chat's ``index``-th memo, drafted within ``scope``: why none could be written, or its
    text, its sources (each with the document it quotes), who wrote it and its downloads."""
    if memo.refused:
        return [Text("warning", f"**未能生成汇报稿**：{escape(memo.reason)}", SEARCH_OFF)]
    blocks: list[Block] = [Text("info", escape(memo.note), INFO)] if memo.note else []
    blocks.extend(Text("markdown", text) for text in memo_markdown(memo))
    blocks.extend(source_panel(Source(c, document_of(c, memo.documents)), memo.figures) for c in memo.citations)
    footer = Text("caption", f"汇报稿（{answered_by(memo.mode)}）｜检索范围：{escape(scope)}")
    return [*blocks, footer, Downloads(memo_downloads(memo, index))]
