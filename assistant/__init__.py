"""ReportQA: question answering over Chinese government budget and performance reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.answering import Assistant

__all__ = ["open_assistant"]


def open_assistant(store: Path | str | None = None, embed_model: str | None = None) -> Assistant:
    """The assistant over a store folder (default: ``REPORTQA_STORE`` or ~/.reportqa/store)."""
    from assistant.app import build_assistant
    from assistant.config import load_settings

    return build_assistant(load_settings(store=Path(store) if store else None, embed_model=embed_model))
