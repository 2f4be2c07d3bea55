"""Opening Chroma for a store: an embedded client on a store folder or a client of a ``chroma run``
server, its collections guarded against Chroma's own (downloading) embedder, and Chroma's errors
turned into the project's own. The store itself is ``assistant/stores/vector.py``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
import httpx
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.errors import StoreError, StoreUnavailableError


@register_embedding_function
class OwnVectorsOnly(EmbeddingFunction[Documents]):
    """Set on every collection so Chroma can never fall back to its own (downloading) embedder:
    ReportQA always passes vectors it computed itself."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        raise StoreError("内部错误：ReportQA 只接受自行计算的向量（不会让 Chroma 下载模型）")

    @staticmethod
    def name() -> str:
        return "reportqa-own-vectors"

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> OwnVectorsOnly:
        return OwnVectorsOnly()

    def get_config(self) -> dict[str, Any]:
        return {}


def open_collection(
    client: ClientAPI, name: str, metadata: dict[str, Any] | None, configuration: dict[str, Any] | None = None
) -> Collection:
    try:
        return client.get_or_create_collection(
            name,
            metadata=metadata,
            configuration=configuration,  # type: ignore[arg-type]
            embedding_function=OwnVectorsOnly(),  # type: ignore[arg-type]
        )
    except ValueError:  # a store made before the guard existed: keep its persisted setting
        return client.get_or_create_collection(name, metadata=metadata)


# What ``Collection.modify`` raises when the change is refused: a ChromaError from the embedded
# engine (its Rust bindings raise chromadb.errors types) or from a server's JSON error reply, a
# ValueError from Chroma's own check of the configuration, an httpx error when a server cannot be
# reached. (A server reply that is not JSON comes out as a bare Exception: that is not caught.)
MODIFY_REFUSED = (ChromaError, ValueError, httpx.HTTPError)


def purge_log_often(collection: Collection, every: int) -> None:
    """Save the collection's index (and so purge its write log) every ``every`` records; a store
    made before this, or a server that refuses, keeps working as it was, only slower to write."""
    hnsw = (collection.configuration or {}).get("hnsw") or {}
    if hnsw.get("sync_threshold") in (None, every):
        return
    try:
        collection.modify(configuration={"hnsw": {"sync_threshold": every, "batch_size": every}})
    except MODIFY_REFUSED:  # an optimisation only
        return


def open_client(path: Path, own: bool = False) -> ClientAPI:
    """A client on ``path/chroma``. ``own``: a client of its own, not the one Chroma shares
    between every client of a folder in a process, so that reopening it really re-reads the
    folder (Chroma keys shared clients by the folder name; an equivalent name, ``chroma/.``,
    gets a fresh one)."""
    root = path / "chroma"
    root.mkdir(parents=True, exist_ok=True)
    name = str(root)
    if own:
        live = getattr(SharedSystemClient, "_identifier_to_system", {})
        while name in live:
            name += "/."
    return chromadb.PersistentClient(path=name, settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False))


def close_client(client: ClientAPI) -> None:
    close = getattr(client, "close", None)
    if close is not None:
        close()


def open_http_client(url: str) -> ClientAPI:
    """A Chroma server (``chroma run``) shared by several ReportQA instances."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"REPORTQA_CHROMA_URL 无效：{url}（应形如 http://主机:8000）")
    try:
        return chromadb.HttpClient(
            host=parts.hostname,
            port=parts.port or (443 if parts.scheme == "https" else 8000),
            ssl=parts.scheme == "https",
            settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
        )
    except (ValueError, ConnectionError, OSError, ChromaError) as exc:  # ChromaError: the server refused
        raise StoreError(f"无法连接 Chroma 服务 {url}：{exc}（请确认服务已启动，地址和端口正确）") from exc


@contextmanager
def chroma_errors_as_store_errors() -> Iterator[None]:
    """Chroma's errors leave the adapter as the project's own (the cause chained)."""
    try:
        yield
    except ChromaError as exc:
        raise StoreUnavailableError(type(exc).__name__) from exc
