"""A real ``chroma run`` on a free localhost port for tests, and fresh databases on it: each test
of the store contract gets its own, so tests sharing the server never see each other's writes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def chroma_server(data: Path) -> Iterator[str]:
    """``chroma run`` over ``data/db`` until the block ends; yields its URL once it answers."""
    port = free_port()
    log = open(data / "server.log", "wb")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((data / "server.log").read_text(errors="replace")) from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def fresh_database(url: str) -> ClientAPI:
    """A client on a new, empty database of the server at ``url``."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 8000
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    name = f"contract-{uuid.uuid4().hex[:12]}"
    admin_settings = ChromaSettings(
        anonymized_telemetry=False,
        chroma_api_impl="chromadb.api.fastapi.FastAPI",
        chroma_server_host=host,
        chroma_server_http_port=port,
    )
    chromadb.AdminClient(admin_settings).create_database(name)
    return chromadb.HttpClient(host=host, port=port, database=name, settings=settings)
