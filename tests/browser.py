"""The web page in a real browser: ``streamlit run`` as a subprocess, Debian's Chromium driven by
Playwright (``executable_path``: Playwright's own browser download is never used).

Also run directly to refresh the README screenshot:
``python -m tests.browser STORE docs/screenshot.png "问题"`` (the store must exist)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Locator, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
MISSING_CHROMIUM = (
    f"缺少 Chromium（{CHROMIUM}）：浏览器端到端测试需要它。"
    "请以 root 运行 apt-get install -y chromium fonts-wqy-microhei（make test 以 root 运行时会自动安装）。"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT = 90.0  # seconds for `streamlit run` to answer its health check
ANSWER_TIMEOUT = 120_000  # ms: the first question loads the embedding model


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return bool(response.read() == b"ok")
    except OSError:
        return False


@contextmanager
def running_app(store: Path, log: Path) -> Iterator[str]:
    """``streamlit run streamlit_app.py`` on a free localhost port over ``store``; yields its URL."""
    port = free_port()
    env = {**os.environ, "REPORTQA_STORE": str(store), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    command = [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log.read_text(encoding='utf-8')[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def chromium_page(width: int = 1400, height: int = 1000) -> Iterator[Page]:
    """A page in headless Chromium with a fresh profile, downloads allowed."""
    if not CHROMIUM.exists():
        raise RuntimeError(MISSING_CHROMIUM)
    with tempfile.TemporaryDirectory(prefix="reportqa-chromium-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height},
            accept_downloads=True,
            locale="zh-CN",
        )
        try:
            page = context.new_page()
            page.set_default_timeout(60_000)
            yield page
        finally:
            context.close()


def ask(page: Page, question: str) -> Locator:
    """Type a question into the chat box; returns the answer once it is shown."""
    before = page.get_by_test_id("stChatMessage").count()
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    answer = page.get_by_test_id("stChatMessage").nth(before + 1)
    expect(answer).to_contain_text("检索范围", timeout=ANSWER_TIMEOUT)  # the caption closes every answer
    return answer


def open_source(answer: Locator, n: int = 1) -> Locator:
    """Open source panel [n] of an answer; returns the panel's content."""
    panel = answer.get_by_test_id("stExpander").filter(has_text=f"[{n}] ")
    panel.locator("summary").click()
    details = panel.get_by_test_id("stExpanderDetails")
    expect(details).to_be_visible()
    return details


def screenshot(store: Path, out: Path, question: str) -> None:
    """The README picture: a question, its answer and its first source opened."""
    with (
        tempfile.TemporaryDirectory() as logs,
        running_app(store, Path(logs) / "streamlit.log") as url,
        chromium_page(1400, 1100) as page,
    ):
        page.goto(url)
        answer = ask(page, question)
        if answer.get_by_test_id("stExpander").count():
            open_source(answer)
        page.wait_for_timeout(500)
        page.screenshot(path=str(out))


if __name__ == "__main__":
    screenshot(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
