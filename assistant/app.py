"""The composition root: the one place that reads settings and builds the real objects."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.config import Settings
from assistant.embedding import BUILTIN, load_embedder
from assistant.library import Library
from assistant.stores.chroma_client import open_http_client
from assistant.stores.vector import ChromaStore

if TYPE_CHECKING:
    from assistant.answering import Assistant


def embedder_name_for(setting: str) -> str:
    if setting in BUILTIN:
        return setting
    return f"st:{Path(setting).expanduser().name}"


def open_library(settings: Settings, create: bool = True) -> Library:
    """The store folder named by the settings (or the Chroma server of ``REPORTQA_CHROMA_URL``),
    with the configured embedder (loaded lazily). ``create=False`` for readers: a mistyped folder
    is an error, not a new empty store. What a killed writer left behind is cleared up here when
    no writer is busy."""
    # with a Chroma server, the store folder keeps only this instance's caches (keyword index,
    # tokenizer) and its write lock; documents and chunks live on the server
    store = ChromaStore(open_http_client(settings.chroma_url)) if settings.chroma_url else None
    library = Library(
        settings.store.expanduser(),
        embedder_factory=partial(load_embedder, settings.embed_model),
        embedder_name=embedder_name_for(settings.embed_model),
        store=store,
        create=create,
    )
    library.repair_if_idle()
    return library


def build_assistant(settings: Settings) -> Assistant:
    """The assistant over the configured store, extractive unless an LLM is configured."""
    from assistant.answering import Assistant
    from assistant.llm import chat_model

    return Assistant(open_library(settings, create=False), chat=chat_model(settings), settings=settings)
