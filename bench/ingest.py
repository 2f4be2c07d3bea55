"""Ingest benchmark: pages/s, chunks/s, seconds per stage, peak memory, and the overhead ratio
(whole ingest / embedding the same chunk texts alone) for the bundled corpus.

    python -m bench.ingest [--embed e5-small] [PATH ...]

Prints figures; it is not a test. A fresh temporary store is used each run.
"""

from __future__ import annotations

import argparse
import re
import resource
import tempfile
import time
from pathlib import Path

from assistant.app import open_library
from assistant.config import load_settings
from assistant.library import Library
from bench.corpus import CORPUS
from ingest.pipeline import IngestOptions, Progress, discover, ingest_paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*", type=Path, default=CORPUS)
    parser.add_argument("--embed", default=None, help="embedder (default: the configured one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(store=Path(tmp) / "store", embed_model=args.embed)
        library = open_library(settings)
        tick = time.perf_counter()
        _ = library.embedder  # model start-up, reported apart from the ingest stages
        startup = time.perf_counter() - tick
        options = IngestOptions(settings.embed_batch_size, settings.chunk_size, settings.chunk_overlap)
        texts: list[str] = []
        report = ingest_paths(
            args.paths, library, options=options, progress=Progress(on_start=lambda p: texts.extend(p.texts))
        )
        # the same chunk texts embedded alone, in the same batches: what any pipeline must pay
        tick = time.perf_counter()
        for first in range(0, len(texts), options.batch_size):
            library.embedder.embed_documents(texts[first : first + options.batch_size])
        embed_alone = time.perf_counter() - tick
        corrected = corrected_report(library, Path(tmp), options)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    docs = report.count("added", "replaced")
    print(f"embedder: {settings.embed_model} (start-up {startup:.2f} s)")
    print(f"documents: {docs}  pages: {report.pages}  chunks: {report.chunks}  failures: {len(report.failures)}")
    print(
        f"total: {report.seconds:.1f} s  pages/s: {report.pages / report.seconds:.2f}  chunks/s: {report.chunks / report.seconds:.2f}"
    )
    print("stage seconds: " + "  ".join(f"{k} {v:.2f}" for k, v in report.stages.items()))
    if report.ocr.pages:  # scanned pages (bench/ocr.py measures a mixed PDF)
        o = report.ocr
        per_page = f"{o.seconds / o.recognised:.2f}" if o.recognised else "—"
        print(f"OCR: {o.pages} pages ({o.recognised} recognised, engine s/page {per_page})")
    print(f"chunks whose vector was reused (same text already in the store): {report.reused}")
    print(f"peak RSS: {peak_mb:.0f} MB")
    print(
        f"embedding the same {len(texts)} chunk texts alone: {embed_alone:.1f} s; "
        f"overhead ratio (ingest / embedding alone): {report.seconds / embed_alone:.2f}"
    )
    if corrected:
        print(corrected)


def corrected_report(library: Library, folder: Path, options: IngestOptions) -> str:
    """A report published again with one figure corrected: ingested, then the correction."""
    source = next((p for p in discover(CORPUS) if p.suffix == ".txt"), None)
    if source is None:
        return ""
    text = source.read_text(encoding="utf-8")
    figure = re.search(r"\d+\.\d\d万元", text)
    if figure is None:
        return ""
    path = folder / "corrected" / source.name
    path.parent.mkdir()
    path.write_text(text.replace(figure.group(0), "1" + figure.group(0)), encoding="utf-8")
    ingest_paths([path], library, options=options)  # a first version of it in this folder
    path.write_text(text.replace(figure.group(0), "2" + figure.group(0)), encoding="utf-8")
    again = ingest_paths([path], library, options=options)
    embedded = again.chunks - again.reused
    return (
        f"a report re-published with one figure corrected ({path.name}, {again.chunks} chunks): "
        f"{again.results[0].status} in {again.seconds:.1f} s, {embedded} chunks embedded, {again.reused} vectors reused"
    )


if __name__ == "__main__":
    main()
