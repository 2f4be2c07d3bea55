"""Errors meant for the end user. The CLI and the UI turn them into Chinese messages."""

from __future__ import annotations

from pathlib import Path


class ReportQAError(Exception):
    """Base class: something the user can act on."""


class IngestError(ReportQAError):
    """A file could not be ingested; ``reason`` is the Chinese reason shown to the user."""

    ENCRYPTED = "文件已加密，无法读取"
    CORRUPT = "文件损坏，无法解析"
    NO_TEXT = "无文本层（可能是扫描件）"
    EMPTY = "空文件"
    TOO_SHORT = "文本过短，没有可导入的内容"
    UNSUPPORTED = "不支持的格式"
    ENCODING = "无法识别文本编码（支持 UTF-8 与 GB18030/GBK）"
    NOT_FOUND = "文件不存在"
    OCR_FAILED = "文字识别（OCR）失败"

    def __init__(self, path: Path | str, reason: str, detail: str = "") -> None:
        self.path = Path(path)
        self.reason = reason
        self.detail = detail
        super().__init__(f"{self.path.name}：{reason}" + (f"（{detail}）" if detail else ""))


class StoreError(ReportQAError):
    """The store folder cannot be used (missing, unreadable, made by another embedder)."""


class StoreUnavailableError(StoreError):
    """Chroma failed inside a call, most often a read while another process writes the store:
    trying again usually works. Chroma's error is the cause; its type is named in the message."""

    MESSAGE = "资料库暂时无法读取（可能正在导入），请稍后重试。"

    def __init__(self, chroma_error: str) -> None:
        self.chroma_error = chroma_error
        super().__init__(f"{self.MESSAGE}（{chroma_error}）")


class SettingsError(ReportQAError):
    """A setting is missing or invalid; the message names the variable to set."""


class LocalModelError(ReportQAError):
    """The local model file is damaged or llama.cpp failed; keeps the file and llama.cpp's own words."""

    def __init__(self, message: str, path: Path | None = None, detail: str = "") -> None:
        self.path = path
        self.detail = detail
        super().__init__(message + (f"（{detail}）" if detail else ""))


class ModelReplyError(ReportQAError):
    """An endpoint answered, but not with a reply the client could read (a 200 with an ``error``
    body, no ``choices``): the model failed, not the code."""


class ContextOverflowError(LocalModelError):
    """The prompt does not fit the model's context: the caller can retry with fewer passages."""

    def __init__(self, path: Path, prompt_tokens: int, n_ctx: int) -> None:
        self.prompt_tokens = prompt_tokens
        self.n_ctx = n_ctx
        super().__init__(f"资料过长，超出本地模型的上下文长度（{prompt_tokens} > {n_ctx} 个词元）", path)
