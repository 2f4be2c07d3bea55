"""End to end in headless Chromium: the real page (``streamlit run``), the real embedder, one sample report.

Never skipped: without /usr/bin/chromium the tests fail and say how to install it. Screenshots are
saved under build/e2e/ as test artifacts."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from assistant.app import open_library
from assistant.config import load_settings
from ingest.pipeline import ingest_paths
from tests.browser import CHROMIUM, MISSING_CHROMIUM, ROOT, ask, chromium_page, open_source, running_app
from tests.conftest import WANLI_2025
from tests.reports import FIGURE, QUESTION, TITLE, write_small_report

ARTIFACTS = ROOT / "build" / "e2e"
UPLOAD_NAME = "示例街道2023年绩效自评报告.txt"

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page over a store holding one sample report, embedded with the real model."""
    if not CHROMIUM.exists():
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    folder = tmp_path_factory.mktemp("browser")
    store = folder / "store"
    assert ingest_paths([WANLI_2025], open_library(load_settings(store=store))).count("added") == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_app(store, ARTIFACTS / "streamlit.log") as url:
        yield url


@pytest.fixture
def page(app_url: str) -> Iterator[Page]:
    with chromium_page() as page:
        page.goto(app_url)
        expect(page.get_by_role("heading", name="政务报告问答助手")).to_be_visible()
        yield page


def test_answer_source_panel_and_export_in_the_browser(page: Page) -> None:
    answer = ask(page, "2025年万里街道三公经费预算是多少？")
    expect(answer).to_contain_text("37.91万元")
    expect(answer).to_contain_text("37.91万元 已核对原文")
    source = open_source(answer)
    expect(source).to_contain_text("37.91万元")
    expect(source).to_contain_text("上海市普陀区2025年区级部门预算")
    expect(source).to_contain_text("页码：第29页")
    expect(source).to_contain_text(f"文件：{WANLI_2025.name}")
    page.screenshot(path=str(ARTIFACTS / "answer.png"))

    with page.expect_download() as markdown:
        answer.get_by_role("button", name="导出 Markdown").click()
    assert markdown.value.suggested_filename == "政务报告问答-第1问.md"
    text = Path(markdown.value.path()).read_text(encoding="utf-8")
    assert "37.91万元" in text and "[^1]" in text
    assert f"[^1]: 《上海市普陀区2025年区级部门预算》（{WANLI_2025.name}），第29页：“" in text
    with page.expect_download() as word:
        answer.get_by_role("button", name="导出 Word").click()
    document = Document(io.BytesIO(Path(word.value.path()).read_bytes()))
    assert any("37.91万元" in p.text for p in document.paragraphs)


def test_upload_through_the_browser(page: Page, tmp_path: Path) -> None:
    report = write_small_report(tmp_path, UPLOAD_NAME)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(report)
    page.get_by_role("button", name="导入所选的 1 个文件").click()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_test_id("stAlert").filter(has_text=f"{UPLOAD_NAME}：已导入")).to_contain_text(TITLE)
    expect(sidebar).to_contain_text("已收录 2 份报告")
    page.screenshot(path=str(ARTIFACTS / "upload.png"))
    answer = ask(page, QUESTION)
    expect(answer).to_contain_text(FIGURE)
    expect(open_source(answer)).to_contain_text(f"文件：{UPLOAD_NAME}")
