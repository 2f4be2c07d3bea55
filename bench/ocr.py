"""OCR benchmark: a mixed PDF (text pages and scanned pages) ingested with a fresh OCR cache, then
again from the cache; seconds per recognised page, with N worker processes and in-process.

    python -m bench.ocr [--pages 4,9,10,11] [--workers 0] [--embed e5-small]

Prints figures; it is not a test. The mixed copy of samples/longjin_2022.pdf is built in a
temporary folder (tests/scanned.py) and a fresh store is used each run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from assistant.app import open_library
from assistant.config import load_settings
from ingest.ocr import OcrProgress, worker_count
from ingest.pipeline import IngestOptions, IngestReport, Progress, ingest_paths
from tests.scanned import make_mixed_pdf


def run(
    path: Path, store: Path, cache: Path, workers: int, embed: str | None
) -> tuple[IngestReport, float, list[OcrProgress]]:
    settings = load_settings(store=store, embed_model=embed)
    library = open_library(settings)
    _ = library.embedder  # model start-up is not OCR time
    pages: list[OcrProgress] = []
    options = IngestOptions(
        settings.embed_batch_size, settings.chunk_size, settings.chunk_overlap, True, workers, cache
    )
    tick = time.perf_counter()
    report = ingest_paths([path], library, options=options, progress=Progress(on_ocr_page=pages.append))
    return report, time.perf_counter() - tick, [p for p in pages if p.done]


def show(label: str, report: IngestReport, seconds: float, pages: list[OcrProgress]) -> None:
    o = report.ocr
    per_page = f"{o.seconds / o.recognised:.2f}" if o.recognised else "—"
    wall = report.stages["ocr"] / o.recognised if o.recognised else 0.0
    print(
        f"{label}: pages {report.pages}  OCR'd {o.pages} (engine {o.recognised}, cache {o.pages - o.recognised})  "
        f"engine s/page {per_page}  OCR stage {report.stages['ocr']:.1f} s"
        + (f" ({wall:.2f} s/page wall)" if o.recognised else "")
        + f"  ingest total {seconds:.1f} s"
    )
    print("  per page: " + ", ".join(f"p{p.page} {'cache' if p.cached else f'{p.seconds:.1f}s'}" for p in pages))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", default="4,9,10,11", help="pages of longjin_2022.pdf given as images")
    parser.add_argument("--workers", type=int, default=0, help="OCR worker processes (0: one per core)")
    parser.add_argument("--embed", default=None, help="embedder (default: the configured one)")
    args = parser.parse_args()
    scanned = [int(p) for p in args.pages.split(",") if p]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        mixed = make_mixed_pdf(folder / "longjin_2022_mixed.pdf", scanned)
        workers = worker_count(len(scanned), args.workers)
        print(f"mixed PDF: 13 pages, {len(scanned)} as images (pages {args.pages}); OCR workers: {workers}")
        show("fresh cache", *run(mixed, folder / "s1", folder / "cache", args.workers, args.embed))
        show("cached     ", *run(mixed, folder / "s2", folder / "cache", args.workers, args.embed))
        if workers > 1:
            show("in-process ", *run(mixed, folder / "s3", folder / "cache1", 1, args.embed))


if __name__ == "__main__":
    main()
