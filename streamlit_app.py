"""ReportQA 的网页界面：对话式问答，附来源、筛选、上传与导出。

Run: ``make ui`` or ``streamlit run streamlit_app.py``. The page only arranges widgets: what it shows
comes from the ``assistant`` package (conversation, sources, scope, uploads, export)."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from assistant.access import configured_password, password_matches
from assistant.answering import Assistant
from assistant.app import build_assistant, open_library
from assistant.config import Settings, load_settings
from assistant.conversation import Turn, ask
from assistant.differences import table_rows
from assistant.drafting import Memo, drafter_for, is_draft_request
from assistant.errors import ReportQAError, StoreUnavailableError
from assistant.export import answers_to_docx, answers_to_markdown, export_name
from assistant.llm import mode_name, reachable
from assistant.memo_export import memo_file_name, memo_heading, memo_to_docx, memo_to_markdown
from assistant.records import CheckedFigure, DocumentInfo
from assistant.samples import example_questions, load_samples, sample_files
from assistant.scope import Filters, departments_of, describe, scope_of, years_of
from assistant.sources import Source, document_of, highlight
from assistant.uploads import MAX_UPLOAD_MB, ingest_upload, remove_document
from ingest.ocr import OcrProgress
from ingest.pipeline import FileResult, IngestOptions, Prepared, Progress

MODES = {"extractive": ("摘录模式", "离线运行：直接摘录报告原句并注明出处，不调用大模型")}
ANSWERED_BY = {"extractive": "摘录模式", "llm": "大模型"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|$~:-])")
BUSY = StoreUnavailableError.MESSAGE
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


@st.cache_resource(show_spinner="正在打开资料库…")
def load_assistant(store: str, embed_model: str) -> Assistant:
    """One assistant per store and model, shared by every browser session."""
    settings = load_settings(store=Path(store), embed_model=embed_model)
    open_library(settings)  # a first run creates the empty store, so the samples can be loaded
    return build_assistant(settings)


def escape(text: str) -> str:
    """Report text shown literally: no Markdown, no LaTeX ($), line breaks kept."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def notify(kind: str, message: str) -> None:
    """A message shown after the next rerun (the page reruns to show the changed library)."""
    st.session_state.setdefault("notices", []).append((kind, message))


def show_notices() -> None:
    for kind, message in st.session_state.pop("notices", []):
        (st.success if kind == "success" else st.warning if kind == "warning" else st.error)(escape(message))


class IngestBar:
    """One progress bar across ``files`` files, moved chunk by chunk as they are embedded."""

    def __init__(self, files: int) -> None:
        self.bar = st.progress(0.0, text="准备导入…")
        self.files = max(1, files)
        self.done = 0
        self.chunks = 1
        self.embedded = 0
        self.name = ""

    def callbacks(self) -> Progress:
        return Progress(
            on_start=self._start, on_embedded=self._embedded, on_file=self._finished, on_ocr_page=self._recognised
        )

    def _recognised(self, step: OcrProgress) -> None:  # done 0: recognition starts
        where = f"（第 {min(self.done + 1, self.files)}/{self.files} 个文件）"
        self.bar.progress(
            min(1.0, self.done / self.files), text=f"正在识别扫描页 {step.done}/{step.total}：第{step.page}页{where}"
        )

    def _start(self, prepared: Prepared) -> None:
        self.name, self.chunks, self.embedded = prepared.info.doc, max(1, len(prepared.chunks)), 0
        self._show()

    def _embedded(self, n: int) -> None:
        self.embedded += n
        self._show()

    def _finished(self, result: FileResult) -> None:
        self.done, self.embedded = self.done + 1, 0
        self._show()

    def _show(self) -> None:
        value = min(1.0, (self.done + self.embedded / self.chunks) / self.files)
        where = f"（第 {min(self.done + 1, self.files)}/{self.files} 个文件）"
        self.bar.progress(value, text="导入完成" if self.done >= self.files else f"正在导入 {self.name}{where}")


