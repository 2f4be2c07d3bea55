"""The optional password for the web page: off unless a password is configured (local use needs
none); compared in constant time."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from assistant.config import Settings


def configured_password(settings: Settings, secrets: Mapping[str, Any]) -> str:
    """``REPORTQA_UI_PASSWORD``, else ``password`` in Streamlit's secrets; "" means no gate."""
    return settings.ui_password.get_secret_value() or str(secrets.get("password", "") or "")


def password_matches(typed: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(typed.encode("utf-8"), expected.encode("utf-8"))
