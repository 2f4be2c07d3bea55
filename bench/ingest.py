"""Ingest benchmark: pages/s, chunks/s, seconds per stage and peak memory for the bundled corpus.

    python -m bench.ingest [--embed e5-small] [PATH ...]

Prints figures; it is not a test. A fresh temporary store is used each run.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from assistant.app import open_library
from assistant.config import load_settings
from bench.corpus import CORPUS
from ingest.pipeline import IngestOptions, ingest_paths


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
        report = ingest_paths(args.paths, library, options=options)
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
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
