"""The words of the web page: report text escaped for Markdown, the fixed strings and markup. Pure."""

from __future__ import annotations

import re

from assistant.errors import ReportQAError, StoreUnavailableError

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|$~:-])")
BUSY = StoreUnavailableError.MESSAGE
ANSWERED_BY = {"extractive": "摘录模式", "llm": "大模型"}
DRAFT_REQUEST = "按所选检索范围写一份汇报稿"
DRAFT_HELP = "按左侧检索范围内的报告起草汇报稿：总体情况、重点工作与成效、存在的问题、下一步打算，每个数字注明出处"
# Streamlit writes a few words of its own in English: the upload button and hint, and the
# "Running…/Stop" indicator (the page shows its own Chinese spinner instead).
CHINESE_CHROME = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "选择文件"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after { content: "或把文件拖到这里"; font-size: 0.8rem; }
[data-testid="stStatusWidget"] { visibility: hidden; }
</style>"""


def escape(text: str) -> str:
    """Report text shown literally: no Markdown, no LaTeX ($), line breaks kept."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def answered_by(mode: str) -> str:
    """Who wrote an answer or memo, as the reader sees it (摘录模式 / 大模型)."""
    return ANSWERED_BY.get(mode, mode)


def error_text(problem: str, exc: Exception) -> str:
    """An error shown on the page: what failed, then the reason (设置有误：…)."""
    return f"{problem}：{escape(str(exc))}"


def opening_error(exc: ReportQAError) -> str:
    """Why the library cannot be opened: busy (being written, try again), or the reason."""
    return BUSY if isinstance(exc, StoreUnavailableError) else error_text("无法打开资料库", exc)
