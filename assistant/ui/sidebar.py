"""The sidebar as data: the answering mode, the filter choices, the library's rows, and what the
upload and removal buttons say and do. Only ``import_uploads`` and ``remove`` touch the store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.config import Settings
from assistant.library import Library
from assistant.llm import mode_name
from assistant.records import AnswerMode, DocumentInfo
from assistant.scope import Filters, departments_of, describe, years_of
from assistant.ui.panels import Text
from assistant.ui.text import escape
from assistant.uploads import MAX_UPLOAD_MB, ingest_upload, remove_document
from ingest.pipeline import IngestOptions, Progress

Notice = tuple[str, str]  # (success | warning | error, message), shown after the next rerun
OFFLINE_MODES = {"extractive": ("摘录模式", "离线运行：直接摘录报告原句并注明出处，不调用大模型")}
FILTER_KEYS = ("years", "departments", "docs", "remove_choice")  # widgets reset when the library changes
UPLOAD_TYPES = ["pdf", "docx", "txt"]
UPLOAD_LABEL = f"PDF、DOCX 或 TXT，可多选，每个不超过 {MAX_UPLOAD_MB}MB"


@dataclass(frozen=True)
class ModeStatus:
    """How answers are written (a Markdown line with a badge) and what that means (a caption)."""

    line: str
    detail: str


def mode_status(mode: AnswerMode, settings: Settings, check: Callable[[Settings], tuple[bool, str]]) -> ModeStatus:
    """摘录模式 needs nothing reachable; an LLM's status says whether ``check`` (``llm.reachable``)
    finds its endpoint answering (its answers are checked either way)."""
    if mode in OFFLINE_MODES:
        name, detail = OFFLINE_MODES[mode]
        return ModeStatus(f"**回答模式**：{name} :green-badge[可用]", detail)
    ok, why = check(settings)
    badge = ":green-badge[可用]" if ok else ":red-badge[不可用]"
    detail = (
        escape(why) + "；暂用摘录模式回答。"
        if not ok
        else "大模型据报告原文作答；答案中的每个数字都与所引原文核对，未通过核对时改用摘录模式。"
    )
    return ModeStatus(f"**回答模式**：{escape(mode_name(settings))} {badge}", detail)


@dataclass(frozen=True)
class Choice:
    """A list to choose from in the sidebar: its label, what it offers, how an option is named,
    what it says while nothing is chosen, and its widget key."""

    label: str
    options: list[Any]
    name: Callable[[Any], str]
    placeholder: str
    key: str


def filter_fields(documents: Sequence[DocumentInfo]) -> list[Choice]:
    """年度 (newest first), 部门 and 文档 (by title), in the order ``chosen_filters`` takes them."""
    titles = {d.doc_id: d.title for d in documents}
    return [
        Choice("年度", years_of(documents), str, "全部年度", "years"),
        Choice("部门", departments_of(documents), str, "全部部门", "departments"),
        Choice("文档", list(titles), titles.__getitem__, "全部文档", "docs"),
    ]


def chosen_filters(years: Iterable[int] = (), departments: Iterable[str] = (), doc_ids: Iterable[str] = ()) -> Filters:
    """The filters as chosen in the sidebar; none chosen searches everything."""
    return Filters(tuple(years), tuple(departments), tuple(doc_ids))


def scope_caption(documents: Sequence[DocumentInfo], filters: Filters) -> str:
    return f"将在以下范围内检索：{escape(describe(documents, filters))}"


def library_label(documents: Sequence[DocumentInfo]) -> str:
    return f"已收录 {len(documents)} 份报告"


def library_rows(documents: Sequence[DocumentInfo]) -> list[tuple[str, str]]:
    """Each document as (its title in bold, a caption: department｜year｜type｜pages｜chunks｜file)."""
    rows = []
    for info in documents:
        year = f"{info.year}年" if info.year else "年度未识别"
        caption = (
            f"{info.department or '部门未识别'}｜{year}｜{info.doc_type}｜{info.pages}页｜{info.chunks}段｜{info.doc}"
        )
        rows.append((f"**{escape(info.title)}**", escape(caption)))
    return rows


def removal_choice(documents: Sequence[DocumentInfo]) -> Choice:
    """The document to remove, by id, named title（file）."""
    names = {d.doc_id: f"{d.title}（{d.doc}）" for d in documents}
    return Choice("要删除的文档", list(names), names.__getitem__, "选择文档", "remove_choice")


def notice_blocks(notices: Iterable[Notice]) -> list[Text]:
    """Notices as alerts: success, warning, or else error."""
    return [Text(kind if kind in ("success", "warning") else "error", escape(message)) for kind, message in notices]


def import_label(count: int) -> str:
    return f"导入所选的 {count} 个文件"


def import_uploads(
    library: Library, files: Iterable[tuple[str, bytes]], options: IngestOptions, progress: Progress
) -> Iterator[Notice]:
    """Ingest each uploaded (name, content) in turn; one notice per file, naming it."""
    for name, data in files:
        result = ingest_upload(library, name, data, options, progress)
        yield result.kind, result.message


def remove(library: Library, doc_id: str) -> list[Notice]:
    """Remove a document (and its uploaded copy); a notice naming it, none if it was already gone."""
    removed = remove_document(library, doc_id)
    return [] if removed is None else [("success", f"已删除《{removed.title}》（{removed.doc}）")]