def options(settings: Settings) -> IngestOptions:
    return IngestOptions(
        settings.embed_batch_size, settings.chunk_size, settings.chunk_overlap, settings.ocr, settings.ocr_workers
    )


# -- sidebar ------------------------------------------------------------------------------------
def show_mode(assistant: Assistant) -> None:
    if assistant.mode in MODES:  # offline: nothing to reach
        name, detail = MODES[assistant.mode]
        st.markdown(f"**回答模式**：{name} :green-badge[可用]")
        st.caption(detail)
    else:  # an LLM: say whether it answers (its answers are checked either way)
        settings = load_settings()
        ok, why = endpoint_status(settings.llm_base_url, settings.llm_model)
        badge = ":green-badge[可用]" if ok else ":red-badge[不可用]"
        st.markdown(f"**回答模式**：{escape(mode_name(settings))} {badge}")
        st.caption(
            escape(why) + "；暂用摘录模式回答。"
            if not ok
            else "大模型据报告原文作答；答案中的每个数字都与所引原文核对，未通过核对时改用摘录模式。"
        )


@st.cache_data(ttl=60, show_spinner=False)
def endpoint_status(base_url: str, model: str) -> tuple[bool, str]:
    """Checked at most once a minute."""
    return reachable(load_settings())


def choose_filters(documents: Sequence[DocumentInfo]) -> Filters:
    st.subheader("检索范围")
    by_id = {d.doc_id: d for d in documents}
    years = st.multiselect("年度", years_of(documents), placeholder="全部年度", select_all=False, key="years")
    departments = st.multiselect(
        "部门", departments_of(documents), placeholder="全部部门", select_all=False, key="departments"
    )
    doc_ids = st.multiselect(
        "文档", list(by_id), format_func=lambda i: by_id[i].title, placeholder="全部文档", select_all=False, key="docs"
    )
    filters = Filters(tuple(years), tuple(departments), tuple(doc_ids))
    st.caption(f"将在以下范围内检索：{escape(describe(documents, filters))}")
    return filters


def show_library(documents: Sequence[DocumentInfo]) -> None:
    with st.expander(f"已收录 {len(documents)} 份报告", expanded=len(documents) <= 3):
        for info in documents:
            st.markdown(f"**{escape(info.title)}**")
            year = f"{info.year}年" if info.year else "年度未识别"
            st.caption(
                escape(
                    f"{info.department or '部门未识别'}｜{year}｜{info.doc_type}｜{info.pages}页｜{info.chunks}段｜{info.doc}"
                )
            )


def removal(assistant: Assistant, documents: Sequence[DocumentInfo]) -> None:
    by_id = {d.doc_id: d for d in documents}
    with st.expander("删除文档"):
        doc_id = st.selectbox(
            "要删除的文档",
            list(by_id),
            index=None,
            format_func=lambda i: f"{by_id[i].title}（{by_id[i].doc}）",
            placeholder="选择文档",
            key="remove_choice",
        )
        if st.button("删除所选文档", disabled=doc_id is None, key="remove"):
            removed = remove_document(assistant.library, str(doc_id))
            for key in ("years", "departments", "docs", "remove_choice"):
                st.session_state.pop(key, None)
            if removed is not None:
                notify("success", f"已删除《{removed.title}》（{removed.doc}）")
            st.rerun()


def upload(assistant: Assistant, settings: Settings) -> None:
    st.subheader("上传报告")
    round_ = st.session_state.setdefault("upload_round", 0)
    files = st.file_uploader(
        f"PDF、DOCX 或 TXT，可多选，每个不超过 {MAX_UPLOAD_MB}MB",
        type=["pdf", "docx", "txt"],
        accept_multiple_files=True,
        max_upload_size=MAX_UPLOAD_MB,
        key=f"uploader-{round_}",
    )
    if files and st.button(f"导入所选的 {len(files)} 个文件", type="primary", key="import"):
        progress = IngestBar(len(files)).callbacks()
        for file in files:
            result = ingest_upload(assistant.library, file.name, file.getvalue(), options(settings), progress)
            notify(result.kind, result.message)
        st.session_state["upload_round"] = round_ + 1  # a fresh, empty uploader
        st.rerun()


