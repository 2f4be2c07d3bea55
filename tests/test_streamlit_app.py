"""The chat page driven by Streamlit's AppTest, with the real assistant and embedder.

Questions are asked over the session's ``corpus_store`` (every bundled document); the tests that
change a store (first run, upload, removal) get a small store of their own in a temporary folder."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

import assistant.samples
from assistant.app import open_library
from assistant.config import load_settings
from assistant.conversation import Turn
from assistant.export import answers_to_docx
from assistant.uploads import UPLOADS
from ingest.pipeline import ingest_paths
from tests.conftest import WANLI_2024, WANLI_2025
from tests.reports import FIGURE, QUESTION, TITLE, small_report, write_small_report

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120  # the first question loads the embedding model and the keyword index
WANLI_2025_TITLE = "上海市普陀区2025年区级部门预算"
WANLI_2024_TITLE = "上海市普陀区2024年区级部门预算"
WANLI = "上海市普陀区人民政府万里街道办事处"
UPLOAD_NAME = "示例街道2023年绩效自评报告.txt"

pytestmark = pytest.mark.e2e


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], AppTest]:
    def start(store: Path) -> AppTest:
        monkeypatch.setenv("REPORTQA_STORE", str(store))
        app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
        assert not app.exception, app.exception
        return app

    return start


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    """One small report ingested with the real embedder."""
    store = tmp_path / "store"
    report = ingest_paths([write_small_report(tmp_path / "in")], open_library(load_settings(store=store)))
    assert report.count("added") == 1
    return store


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input[0].set_value(question).run()
    assert not app.exception, app.exception
    return app


def plain(markdown: str) -> str:
    """What the reader sees of text the page escaped for Markdown."""
    return re.sub(r"\\(.)", r"\1", markdown)


def answer_texts(app: AppTest) -> list[str]:
    """Everything written in each answer: markdown, alerts and captions."""
    texts = []
    for message in app.chat_message:
        if message.name == "assistant":
            parts = [m.value for m in message.markdown] + [w.value for w in message.warning]
            texts.append(plain("\n".join(parts + [c.value for c in message.caption])))
    return texts


def sidebar_messages(app: AppTest) -> list[str]:
    return [plain(m.value) for m in (*app.sidebar.success, *app.sidebar.warning, *app.sidebar.error)]


def test_first_run_loads_the_sample_reports_with_one_click(
    open_app: Callable[[Path], AppTest], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    samples = tmp_path / "samples"
    write_small_report(samples)  # the real samples/ take a minute to embed; the flow is the same
    monkeypatch.setattr(assistant.samples, "SAMPLES", samples)
    app = open_app(tmp_path / "new-store")
    assert app.title[0].value == "政务报告问答助手"
    assert "资料库为空" in app.info[0].value
    assert app.chat_input[0].disabled
    app.button(key="samples").click().run()
    assert not app.exception, app.exception
    assert sidebar_messages(app) == [f"已导入《{TITLE}》（{UPLOAD_NAME}）"]
    assert "已收录 1 份报告" in [e.label for e in app.sidebar.expander]
    assert not app.info and not app.chat_input[0].disabled
    assert app.button(key="example-0").label.endswith("预算是多少？")  # suggested questions on the empty chat


def test_example_question_is_answered_with_checked_figures_and_source_panels(
    open_app: Callable[[Path], AppTest], corpus_store: Path
) -> None:
    app = open_app(corpus_store)
    assert app.sidebar.markdown[0].value.startswith("**回答模式**：摘录模式")
    examples = {b.label: b for b in app.button if (b.key or "").startswith("example-")}
    examples["2025年万里街道三公经费预算是多少？"].click().run()
    assert not app.exception, app.exception
    (text,) = answer_texts(app)
    assert "37.91万元" in text and "[1]" in text
    assert ":green-badge[:material/check: 37.91万元 已核对原文]" in text
    panel = app.chat_message[1].expander[0]
    assert panel.label == f"[1] {WANLI_2025_TITLE}｜第29页"
    assert plain(panel.caption[0].value) == (
        f"文档：《{WANLI_2025_TITLE}》｜部门：{WANLI}｜年度：2025｜页码：第29页｜文件：{WANLI_2025.name}"
    )
    assert ":green-background[**37.91万元**]" in panel.markdown[0].value
    assert not [b for b in app.button if (b.key or "").startswith("example-")]  # examples only on an empty chat
    ask(app, "万里街道2025年物业管理费预算是多少？")
    assert len(answer_texts(app)) == 2 and "1,143,816" in answer_texts(app)[1]  # the history stays


def test_refusal_is_shown_with_its_reason_and_the_nearest_passages(
    open_app: Callable[[Path], AppTest], corpus_store: Path
) -> None:
    app = ask(open_app(corpus_store), "龙津街道2023年低保救济金发了多少？")
    message = app.chat_message[1]
    assert message.warning[0].value.startswith("**未找到答案**：") and "2023" in message.warning[0].value
    assert "报告中与问题相近的内容" in message.markdown[0].value and "《" in message.markdown[0].value
    assert not message.expander  # no sources for a refusal


def test_comparison_is_shown_as_a_table_with_a_cited_cell_per_year(
    open_app: Callable[[Path], AppTest], corpus_store: Path
) -> None:
    app = ask(open_app(corpus_store), "万里街道2024年和2025年三公经费比较")
    message = app.chat_message[1]
    (table,) = message.table
    frame = table.value
    assert list(frame.columns) == ["2024年", "2025年", "差额（后减前）", "增减幅度"]
    assert frame.loc["三公经费"].tolist() == ["47.91万元[1]", "37.91万元[2]", "-10.00万元", "-20.87%"]
    (text,) = answer_texts(app)
    assert ":blue-badge[:material/calculate: 20.87% 由引用数字计算]" in text
    assert [e.label for e in message.expander] == [f"[1] {WANLI_2024_TITLE}｜第31页", f"[2] {WANLI_2025_TITLE}｜第29页"]


def test_filters_scope_what_is_searched(open_app: Callable[[Path], AppTest], corpus_store: Path) -> None:
    app = open_app(corpus_store)
    ids = {d.doc: d.doc_id for d in open_library(load_settings(store=corpus_store), create=False).documents()}
    question = "万里街道“三公”经费预算是多少？"
    app.multiselect(key="docs").set_value([ids[WANLI_2024.name]])
    ask(app, question)
    assert "47.91万元" in answer_texts(app)[-1] and "37.91万元" not in answer_texts(app)[-1]
    assert "检索范围：《上海市普陀区2024年区级部门预算》，共 1 份报告" in answer_texts(app)[-1]
    assert {e.label.split("｜")[0] for e in app.chat_message[-1].expander} == {f"[1] {WANLI_2024_TITLE}"}
    app.multiselect(key="docs").set_value([ids[WANLI_2025.name]])
    ask(app, question)
    assert "37.91万元" in answer_texts(app)[-1]
    app.multiselect(key="docs").set_value([])
    app.multiselect(key="years").set_value([2022])
    app.multiselect(key="departments").set_value([WANLI])
    ask(app, question)
    assert "所选筛选范围内没有报告" in app.chat_message[-1].warning[0].value


def test_answer_and_conversation_export_as_markdown_and_word(
    open_app: Callable[[Path], AppTest], corpus_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloads: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self: MemoryMediaFileStorage, data: Any, mimetype: str, kind: Any, filename: str | None = None) -> str:
        if filename:
            downloads[filename] = data if isinstance(data, bytes) else Path(data).read_bytes()
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    app = ask(open_app(corpus_store), "2025年万里街道三公经费预算是多少？")
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["导出 Markdown", "导出 Word"] * 2  # the answer's own, and the whole conversation
    one = downloads["政务报告问答-第1问.md"].decode("utf-8")
    assert re.search(r"\*\*答（摘录模式）\*\*：[^\n]*37\.91万元[^\n]*\[\^1\]", one)
    assert f"[^1]: 《{WANLI_2025_TITLE}》（{WANLI_2025.name}），第29页：“" in one
    assert downloads["政务报告问答记录（1问）.md"].decode("utf-8") == one
    turn: Turn = app.session_state["turns"][0]
    word = Document(io.BytesIO(answers_to_docx([turn.answer], [turn.scope])))
    assert any("37.91万元" in p.text for p in word.paragraphs)
    assert any(p.text.startswith(f"[1] 《{WANLI_2025_TITLE}》") and "第29页" in p.text for p in word.paragraphs)


def test_upload_adds_reports_and_names_each_failing_file(open_app: Callable[[Path], AppTest], tmp_path: Path) -> None:
    store = tmp_path / "store"
    app = open_app(store)
    app.file_uploader[0].set_value(
        [
            (UPLOAD_NAME, small_report().encode("utf-8"), "text/plain"),
            ("损坏的报告.pdf", b"%PDF-1.7 this is not a PDF", "application/pdf"),
        ]
    ).run()
    app.button(key="import").click().run()
    assert not app.exception, app.exception
    (added,) = [plain(m.value) for m in app.sidebar.success]
    (failed,) = [plain(m.value) for m in app.sidebar.error]
    assert added.startswith(f"{UPLOAD_NAME}：已导入（{TITLE}")
    assert failed.startswith("损坏的报告.pdf：文件损坏")
    assert "已收录 1 份报告" in [e.label for e in app.sidebar.expander]
    assert len(list((store / UPLOADS).iterdir())) == 1  # the failed file left nothing behind
    ask(app, QUESTION)
    assert FIGURE in answer_texts(app)[0]
    assert plain(app.chat_message[1].expander[0].caption[0].value).endswith(f"文件：{UPLOAD_NAME}")


def test_removing_a_document_empties_the_library(open_app: Callable[[Path], AppTest], small_store: Path) -> None:
    app = open_app(small_store)
    (info,) = open_library(load_settings(store=small_store), create=False).documents()
    app.selectbox(key="remove_choice").set_value(info.doc_id).run()
    app.button(key="remove").click().run()
    assert not app.exception, app.exception
    assert sidebar_messages(app) == [f"已删除《{TITLE}》（{UPLOAD_NAME}）"]
    assert "资料库为空" in app.info[0].value


def test_llm_mode_shows_its_status_the_checked_answer_and_a_failing_endpoint(
    open_app: Callable[[Path], AppTest], small_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.llm_server import ChatServer

    with ChatServer() as server:
        monkeypatch.setenv("REPORTQA_LLM_BASE_URL", server.url)
        monkeypatch.setenv("REPORTQA_LLM_MODEL", "test-model")
        app = open_app(small_store)
        mode = plain(" ".join(m.value for m in app.sidebar.markdown))
        assert "大模型（test-model" in mode and "可用" in mode
        (text,) = answer_texts(ask(app, QUESTION))
        assert FIGURE in text and "大模型｜" in text and server.requests, [i.value for i in app.info]
        server.status = 500  # the endpoint fails: the page says so and shows the extractive answer
        texts = answer_texts(ask(app, QUESTION))
        assert any("模型服务出错（HTTP 500）" in i.value for i in app.info)
        assert FIGURE in texts[-1] and "摘录模式｜" in texts[-1]


def test_an_ambiguous_name_is_answered_per_body_and_the_page_asks_which(
    open_app: Callable[[Path], AppTest], tmp_path: Path
) -> None:
    for body, amount in (("甲市统计局", "32.56"), ("乙市统计局", "18.20")):
        (tmp_path / f"{body}.txt").write_text(
            f"2026年{body}部门预算\n一、三公经费\n2026年“三公”经费预算{amount}万元。\n", encoding="utf-8"
        )
    store = tmp_path / "store"
    ingest_paths(sorted(tmp_path.glob("*.txt")), open_library(load_settings(store=store)))
    app = ask(open_app(store), "统计局2026年三公经费预算是多少？")
    assert any("您指的是" in i.value for i in app.info)
    labels = {b.label for b in app.button}
    assert {"只问甲市统计局", "只问乙市统计局"} <= labels
    next(b for b in app.button if b.label == "只问甲市统计局").click().run()
    answers = [m.value for m in app.markdown if "32.56万元" in m.value or "18.20万元" in m.value]
    assert any("32.56万元" in a and "18.20万元" not in a for a in answers)  # the second answer: one body only
