"""Draft memos exported as Markdown or Word (DOCX), with footnote-style references (document, page)
that quote the cited sentence; and the export files the CLI writes (``--out``), chosen by suffix."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.shared import Pt, RGBColor

from assistant.drafting import Memo
from assistant.errors import ReportQAError
from assistant.export import MODES, Note, _use_chinese_font, footnote, split_markers
from assistant.extractive import safe_prefix

# -- memos (drafts) ------------------------------------------------------------------------------
NUMERALS = "一二三四五六七八九十"
MEMO_CHECK = "数字核对：稿中每个数字均已与所引报告原文核对。"
MAX_QUOTE = 200


def memo_notes(memo: Memo) -> dict[int, Note]:
    """A memo's citations as footnotes: each quotes the sentence it cites, whole."""
    return {
        c.n: Note(c.n, c, safe_prefix(c.text, MAX_QUOTE) + ("…" if len(c.text) > MAX_QUOTE else ""))
        for c in memo.citations
    }


def memo_heading(index: int, heading: str) -> str:
    return f"{NUMERALS[index]}、{heading}" if index < len(NUMERALS) else heading


def memo_preamble(memo: Memo) -> list[str]:
    """What the reader should know first: how it was written, and from which reports."""
    lines = [f"（{MODES.get(memo.mode, memo.mode)}生成的草稿，请核对后使用）"]
    if memo.note:
        lines.append(f"说明：{memo.note}")
    if memo.documents:
        lines.append("依据：" + "、".join(f"《{d.title}》（{d.doc}）" for d in memo.documents))
    return lines


def memo_to_markdown(memo: Memo) -> str:
    """The memo in Markdown: title, the four sections with [^n] references, then 参考来源."""
    if memo.refused:
        return f"# 未能生成汇报稿\n\n{memo.reason}\n"
    notes = memo_notes(memo)
    lines = [f"# {memo.title}", ""]
    for line in memo_preamble(memo):
        lines += [line, ""]
    for i, section in enumerate(memo.sections):
        lines += [f"## {memo_heading(i, section.heading)}", ""]
        for paragraph in section.paragraphs:
            pieces = split_markers(paragraph, notes)
            lines += ["".join(text if number is None else f"[^{number}]" for text, number in pieces), ""]
    if notes:
        lines += ["## 参考来源", ""] + [f"[^{n.number}]: {footnote(n)}" for n in notes.values()] + [""]
        lines += [MEMO_CHECK, ""]
    return "\n".join(lines)


def memo_to_docx(memo: Memo) -> bytes:
    """The memo as a Word document: superscript [n] references and a numbered 参考来源 list."""
    document = Document()
    _use_chinese_font(document)
    if memo.refused:
        document.add_heading("未能生成汇报稿", level=1)
        document.add_paragraph(memo.reason)
    else:
        notes = memo_notes(memo)
        document.add_heading(memo.title, level=1)
        for line in memo_preamble(memo):
            run = document.add_paragraph().add_run(line)
            run.font.size = Pt(9)
            run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        for i, section in enumerate(memo.sections):
            document.add_heading(memo_heading(i, section.heading), level=2)
            for paragraph in section.paragraphs:
                written = document.add_paragraph()
                for text, number in split_markers(paragraph, notes):
                    run = written.add_run(text if number is None else f"[{number}]")
                    run.font.superscript = number is not None
        if notes:
            document.add_heading("参考来源", level=2)
            for note in notes.values():
                document.add_paragraph(f"[{note.number}] {footnote(note)}")
            document.add_paragraph(MEMO_CHECK)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def memo_file_name(memo: Memo, suffix: str) -> str:
    return f"{memo.title or '汇报稿'}（草稿）.{suffix}"


EXPORT_SUFFIXES = (".docx", ".md")


def export_kind(path: Path) -> str:
    """``docx`` or ``md``, by the file name's suffix; anything else is the user's error."""
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise ReportQAError(f"无法导出到 {path}：只支持 .docx（Word）或 .md（Markdown）文件")
    return suffix[1:]


def save_export(path: Path, content: str | bytes) -> None:
    try:
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    except OSError as exc:
        raise ReportQAError(f"无法写入 {path}：{exc.strerror or exc}") from exc