def export_buttons(turns: Sequence[Turn], key: str, index: int | None = None) -> None:
    """Markdown and Word downloads of ``turns`` (one answer, or the whole conversation)."""
    answers = [t.answer for t in turns]
    scopes = [t.scope for t in turns]
    row = st.container(horizontal=True)
    row.download_button(
        "导出 Markdown",
        answers_to_markdown(answers, scopes),
        file_name=export_name(len(turns), index, "md"),
        mime="text/markdown",
        key=f"{key}-md",
        on_click="ignore",
        icon=":material/download:",
    )
    row.download_button(
        "导出 Word",
        lambda: answers_to_docx(answers, scopes),  # built when clicked
        file_name=export_name(len(turns), index, "docx"),
        mime=DOCX,
        key=f"{key}-docx",
        on_click="ignore",
        icon=":material/download:",
    )


def sidebar(assistant: Assistant, settings: Settings, documents: Sequence[DocumentInfo]) -> Filters:
    with st.sidebar:
        st.header("资料库")
        show_mode(assistant)
        show_notices()
        filters = Filters()
        if documents:
            filters = choose_filters(documents)
            show_library(documents)
            st.button("生成汇报稿", key="draft", on_click=ask_later, args=(DRAFT_REQUEST,), help=DRAFT_HELP)
        upload(assistant, settings)
        if documents:
            removal(assistant, documents)
    return filters


def conversation_tools() -> None:
    """At the foot of the sidebar, drawn after the chat so that it includes the answer just given."""
    turns = st.session_state.get("turns", [])
    if turns:
        with st.sidebar:
            st.subheader("导出全部对话")
            export_buttons(turns, "all")
            if st.button("清空对话", key="clear"):
                st.session_state["turns"] = []
                st.rerun()


# -- chat ---------------------------------------------------------------------------------------
def figure_badges(figures: Sequence[CheckedFigure]) -> str:
    marks = [
        f":blue-badge[:material/calculate: {escape(f.text)} 由引用数字计算]"
        if f.computed
        else f":orange-badge[:material/warning: {escape(f.text)} 识别置信度低，请核对原件]"
        if f.low_confidence
        else f":green-badge[:material/check: {escape(f.text)} 已核对原文]"
        if f.verified
        else f":red-badge[:material/close: {escape(f.text)} 未能核实]"
        for f in figures
    ]
    return "数字核对：" + " ".join(marks) if marks else ""


def show_source(source: Source, figures: Sequence[CheckedFigure]) -> None:
    c = source.citation
    with st.expander(f"[{c.n}] {escape(c.title)}｜{c.page_label or '页码未知'}"):
        st.caption(
            escape(
                f"文档：《{c.title}》｜部门：{source.department or '未识别'}｜"
                f"年度：{source.year or '未识别'}｜页码：{c.page_label or '未知'}｜文件：{c.doc}"
            )
        )
        pieces = highlight(c.text, figures, c.table_unit)
        st.markdown("".join(f":green-background[**{escape(t)}**]" if marked else escape(t) for t, marked in pieces))


def show_answer(turn: Turn, index: int) -> None:
    answer = turn.answer
    if answer.refused:
        st.warning(f"**未找到答案**：{escape(answer.reason)}", icon=":material/search_off:")
        if answer.nearest:
            st.markdown("报告中与问题相近的内容：\n" + "\n".join(f"- {escape(item)}" for item in answer.nearest))
    else:
        if answer.note:
            st.info(escape(answer.note), icon=":material/info:")
        for n, (candidate, again) in enumerate(answer.clarified()):  # 您指的是…？
            st.button(f"只问{candidate}", key=f"clarify-{index}-{n}", on_click=ask_later, args=(again,))
        if answer.asked:
            st.caption(f"按上文理解为：{escape(answer.asked)}")
        st.markdown(escape(answer.answer))
        if answer.comparison is not None:
            grid = table_rows(answer.comparison)
            st.table(pd.DataFrame(grid[1:], columns=grid[0]).set_index("项目"))
        if badges := figure_badges(answer.figures):
            st.markdown(badges)
        st.markdown(f"**来源**（{len(turn.sources)} 条，点开查看原文，核对过的数字已标出）")
        for source in turn.sources:
            show_source(source, answer.figures)
    seconds = answer.timings_ms.get("total", 0) / 1000
    st.caption(f"{ANSWERED_BY.get(answer.mode, answer.mode)}｜检索范围：{escape(turn.scope)}｜用时 {seconds:.1f} 秒")
    export_buttons([turn], f"turn-{index}", index)


