"""Compare the offline embedders: dense retrieval hit rate on the eval questions and passages/s.

    python -m bench.embedders [e5-small use-m3 m3e-small ...]

Hit@k: among the top-k chunks of the whole bundled corpus, one is from the gold document and
contains every gold figure. Unanswerable questions are left out.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from assistant.embedding import BUILTIN, load_embedder
from assistant.errors import SettingsError
from bench.corpus import CORPUS, is_hit, load_questions
from ingest.pipeline import Overrides, discover, prepare


def corpus_chunks() -> tuple[list[str], list[str], list[str]]:
    docs, texts, embed_texts = [], [], []
    stages: dict[str, float] = {k: 0.0 for k in ("load", "clean", "chunk")}
    for path in discover(CORPUS):
        prepared = prepare(path, path.read_bytes(), Overrides(), stages, 320, 60)
        docs += [path.name] * len(prepared.chunks)
        texts += [c.text for c in prepared.chunks]
        embed_texts += prepared.texts
    return docs, texts, embed_texts


def main(names: list[str]) -> None:
    docs, texts, embed_texts = corpus_chunks()
    questions = [q for q in load_questions() if q["must_contain"] and q["doc"]]
    print(f"corpus: {len(texts)} chunks; questions: {len(questions)} answerable")
    print("| embedder | hit@1 | hit@5 | hit@10 | passages/s | load + first query s |")
    print("|---|---|---|---|---|---|")
    for name in names:
        tick = time.perf_counter()
        try:
            embedder = load_embedder(name)
            embedder.embed_query("预热")  # some models load their weights on first use
        except SettingsError as exc:
            print(f"| {name} | 跳过：{exc} | | | | |")
            continue
        load_s = time.perf_counter() - tick
        tick = time.perf_counter()
        matrix = np.asarray(embedder.embed_documents(embed_texts))
        rate = len(embed_texts) / (time.perf_counter() - tick)
        hits = {1: 0, 5: 0, 10: 0}
        for q in questions:
            scores = matrix @ np.asarray(embedder.embed_query(q["question"]))
            order = np.argsort(-scores)
            for k in hits:
                hits[k] += any(is_hit(q, docs[i], texts[i]) for i in order[:k])
        n = len(questions)
        print(f"| {name} | {hits[1] / n:.2f} | {hits[5] / n:.2f} | {hits[10] / n:.2f} | {rate:.1f} | {load_s:.1f} |")


if __name__ == "__main__":
    main(sys.argv[1:] or list(BUILTIN))
