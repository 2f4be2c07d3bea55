"""ReportQA 的网页界面：对话式问答，附来源、筛选、上传与导出。

Run: ``make ui`` or ``streamlit run streamlit_app.py``. The page only arranges widgets: what it shows
comes from ``assistant.ui`` (text, sidebar, panels, chat, downloads, progress)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.errors import StreamlitSecretNotFoundError
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from assistant import open_assistant
from assistant.access import configured_password, password_matches
from assistant.config import Settings, load_settings
from assistant.conversation import Turn, ask
from assistant.errors import ReportQAError, StoreUnavailableError
from assistant.llm import reachable
from assistant.ui import chat, panels, sidebar
from assistant.ui.downloads import answer_downloads
from assistant.ui.progress import STARTING, ImportProgress, ingest_options
from assistant.ui.text import BUSY, CHINESE_CHROME, DRAFT_HELP, DRAFT_REQUEST, error_text, escape, opening_error

if TYPE_CHECKING:
    from assistant.answering import Assistant
    from assistant.records import DocumentInfo
    from assistant.scope import Filters
    from ingest.pipeline import Progress

ICON = ":material/download:"
TEXT = {kind: getattr(st, kind) for kind in ("markdown", "caption", "info", "warning", "success", "error")}


@st.cache_resource(show_spinner="正在打开资料库…")
def load_assistant(store: str, embed_model: str) -> Assistant:
    """One assistant per store and model, shared by every session; a first run creates the store."""
    return open_assistant(store, embed_model, create=True)


@st.cache_data(ttl=60, show_spinner=False)
def endpoint_status(base_url: str, model: str) -> tuple[bool, str]:
    """Checked at most once a minute."""
    return reachable(load_settings())


def notify(notices: Iterable[tuple[str, str]]) -> None:
    """(kind, message)s shown after the next rerun (the page reruns to show the changed library)."""
    st.session_state.setdefault("notices", []).extend(notices)


def ingest_bar(files: int) -> Progress:
    bar = st.progress(0.0, text=STARTING)
    return ImportProgress(files, lambda value, text: bar.progress(value, text=text)).callbacks()


def ask_later(question: str) -> None:
    st.session_state["pending"] = question


# -- sidebar ------------------------------------------------------------------------------------
def show_mode(assistant: Assistant, settings: Settings) -> None:
    status = sidebar.mode_status(assistant.mode, settings, lambda s: endpoint_status(s.llm_base_url, s.llm_model))
    st.markdown(status.line)
    st.caption(status.detail)


def choose_filters(documents: Sequence[DocumentInfo]) -> Filters:
    st.subheader("检索范围")
    chosen = [
        st.multiselect(f.label, f.options, format_func=f.name, placeholder=f.placeholder, select_all=False, key=f.key)
        for f in sidebar.filter_fields(documents)
    ]
    filters = sidebar.chosen_filters(*chosen)
    st.caption(sidebar.scope_caption(documents, filters))
    return filters


def show_library(documents: Sequence[DocumentInfo]) -> None:
    with st.expander(sidebar.library_label(documents), expanded=len(documents) <= 3):
        for title, caption in sidebar.library_rows(documents):
            st.markdown(title)
            st.caption(caption)


def removal(assistant: Assistant, documents: Sequence[DocumentInfo]) -> None:
    f = sidebar.removal_choice(documents)
    with st.expander("删除文档"):
        doc_id = st.selectbox(f.label, f.options, index=None, format_func=f.name, placeholder=f.placeholder, key=f.key)
        if st.button("删除所选文档", disabled=doc_id is None, key="remove"):
            notices = sidebar.remove(assistant.library, str(doc_id))
            for key in sidebar.FILTER_KEYS:
                st.session_state.pop(key, None)
            notify(notices)
            st.rerun()


def upload(assistant: Assistant, settings: Settings) -> None:
    st.subheader("上传报告")
    round_ = st.session_state.setdefault("upload_round", 0)
    files = st.file_uploader(
        sidebar.UPLOAD_LABEL,
        type=sidebar.UPLOAD_TYPES,
        accept_multiple_files=True,
        max_upload_size=sidebar.MAX_UPLOAD_MB,
        key=f"uploader-{round_}",
    )
    if files and st.button(sidebar.import_label(len(files)), type="primary", key="import"):
        uploads = ((file.name, file.getvalue()) for file in files)
        progress = ingest_bar(len(files))
        notify(sidebar.import_uploads(assistant.library, uploads, ingest_options(settings), progress))
        st.session_state["upload_round"] = round_ + 1  # a fresh, empty uploader
        st.rerun()


def show_sidebar(assistant: Assistant, settings: Settings, documents: Sequence[DocumentInfo]) -> Filters:
    with st.sidebar:
        st.header("资料库")
        show_mode(assistant, settings)
        show_blocks(sidebar.notice_blocks(st.session_state.pop("notices", [])))
        filters = sidebar.chosen_filters()
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
            show_blocks([panels.Downloads(answer_downloads(turns))])
            if st.button("清空对话", key="clear"):
                st.session_state["turns"] = []
                st.rerun()


# -- chat ---------------------------------------------------------------------------------------
def show_blocks(blocks: Sequence[panels.Block]) -> None:
    """An answer, a memo, notices or downloads, block by block (see ``assistant.ui.panels``)."""
    for block in blocks:
        if isinstance(block, panels.SourcePanel):
            with st.expander(block.label):
                st.caption(block.caption)
                st.markdown(block.body)
        elif isinstance(block, panels.AskButton):
            st.button(block.label, key=block.key, on_click=ask_later, args=(block.question,))
        elif isinstance(block, panels.Table):
            st.table(block.frame)
        elif isinstance(block, panels.Downloads):
            row = st.container(horizontal=True)
            for d in block.items:
                row.download_button(
                    d.label, d.data, file_name=d.file_name, mime=d.mime, key=d.key, on_click="ignore", icon=ICON
                )
        elif block.icon:  # info, warning
            TEXT[block.kind](block.text, icon=block.icon)
        else:
            TEXT[block.kind](block.text)


def show_question(question: str) -> DeltaGenerator:
    """The question as the user's message; returns the assistant's message that answers it."""
    with st.chat_message("user"):
        st.markdown(escape(question))
    return st.chat_message("assistant")


def first_run(assistant: Assistant, settings: Settings) -> None:
    count = chat.sample_count()
    st.info(chat.EMPTY_LIBRARY)
    if count and st.button(chat.samples_label(count), type="primary", key="samples"):
        notify(chat.load_sample_reports(assistant, ingest_options(settings), ingest_bar(count)))
        st.rerun()


def show_chat(assistant: Assistant, documents: Sequence[DocumentInfo], filters: Filters) -> None:
    turns: list[Turn] = st.session_state.setdefault("turns", [])
    for asked, blocks in chat.history(turns, st.session_state.get("memos", [])):
        with show_question(asked):
            show_blocks(blocks)
    typed = st.chat_input("请输入问题，例如：2025年万里街道三公经费预算是多少？", disabled=not documents)
    question = typed if isinstance(typed, str) else st.session_state.pop("pending", None)  # an example, 只问X
    if not question:
        if not turns and documents:  # suggested questions on an empty chat
            st.markdown("**可以这样问：**")
            for i, example in enumerate(chat.example_questions(documents)):
                st.button(example, key=f"example-{i}", on_click=ask_later, args=(example,))
        return
    answering = show_question(question)
    if chat.is_draft_request(question):
        with answering:
            draft_memo(assistant, documents, filters, question, len(turns))
        return
    with answering:
        draft, drafting, context = st.empty(), chat.Drafting(), get_script_run_ctx()

        def stream(text: str) -> None:  # an LLM's draft as it is written, until it is checked
            # LangChain calls this from its worker thread: give that thread this page's context
            add_script_run_ctx(threading.current_thread(), context)
            draft.caption(drafting.add(text))

        try:
            with st.spinner("正在检索报告…"):
                turn = ask(assistant, question, filters, turns, on_token=stream if assistant.chat else None)
        except StoreUnavailableError:
            st.error(BUSY)
            return
        draft.empty()
        show_blocks(panels.answer_blocks(turn, len(turns)))
    turns.append(turn)


# -- drafts (汇报稿) -------------------------------------------------------------------------------
def draft_memo(
    assistant: Assistant, documents: Sequence[DocumentInfo], filters: Filters, request: str, position: int
) -> None:
    """A chat request for a memo (写…汇报/摘要/总结): drafted within the filters, kept in the chat."""
    try:
        with st.spinner("正在起草汇报稿…"):
            drafted = chat.draft(assistant, documents, filters, request, position)
    except StoreUnavailableError:
        st.error(BUSY)
        return
    memos = st.session_state.setdefault("memos", [])
    memos.append(drafted)
    show_blocks(panels.memo_blocks(drafted.memo, drafted.scope, len(memos) - 1))


# -- page ---------------------------------------------------------------------------------------
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
        st.error(error_text("设置有误", exc))
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
    except ReportQAError as exc:
        st.error(opening_error(exc))
        st.stop()
    filters = show_sidebar(assistant, settings, documents)
    if not documents:
        first_run(assistant, settings)
    show_chat(assistant, documents, filters)
    conversation_tools()


main()
