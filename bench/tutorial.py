"""Side by side, in one run: ReportQA's ingest and retrieval against the plain LangChain tutorial
pipeline on the same corpus with the same embedder.

    pip install -e '.[bench]'      # langchain-community, langchain-text-splitters, langchain-chroma, docx2txt
    python -m bench.tutorial [--embed e5-small] [PATH ...]

The tutorial pipeline: PyPDFLoader (Docx2txtLoader, TextLoader for the other formats) →
RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200) → Chroma.from_documents with the
same embedder → top-4 similarity search. ReportQA: ``ingest_paths`` into a fresh store, then its
hybrid retriever's top 4 (and the passages its answers cite).

A question is a hit when one of the passages returned is from the gold document and holds every
gold figure (``bench.corpus.is_hit``); the questions are every answerable question of
tests/eval/*.jsonl. Prints seconds for each ingest, the embedding time alone of each pipeline's
own chunks, the ratio, and the hit rates. Not a test: figures to read and quote.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from assistant.answering import Assistant
from assistant.app import embedder_name_for
from assistant.config import load_settings
from assistant.embedding import load_embedder
from assistant.library import Library
from assistant.query import analyse
from bench.corpus import CORPUS, ROOT, is_hit, load_questions
from ingest.pipeline import IngestOptions, Progress, discover, ingest_paths

TOP_K = 4


def tutorial_ingest(paths: list[Path], embedder: object, folder: Path) -> tuple[object, float, list[str]]:
    """The LangChain tutorial pipeline, timed from the files to a filled Chroma collection."""
    try:
        from langchain_chroma import Chroma
        from langchain_community.document_loaders import Docx2txtLoader, PyPDFLoader, TextLoader
        from langchain_text_splitters import RecursiveCharacterTextSplitter
    except ImportError as exc:  # pragma: no cover - the bench extra
        raise SystemExit("请先安装对比所需的包：pip install -e '.[bench]'") from exc

    tick = time.perf_counter()
    documents = []
    for path in discover(paths):
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            loader = PyPDFLoader(str(path))
        elif suffix == ".docx":
            loader = Docx2txtLoader(str(path))
        else:
            loader = TextLoader(str(path), autodetect_encoding=True)
        documents.extend(loader.load())
    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(documents)
    store = Chroma.from_documents(splits, embedder, persist_directory=str(folder))  # type: ignore[arg-type]
    return store, time.perf_counter() - tick, [d.page_content for d in splits]


def embed_alone(embedder: object, texts: list[str], batch: int = 16) -> float:
    tick = time.perf_counter()
    for first in range(0, len(texts), batch):
        embedder.embed_documents(texts[first : first + batch])  # type: ignore[attr-defined]
    return time.perf_counter() - tick


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*", type=Path, default=CORPUS)
    parser.add_argument("--embed", default=None, help="embedder (default: the configured one)")
    args = parser.parse_args()
    questions = [
        q
        for q in load_questions(sorted((ROOT / "tests" / "eval").glob("*.jsonl")))
        if q.get("answer") != "NOT_IN_CORPUS" and q.get("doc") and q.get("must_contain")
    ]
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(store=Path(tmp) / "ours", embed_model=args.embed)
        embedder = load_embedder(settings.embed_model)
        embedder.embed_query("预热")  # both pipelines start with the model loaded

        # ReportQA
        library = Library(  # the same loaded model for both
            settings.store, embedder_factory=lambda: embedder, embedder_name=embedder_name_for(settings.embed_model)
        )
        texts: list[str] = []
        options = IngestOptions(settings.embed_batch_size, settings.chunk_size, settings.chunk_overlap)
        report = ingest_paths(
            args.paths, library, options=options, progress=Progress(on_start=lambda p: texts.extend(p.texts))
        )
        ours_seconds = report.seconds
        ours_embed = embed_alone(embedder, texts, settings.embed_batch_size)

        # the tutorial pipeline
        tutorial, tutorial_seconds, tutorial_texts = tutorial_ingest(args.paths, embedder, Path(tmp) / "tutorial")
        tutorial_embed = embed_alone(embedder, tutorial_texts)

        assistant = Assistant(library)
        documents = assistant.library.documents()
        ours_hits = cited_hits = tutorial_hits = 0
        for q in questions:
            hits = assistant.retriever.search(analyse(q["question"], documents), documents_list=documents)[:TOP_K]
            ours_hits += any(is_hit(q, h.info.doc, h.text) for h in hits)
            answer = assistant.ask(q["question"])
            cited_hits += any(is_hit(q, c.doc, c.text) for c in answer.citations)
            found = tutorial.similarity_search(q["question"], k=TOP_K)  # type: ignore[attr-defined]
            tutorial_hits += any(is_hit(q, Path(d.metadata.get("source", "")).name, d.page_content) for d in found)

    n = len(questions)
    print(f"corpus: {len(discover(args.paths))} files; embedder {settings.embed_model}; questions: {n}")
    print(f"ReportQA ingest:  {ours_seconds:.1f} s, {len(texts)} chunks; embedding them alone {ours_embed:.1f} s")
    print(
        f"tutorial ingest:  {tutorial_seconds:.1f} s, {len(tutorial_texts)} chunks; "
        f"embedding them alone {tutorial_embed:.1f} s"
    )
    print(f"ReportQA overhead ratio (ingest / embedding alone): {ours_seconds / ours_embed:.2f}")
    print(f"speed-up (tutorial ingest / ReportQA ingest): {tutorial_seconds / ours_seconds:.2f}×")
    print(f"retrieval hit rate, top {TOP_K}: ReportQA {ours_hits / n:.3f}  tutorial {tutorial_hits / n:.3f}")
    print(f"ReportQA answers citing a passage with every gold figure: {cited_hits / n:.3f}")


if __name__ == "__main__":
    main()
