"""Opening Chroma: a refused log setting is only slower writes, a bug is not swallowed, and a
server's refusal leaves as the project's own error."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from chromadb.errors import ChromaAuthError, InvalidArgumentError

from assistant.errors import StoreError
from assistant.stores import chroma_client
from assistant.stores.chroma_client import open_http_client, purge_log_often


class RefusingCollection:
    """A collection whose ``modify`` raises ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.configuration: dict[str, Any] = {"hnsw": {"sync_threshold": 1000}}

    def modify(self, configuration: dict[str, Any]) -> None:
        raise self.error


@pytest.mark.parametrize(
    "error",
    [InvalidArgumentError("no"), ValueError("not a valid hnsw config"), httpx.ConnectError("down")],
    ids=lambda e: type(e).__name__,
)
def test_a_refused_log_setting_keeps_the_store_as_it_was(error: Exception) -> None:
    purge_log_often(RefusingCollection(error), 16)  # type: ignore[arg-type]


def test_a_bug_while_setting_the_log_is_not_swallowed() -> None:
    with pytest.raises(AttributeError):
        purge_log_often(RefusingCollection(AttributeError("bug")), 16)  # type: ignore[arg-type]


def test_a_server_that_refuses_the_client_is_a_store_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(**_: Any) -> None:
        raise ChromaAuthError("bad token")

    monkeypatch.setattr(chroma_client.chromadb, "HttpClient", refuse)
    with pytest.raises(StoreError, match="Chroma 服务") as caught:
        open_http_client("http://localhost:8000")
    assert isinstance(caught.value.__cause__, ChromaAuthError)
