"""The placeholder page runs (the chat UI comes with its own issue)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def test_empty_store_page_tells_the_user_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTQA_STORE", str(tmp_path / "store"))
    app = AppTest.from_file(str(ROOT / "streamlit_app.py")).run(timeout=60)
    assert not app.exception
    assert app.title[0].value == "政务报告问答助手 ReportQA"
    assert "资料库为空" in app.info[0].value
