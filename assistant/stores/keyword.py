"""The jieba BM25 keyword index, derived from the tokens stored with each chunk in Chroma.

Chroma is the source of truth. The index is cached on disk beside it under a name that is
the store's *generation* (a hash of the committed documents); an index whose generation does
not match the registry is never used, it is rebuilt from Chroma. So the two cannot disagree.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from assistant.records import DocumentInfo

UNSEEN_WEIGHT = 0.25


def generation(documents: Sequence[DocumentInfo]) -> str:
    return generation_of({d.doc_id: d.chunks for d in documents})


def generation_of(chunks: dict[str, int]) -> str:
    """The generation of a store whose committed documents hold these many chunks each."""
    keys = sorted(f"{doc_id}:{n}" for doc_id, n in chunks.items())
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()[:16]


class KeywordIndex:
    """BM25 over jieba tokens; ``search`` returns ``(chunk_id, score)`` best first."""

    def __init__(self, ids: list[str], doc_ids: list[str], corpus: list[list[str]], built_for: str = "") -> None:
        self.ids = ids
        self.doc_ids = doc_ids
        self.built_for = built_for  # the generation of the committed documents it was built from
        self._bm25: bm25s.BM25 | None = None
        self._lock = threading.Lock()
        self._positions: dict[str, np.ndarray] | None = None
        self.df: dict[str, int] = {}
        for tokens in corpus:
            for token in set(tokens):
                self.df[token] = self.df.get(token, 0) + 1
        if ids:
            self._bm25 = bm25s.BM25()
            self._bm25.index(corpus, show_progress=False)

    def __len__(self) -> int:
        return len(self.ids)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for doc_id in self.doc_ids:
            counts[doc_id] = counts.get(doc_id, 0) + 1
        return counts

    def holds(self, documents: Sequence[DocumentInfo]) -> bool:
        """Whether the index holds exactly the chunks of ``documents`` (no more, no fewer)."""
        return self.counts() == {d.doc_id: d.chunks for d in documents if d.chunks} and len(set(self.ids)) == len(
            self.ids
        )

    def whole(self) -> bool:
        """Whether it holds exactly the chunks of the store state it was built from: never a
        mix of two states, never part of a document."""
        return generation_of(self.counts()) == self.built_for and len(set(self.ids)) == len(self.ids)

    def positions(self) -> dict[str, np.ndarray]:
        """Each document's chunk positions in the index (built once: a scoped search at 100k
        chunks would otherwise test every chunk's document in Python)."""
        if self._positions is None:
            found: dict[str, list[int]] = {}
            for i, doc_id in enumerate(self.doc_ids):
                found.setdefault(doc_id, []).append(i)
            self._positions = {doc_id: np.asarray(where, dtype=np.int64) for doc_id, where in found.items()}
        return self._positions

    def weight(self, token: str) -> float:
        """How much a question word counts when matching: its IDF, but little for a word no
        report uses (colloquial wording such as 砍了 cannot be matched, only paraphrased)."""
        return self.idf(token) * (1.0 if token in self.df else UNSEEN_WEIGHT)

    def idf(self, token: str) -> float:
        """Inverse document frequency; unseen tokens get the highest weight."""
        n = max(len(self.ids), 1)
        return float(np.log(1 + (n - self.df.get(token, 0) + 0.5) / (self.df.get(token, 0) + 0.5)))

    def search(self, tokens: Sequence[str], k: int, doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        if self._bm25 is None or not tokens:
            return []
        with self._lock:
            scores = np.asarray(self._bm25.get_scores(list(tokens)))
        if doc_ids is not None:
            mask = np.zeros(len(self.doc_ids), dtype=bool)
            positions = self.positions()
            for doc_id in doc_ids & positions.keys():
                mask[positions[doc_id]] = True
            scores = np.where(mask, scores, 0.0)
        order = np.argsort(-scores)[:k]
        return [(self.ids[i], float(scores[i])) for i in order if scores[i] > 0]

    # -- persistence ---------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".tmp-{os.getpid()}-"))
        (tmp / "ids.json").write_text(
            json.dumps([self.ids, self.doc_ids, self.df], ensure_ascii=False), encoding="utf-8"
        )
        if self._bm25 is not None:
            self._bm25.save(str(tmp / "bm25"))
        try:
            os.replace(tmp, folder)  # atomic: a reader sees the whole index or none
        except OSError:
            shutil.rmtree(tmp)  # another process published the same generation first

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        ids, doc_ids, df = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        index = cls([], [], [], built_for=folder.name)
        index.ids, index.doc_ids, index.df = ids, doc_ids, df
        if ids:
            index._bm25 = bm25s.BM25.load(str(folder / "bm25"))
        return index
