"""A small OpenAI-compatible chat-completions server for tests: real HTTP on localhost, JSON and
server-sent-event streaming, error statuses and delays. What it answers is a Python function of
the request's messages, so a test decides how the "model" behaves."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[list[dict[str, Any]]], str]
SOURCE = re.compile(r"\[(\d+)\] （[^）]*）\n<<<\n(.*?)\n>>>", re.S)
SENTENCE = re.compile(r"[^。；\n]*\d[^。；\n]*[。；]")


def sources(messages: list[dict[str, Any]]) -> dict[int, str]:
    """The numbered sources of the answer prompt in the first user message."""
    prompt = str(messages[0]["content"])
    return {int(n): text for n, text in SOURCE.findall(prompt)}


def quote_first_figure(messages: list[dict[str, Any]]) -> str:
    """A well-behaved model: the first sentence with a figure in source [1], cited."""
    first = sources(messages).get(1, "")
    found = SENTENCE.search(first)
    return f"根据资料，{found.group().strip()}[1]" if found else "报告中未找到。"


class ChatServer:
    """``with ChatServer(reply) as server:`` serves ``server.url`` until the block ends."""

    def __init__(self, reply: Reply = quote_first_figure, status: int = 200, delay: float = 0.0) -> None:
        self.reply = reply
        self.status = status
        self.delay = delay
        self.requests: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> ChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() waits for serve_forever, which must be running
            self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._json(200, {"object": "list", "data": [{"id": "test-model", "object": "model"}]})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                server.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                if server.delay:
                    time.sleep(server.delay)
                if server.status != 200:
                    error = {"message": f"test error {server.status}", "type": "test", "code": server.status}
                    self._json(server.status, {"error": error})
                    return
                text = server.reply(body.get("messages", []))
                if not body.get("stream"):
                    message = {"role": "assistant", "content": text}
                    choice = {"index": 0, "message": message, "finish_reason": "stop"}
                    usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
                    self._json(200, self._envelope("chat.completion", choice) | {"usage": usage})
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                pieces = [text[i : i + 4] for i in range(0, len(text), 4)]
                for piece in pieces:
                    delta = {"index": 0, "delta": {"role": "assistant", "content": piece}, "finish_reason": None}
                    self._event(self._envelope("chat.completion.chunk", delta))
                self._event(self._envelope("chat.completion.chunk", {"index": 0, "delta": {}, "finish_reason": "stop"}))
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _event(self, payload: dict[str, Any]) -> None:
                self.wfile.write(b"data: " + json.dumps(payload, ensure_ascii=False).encode("utf-8") + b"\n\n")
                self.wfile.flush()

            @staticmethod
            def _envelope(kind: str, choice: dict[str, Any]) -> dict[str, Any]:
                return {
                    "id": "test-1",
                    "object": kind,
                    "created": int(time.time()),
                    "model": "test-model",
                    "choices": [choice],
                }

        return Handler
