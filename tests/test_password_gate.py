"""Issue 9, access: the web page's optional password (REPORTQA_UI_PASSWORD or st.secrets), off by
default. The gate is passed before the store is opened, so an empty store keeps these quick."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.access import configured_password, password_matches
from assistant.config import load_settings

ROOT = Path(__file__).resolve().parent.parent


def start(monkeypatch: pytest.MonkeyPatch, store: Path, password: str = "", secret: str = "") -> AppTest:
    monkeypatch.setenv("REPORTQA_STORE", str(store))
    if password:
        monkeypatch.setenv("REPORTQA_UI_PASSWORD", password)
    else:
        monkeypatch.delenv("REPORTQA_UI_PASSWORD", raising=False)
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    if secret:
        app.secrets["password"] = secret
    app.run()
    assert not app.exception, app.exception
    return app


def locked(app: AppTest) -> bool:
    return len(app.text_input) == 1 and app.text_input[0].label == "访问密码"


def test_no_password_configured_means_no_gate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    app = start(monkeypatch, tmp_path / "store")
    assert not locked(app)
    assert any("资料库为空" in info.value for info in app.info)


@pytest.mark.parametrize("how", ["setting", "secrets"])
def test_the_page_shows_only_the_password_form_until_the_right_password(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, how: str
) -> None:
    store = tmp_path / "store"
    app = start(monkeypatch, store, **({"password": "口令123"} if how == "setting" else {"secret": "口令123"}))
    assert locked(app)
    assert not app.sidebar.markdown and not app.info and not app.chat_input  # nothing else
    assert not store.exists()  # the store is not even opened
    app.text_input[0].input("wrong")
    app.button[0].click().run()
    assert locked(app) and any("密码不正确" in e.value for e in app.error)
    app.text_input[0].input("口令123")
    app.button[0].click().run()
    assert not app.exception and not locked(app)
    assert any("资料库为空" in info.value for info in app.info)
    app.run()  # stays open for the rest of the session
    assert not locked(app)


def test_password_helpers() -> None:
    settings = load_settings(ui_password="abc")
    assert configured_password(settings, {"password": "zzz"}) == "abc"
    assert configured_password(load_settings(), {"password": "zzz"}) == "zzz"
    assert configured_password(load_settings(), {}) == ""
    assert password_matches("abc", "abc") and not password_matches("abd", "abc") and not password_matches("", "")
