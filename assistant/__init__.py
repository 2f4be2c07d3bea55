"""ReportQA: question answering over Chinese government budget and performance reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.answering import Assistant

__all__ = ["open_assistant"]


def open_assistant(store: Path | str | None = None, embed_model: str | None = None, create: bool = False) -> Assistant:
    """The assistant over a store folder (default: ``REPORTQA_STORE`` or ~/.reportqa/store).
    ``create=True`` makes an empty store where there is none (the page's first run), else a
    missing folder is an error."""
    from assistant.app import build_assistant, open_library
    from assistant.config import load_settings

    settings = load_settings(store=Path(store) if store else None, embed_model=embed_model)
    if create:
        open_library(settings)
    return build_assistant(settings)
