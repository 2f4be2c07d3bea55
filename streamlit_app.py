"""ReportQA 的网页界面（占位页：聊天界面在 UI 任务中实现）。运行：streamlit run streamlit_app.py"""

from __future__ import annotations

import streamlit as st

from assistant.app import open_library
from assistant.config import load_settings
from assistant.library import Library

st.set_page_config(page_title="政务报告问答助手", page_icon="📑")
st.title("政务报告问答助手 ReportQA")


@st.cache_resource
def library() -> Library:
    return open_library(load_settings())


documents = library().documents()
if not documents:
    st.info("资料库为空：请先运行 `reportqa ingest samples` 导入示例报告。")
for info in documents:
    st.write(
        f"**{info.title}**｜{info.department}｜{info.year or '—'}｜{info.doc_type}｜{info.pages}页｜{info.chunks}段"
    )
