"""Fakes with designed behaviour, for unit tests that isolate one stage."""

from __future__ import annotations

import hashlib

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.tokenize import tokenize

__test__ = False


class KeywordEmbedder(Embeddings):
    """Bag of jieba tokens hashed into ``dim`` buckets: texts sharing words are near neighbours.

    Predictable: the query ``垃圾分类`` is closest to the passage with the most 垃圾分类 tokens.
    """

    name = "keyword-fake"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.calls = 0

    def _vector(self, text: str) -> list[float]:
        vec = np.zeros(self.dim, dtype=np.float32)
        for token in tokenize(text):
            bucket = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=4).digest(), "big")
            vec[bucket % self.dim] += 1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0:
            vec[0] = 1.0
            norm = 1.0
        return (vec / norm).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)