def show_turn(turn: Turn, index: int) -> None:
    with st.chat_message("user"):
        st.markdown(escape(turn.question))
    with st.chat_message("assistant"):
        show_answer(turn, index)


def first_run(assistant: Assistant, settings: Settings) -> None:
    files = sample_files()
    st.info("资料库为空。可以一键导入随附的示例报告，或在左侧上传报告（PDF、DOCX、TXT）。")
    if files and st.button(f"导入示例报告（{len(files)} 份）", type="primary", key="samples"):
        report = load_samples(assistant.library, options(settings), IngestBar(len(files)).callbacks())
        for result in report.results:
            if result.status == "failed":
                notify("error", result.error)
            elif result.info is not None:
                notify("success", f"已导入《{result.info.title}》（{result.info.doc}）")
        st.rerun()


def ask_later(question: str) -> None:
    st.session_state["pending"] = question


def examples(documents: Sequence[DocumentInfo]) -> None:
    st.markdown("**可以这样问：**")
    for i, question in enumerate(example_questions(documents)):
        st.button(question, key=f"example-{i}", on_click=ask_later, args=(question,))


def chat(assistant: Assistant, documents: Sequence[DocumentInfo], filters: Filters) -> None:
    turns: list[Turn] = st.session_state.setdefault("turns", [])
    for index, turn in enumerate(turns):
        show_memos(index)
        show_turn(turn, index)
    show_memos(len(turns))
    typed = st.chat_input("请输入问题，例如：2025年万里街道三公经费预算是多少？", disabled=not documents)
    question = typed if isinstance(typed, str) else st.session_state.pop("pending", None)
    if not question:
        if not turns and documents:
            examples(documents)
        return
    if is_draft_request(question):
        draft_memo(assistant, documents, filters, question, len(turns))
        return
    with st.chat_message("user"):
        st.markdown(escape(question))
    with st.chat_message("assistant"):
        draft = st.empty()
        written: list[str] = []
        context = get_script_run_ctx()

        def stream(text: str) -> None:  # an LLM's draft as it is written, until it is checked
            # LangChain calls this from its worker thread: give that thread this page's context
            add_script_run_ctx(threading.current_thread(), context)
            written.append(text)
            draft.caption("草稿（核对中）：" + escape("".join(written)))

        try:
            with st.spinner("正在检索报告…"):
                turn = ask(assistant, question, filters, turns, on_token=stream if assistant.chat else None)
        except StoreUnavailableError:
            st.error(BUSY)
            return
        draft.empty()
        show_answer(turn, len(turns))
    turns.append(turn)


# -- drafts (汇报稿) -------------------------------------------------------------------------------
DRAFT_REQUEST = "按所选检索范围写一份汇报稿"
DRAFT_HELP = "按左侧检索范围内的报告起草汇报稿：总体情况、重点工作与成效、存在的问题、下一步打算，每个数字注明出处"


def draft_memo(
    assistant: Assistant, documents: Sequence[DocumentInfo], filters: Filters, request: str, position: int
) -> None:
    """A chat request for a memo (写…汇报/摘要/总结): drafted within the filters, kept in the chat."""
    with st.chat_message("user"):
        st.markdown(escape(request))
    with st.chat_message("assistant"):
        try:
            with st.spinner("正在起草汇报稿…"):
                memo = drafter_for(assistant).draft(request, scope=scope_of(documents, filters))
        except StoreUnavailableError:
            st.error(BUSY)
            return
        memos = st.session_state.setdefault("memos", [])
        memos.append((position, request, memo, describe(documents, filters)))
        show_memo(memo, describe(documents, filters), len(memos) - 1)


