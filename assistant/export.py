"""Answers exported as Markdown or Word (DOCX), sources kept as footnote-style references
(document, page). The numbering runs through the whole export: answer 2's [1] may become [^3]."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from assistant.differences import table_rows
from assistant.recognised import WARNING as LOW_CONFIDENCE
from assistant.records import Answer, Citation
from assistant.sources import excerpt, place
from assistant.zh import MARKER

TITLE = "政务报告问答记录"
MODES = {"extractive": "摘录模式", "llm": "大模型"}
FONT = "宋体"


@dataclass(frozen=True)
class Note:
    number: int  # through the whole export
    citation: Citation
    quote: str  # the passage around the cited figure


def numbered(answers: Sequence[Answer]) -> list[dict[int, Note]]:
    """For each answer, its citation numbers mapped to notes numbered through the export."""
    notes: list[dict[int, Note]] = []
    count = 0
    for answer in answers:
        own = {}
        for citation in answer.citations:
            count += 1
            quote = excerpt(citation.text, answer.figures, table_unit=citation.table_unit)
            own[citation.n] = Note(count, citation, quote)
        notes.append(own)
    return notes


def footnote(note: Note) -> str:
    return f"{place(note.citation)}：“{note.quote}”"


def figure_check(answer: Answer) -> str:
    marks = "、".join(
        f"{f.text}（{'由引用数字计算' if f.computed else LOW_CONFIDENCE if f.low_confidence else '已核对原文' if f.verified else '未能核实'}）"
        for f in answer.figures
    )
    return f"数字核对：{marks}" if marks else ""


def split_markers(text: str, notes: dict[int, Note]) -> list[tuple[str, int | None]]:
    """Answer text cut at its [n] markers: (text, None) and ("", note number) pieces."""
    pieces: list[tuple[str, int | None]] = []
    at = 0
    for match in MARKER.finditer(text):
        note = notes.get(int(match.group(1)))
        if note is None:
            continue
        pieces.append((text[at : match.start()], None))
        pieces.append(("", note.number))
        at = match.end()
    pieces.append((text[at:], None))
    return [p for p in pieces if p[0] or p[1] is not None]


def comparison_grid(answer: Answer, notes: dict[int, Note], mark: Callable[[int], str]) -> list[list[str]]:
    """The comparison table of an answer with its cells' markers renumbered for the export."""
    assert answer.comparison is not None
    grid = table_rows(answer.comparison)
    return [[MARKER.sub(lambda m: mark(notes[int(m.group(1))].number), cell) for cell in row] for row in grid]


def _markdown_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "｜") for cell in cells) + " |"


# -- Markdown ----------------------------------------------------------------------------------
def answers_to_markdown(answers: Sequence[Answer], scopes: Sequence[str] = ()) -> str:
    """One Markdown document: each question and answer, then the sources as footnotes."""
    notes = numbered(answers)
    lines = [f"# {TITLE}", ""]
    for i, (answer, own) in enumerate(zip(answers, notes, strict=True)):
        lines += [f"## 问题 {i + 1}：{answer.question}", ""]
        if i < len(scopes) and scopes[i]:
            lines += [f"检索范围：{scopes[i]}", ""]
        if answer.refused:
            lines += [f"**未找到答案**：{answer.reason}", ""]
            if answer.nearest:
                lines += ["报告中与问题相近的内容：", ""] + [f"- {item}" for item in answer.nearest] + [""]
            continue
        body = "".join(text if number is None else f"[^{number}]" for text, number in split_markers(answer.answer, own))
        lines += [f"**答（{MODES.get(answer.mode, answer.mode)}）**：{body}", ""]
        if answer.comparison is not None:
            grid = comparison_grid(answer, own, lambda n: f"[^{n}]")
            lines += [_markdown_row(grid[0]), _markdown_row(["---"] * len(grid[0]))]
            lines += [_markdown_row(row) for row in grid[1:]] + [""]
        if check := figure_check(answer):
            lines += [check, ""]
    all_notes = [note for own in notes for note in own.values()]
    if all_notes:
        lines += ["## 参考来源", ""] + [f"[^{note.number}]: {footnote(note)}" for note in all_notes] + [""]
    return "\n".join(lines)


# -- DOCX --------------------------------------------------------------------------------------
def _use_chinese_font(document: DocxDocument) -> None:
    """Word picks the East Asian font separately; without it Chinese falls back to a system font."""
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "List Bullet"):
        style = document.styles[name]
        style.font.name = FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), FONT)


def _answer_paragraph(paragraph: Paragraph, answer: Answer, own: dict[int, Note]) -> None:
    paragraph.add_run(f"答（{MODES.get(answer.mode, answer.mode)}）：").bold = True
    for text, number in split_markers(answer.answer, own):
        run = paragraph.add_run(text if number is None else f"[{number}]")
        run.font.superscript = number is not None


def answers_to_docx(answers: Sequence[Answer], scopes: Sequence[str] = ()) -> bytes:
    """A Word document with the same content as the Markdown export; references as superscript
    [n] markers and a numbered 参考来源 list at the end."""
    document = Document()
    _use_chinese_font(document)
    document.add_heading(TITLE, level=1)
    notes = numbered(answers)
    for i, (answer, own) in enumerate(zip(answers, notes, strict=True)):
        document.add_heading(f"问题 {i + 1}：{answer.question}", level=2)
        if i < len(scopes) and scopes[i]:
            scope = document.add_paragraph().add_run(f"检索范围：{scopes[i]}")
            scope.font.size = Pt(9)
            scope.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        if answer.refused:
            refusal = document.add_paragraph()
            refusal.add_run("未找到答案：").bold = True
            refusal.add_run(answer.reason)
            if answer.nearest:
                document.add_paragraph("报告中与问题相近的内容：")
                for item in answer.nearest:
                    document.add_paragraph(item, style="List Bullet")
            continue
        _answer_paragraph(document.add_paragraph(), answer, own)
        if answer.comparison is not None:
            grid = comparison_grid(answer, own, lambda n: f"[{n}]")
            table = document.add_table(rows=len(grid), cols=len(grid[0]))
            table.style = "Table Grid"
            for r, row in enumerate(grid):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        if check := figure_check(answer):
            document.add_paragraph(check)
    all_notes = [note for own in notes for note in own.values()]
    if all_notes:
        document.add_heading("参考来源", level=2)
        for note in all_notes:
            document.add_paragraph(f"[{note.number}] {footnote(note)}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def export_name(count: int, index: int | None, suffix: str) -> str:
    """File name of a download: the whole conversation, or answer ``index`` (0-based)."""
    if index is None:
        return f"{TITLE}（{count}问）.{suffix}"
    return f"政务报告问答-第{index + 1}问.{suffix}"