def show_memos(position: int) -> None:
    """The memos drafted before the ``position``-th question, in the order they were asked for."""
    for index, (at, request, memo, scope) in enumerate(st.session_state.get("memos", [])):
        if at == position:
            with st.chat_message("user"):
                st.markdown(escape(request))
            with st.chat_message("assistant"):
                show_memo(memo, scope, index)


def show_memo(memo: Memo, scope: str, index: int) -> None:
    if memo.refused:
        st.warning(f"**未能生成汇报稿**：{escape(memo.reason)}", icon=":material/search_off:")
        return
    if memo.note:
        st.info(escape(memo.note), icon=":material/info:")
    st.markdown(f"#### {escape(memo.title)}")
    for i, section in enumerate(memo.sections):
        st.markdown(f"**{memo_heading(i, section.heading)}**")
        for paragraph in section.paragraphs:
            st.markdown(escape(paragraph))
    checked = sum(1 for f in memo.figures if f.verified)
    badge = "green-badge[:material/check:" if checked == len(memo.figures) else "red-badge[:material/close:"
    st.markdown(f"数字核对：:{badge} {checked}/{len(memo.figures)} 个数字已核对原文]")
    st.markdown(f"**来源**（{len(memo.citations)} 条，点开查看原文）")
    for citation in memo.citations:
        show_source(Source(citation, document_of(citation, memo.documents)), memo.figures)
    st.caption(f"汇报稿（{ANSWERED_BY.get(memo.mode, memo.mode)}）｜检索范围：{escape(scope)}")
    row = st.container(horizontal=True)
    downloads = (
        ("下载 Word", lambda: memo_to_docx(memo), "docx", DOCX),
        ("下载 Markdown", memo_to_markdown(memo), "md", "text/markdown"),
    )
    for label, data, suffix, mime in downloads:
        name, key = memo_file_name(memo, suffix), f"memo-{index}-{suffix}"
        row.download_button(
            label, data, file_name=name, mime=mime, key=key, on_click="ignore", icon=":material/download:"
        )


def secrets() -> Mapping[str, object]:
    """Streamlit's secrets (.streamlit/secrets.toml), or none when there is no secrets file."""
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return {}


def password_gate() -> None:
    """When a password is configured, show only a password form until it is entered."""
    try:
        expected = configured_password(load_settings(), secrets())
    except ReportQAError as exc:
        st.error(f"设置有误：{escape(str(exc))}")
        st.stop()
    if not expected or st.session_state.get("unlocked"):
        return
    with st.form("password"):
        typed = st.text_input("访问密码", type="password", placeholder="请输入访问密码")
        entered = st.form_submit_button("进入", type="primary")
    if entered:
        if password_matches(typed, expected):
            st.session_state["unlocked"] = True
            st.rerun()
        st.error("密码不正确，请重试。")
    st.stop()


def main() -> None:
    st.set_page_config(page_title="政务报告问答助手", page_icon="📑", layout="centered")
    st.html(CHINESE_CHROME)
    st.title("政务报告问答助手")
    password_gate()
    st.caption("依据已收录的政府预算、决算和绩效自评报告回答问题：每个数字注明出处（文档、页码），并与原文核对。")
    try:
        settings = load_settings()
        assistant = load_assistant(str(settings.store.expanduser()), settings.embed_model)
        documents = assistant.library.documents()
    except StoreUnavailableError:
        st.error(BUSY)
        st.stop()
    except ReportQAError as exc:
        st.error(f"无法打开资料库：{escape(str(exc))}")
        st.stop()
    filters = sidebar(assistant, settings, documents)
    if not documents:
        first_run(assistant, settings)
    chat(assistant, documents, filters)
    conversation_tools()


main()
