"""Offline OCR for PDF pages without a usable text layer (scanned or "printed to PDF" as images).

Pages are rendered with pypdfium2 and recognised with rapidocr-onnxruntime (PP-OCRv4 Chinese
models shipped inside the wheel: nothing is downloaded). The recognised boxes are rebuilt into
lines in reading order (``ingest.layout``) and the page then flows through the same cleaning,
table, metadata and chunking stages as a text page. Results are cached by the hash of the
rendered page, so a re-ingest of the same scan recognises nothing again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.errors import IngestError
from assistant.records import Chunk, RawPage
from ingest.layout import LOW_CONFIDENCE, fix_quotes, layout_page, numbers_in

DPI = 150  # A4 at 150 dpi: 1241 x 1754 pixels, enough for 10.5pt Chinese body text
MIN_USEFUL_CHARS = 20  # fewer letters, digits and Chinese characters than this: no usable text layer
GARBAGE_SHARE = 0.3  # more private-use / replacement / control characters than this: garbled glyphs
ENGINE_VERSION = "rapidocr-onnxruntime-1.4.4"  # part of the cache key: another model reads differently
INSTALL_HINT = "未安装文字识别（OCR）组件，请运行：pip install rapidocr-onnxruntime==1.4.4 pypdfium2"
OCR_OFF = "已关闭文字识别（OCR），去掉 --no-ocr 或设置 REPORTQA_OCR=1 即可识别扫描页"
RECOGNISED = "（识别文本）"  # how a citation marks text recognised from a page image

USEFUL = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
GARBAGE = re.compile(r"[\ue000-\uf8ff\ufffd\x00-\x08\x0b-\x1f]")

RawResult = list[list[Any]]  # rapidocr's [box (4 points), text, score] per recognised box


@dataclass(frozen=True)
class OcrSettings:
    enabled: bool = True
    dpi: int = DPI
    workers: int = 0  # 0: one per core, never more than pages to recognise
    cache_dir: Path | None = None  # STORE/ocr-cache; None: no cache


@dataclass(frozen=True)
class OcrProgress:
    """One page done: shown as a progress bar and measured by the ingest benchmark."""

    page: int  # 1-based page number
    done: int
    total: int  # pages of this file that need OCR
    seconds: float  # recognition time of this page (0 when it came from the cache)
    cached: bool


@dataclass(frozen=True)
class OcrStats:
    pages: int = 0  # pages whose text was recognised (from the engine or the cache)
    recognised: int = 0  # pages the engine ran on
    seconds: float = 0.0  # engine time summed over pages (per page: seconds / recognised)
    skipped: int = 0  # pages without a usable text layer left unrecognised
    note: str = ""  # why they were skipped (OCR turned off, OCR not installed)


def usable_text(text: str) -> bool:
    """Whether a page's text layer is worth keeping: enough real characters and not mostly
    private-use glyphs (fonts without a Unicode map) or control characters."""
    visible = "".join(text.split())
    if len(USEFUL.findall(visible)) < MIN_USEFUL_CHARS:
        return False
    return len(GARBAGE.findall(visible)) <= GARBAGE_SHARE * len(visible)


def pages_to_recognise(pages: Sequence[RawPage], data: bytes) -> list[int]:
    """0-based indexes of the pages to OCR: garbled text, or little text on a page that holds an
    image (a page that is blank or only a short cover line is left as it is)."""
    weak = [i for i, page in enumerate(pages) if not usable_text(page.text)]
    if not weak:
        return []
    pdfium = _import_pdfium()
    document = pdfium.PdfDocument(data)
    try:
        return [i for i in weak if _garbled(pages[i].text) or _has_image(document[i], pdfium)]
    finally:
        document.close()


def _garbled(text: str) -> bool:
    visible = "".join(text.split())
    return bool(visible) and len(GARBAGE.findall(visible)) > GARBAGE_SHARE * len(visible)


def _has_image(page: Any, pdfium: Any) -> bool:
    return any(obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))


def with_ocr(
    path: Path,
    pages: Sequence[RawPage],
    data: bytes,
    settings: OcrSettings,
    on_page: Callable[[OcrProgress], None] | None = None,
) -> tuple[list[RawPage], OcrStats]:
    """The pages, each one without a usable text layer replaced by its recognised text."""
    todo = pages_to_recognise(pages, data)
    if not todo:
        return list(pages), OcrStats()
    if not settings.enabled:
        return list(pages), OcrStats(skipped=len(todo), note=OCR_OFF)
    if importlib.util.find_spec("rapidocr_onnxruntime") is None:
        return list(pages), OcrStats(skipped=len(todo), note=INSTALL_HINT)
    images = render_pages(data, todo, settings.dpi)
    results, stats = recognise_pages(path, images, settings, on_page)
    out = list(pages)
    for index in todo:
        lines = layout_page(results[index])
        text = fix_quotes("\n".join(line.text for line in lines))
        low = tuple((line.text, line.score) for line in lines if line.score < LOW_CONFIDENCE)
        mean = sum(line.score for line in lines) / len(lines) if lines else 0.0
        number = out[index].number or index + 1
        out[index] = replace(
            out[index],
            label=f"第{number}页{RECOGNISED}",
            text=text,
            ocr=True,
            ocr_confidence=round(mean, 4),
            ocr_low=low,
        )
    return out, stats


@dataclass(frozen=True)
class PageImage:
    index: int  # 0-based page index
    width: int
    height: int
    pixels: bytes  # RGB
    key: str  # cache key: sha256 of the pixels, size, dpi and engine


def render_pages(data: bytes, indexes: Sequence[int], dpi: int) -> dict[int, PageImage]:
    pdfium = _import_pdfium()
    document = pdfium.PdfDocument(data)
    try:
        out = {}
        for index in indexes:
            image = document[index].render(scale=dpi / 72).to_pil().convert("RGB")
            pixels = image.tobytes()
            digest = hashlib.sha256(pixels)
            digest.update(f"{image.width}x{image.height}@{dpi}:{ENGINE_VERSION}".encode())
            out[index] = PageImage(index, image.width, image.height, pixels, digest.hexdigest())
        return out
    finally:
        document.close()


def recognise_pages(
    path: Path,
    images: dict[int, PageImage],
    settings: OcrSettings,
    on_page: Callable[[OcrProgress], None] | None = None,
) -> tuple[dict[int, RawResult], OcrStats]:
    """Engine output per page index: from the cache, else from the worker pool."""
    results: dict[int, RawResult] = {}
    total, done = len(images), 0
    for index, image in sorted(images.items()):
        cached = read_cache(settings.cache_dir, image.key)
        if cached is not None:
            results[index] = cached
            done += 1
            if on_page:
                on_page(OcrProgress(index + 1, done, total, 0.0, True))
    missing = [images[i] for i in sorted(images) if i not in results]
    seconds = 0.0
    for image, result, took in _run(path, missing, settings.workers):
        results[image.index] = result
        write_cache(settings.cache_dir, image.key, result)
        seconds += took
        done += 1
        if on_page:
            on_page(OcrProgress(image.index + 1, done, total, took, False))
    return results, OcrStats(pages=total, recognised=len(missing), seconds=seconds)


def worker_count(pages: int, wanted: int = 0) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(pages, wanted or cores))


def _run(path: Path, images: list[PageImage], wanted: int) -> list[tuple[PageImage, RawResult, float]]:
    """Recognise ``images``; results in completion order. A pool of threads bounded by the cores,
    each with its own single-threaded engine (onnxruntime and OpenCV release the GIL while they
    compute). Measured against spawned processes on the 2-core machine (bench/ocr.py): no faster,
    while processes need the caller's ``if __name__ == "__main__"`` guard and a model copy each."""
    if not images:
        return []
    workers = worker_count(len(images), wanted)
    try:
        if workers == 1:
            return [(image, *recognise(image)) for image in images]
        out = []
        with ThreadPoolExecutor(workers, thread_name_prefix="ocr") as pool:
            futures = {pool.submit(recognise, image): image for image in images}
            for future in as_completed(futures):
                out.append((futures[future], *future.result()))
        return out
    except (RuntimeError, ValueError, OSError) as exc:
        raise IngestError(path, IngestError.OCR_FAILED, f"{type(exc).__name__}：{exc}") from exc


_local = threading.local()


def _engine() -> Any:
    engine = getattr(_local, "engine", None)
    if engine is None:
        try:
            import cv2
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:
            raise RuntimeError(INSTALL_HINT) from exc
        cv2.setNumThreads(1)
        engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
        _local.engine = engine
    return engine


def recognise(image: PageImage) -> tuple[RawResult, float]:
    """rapidocr's boxes for one page image, as plain lists (JSON and pickle friendly), and the time."""
    from PIL import Image

    tick = time.perf_counter()
    picture = Image.frombytes("RGB", (image.width, image.height), image.pixels)
    found, _ = _engine()(picture)
    result = [[[[float(x), float(y)] for x, y in box], str(text), float(score)] for box, text, score in found or []]
    return result, time.perf_counter() - tick


def read_cache(folder: Path | None, key: str) -> RawResult | None:
    if folder is None:
        return None
    path = folder / f"{key}.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a damaged cache entry is recognised again (and rewritten)
    return data if isinstance(data, list) else None


def write_cache(folder: Path | None, key: str, result: RawResult) -> None:
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f"{key}.{os.getpid()}.tmp"
    part.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    part.replace(folder / f"{key}.json")  # atomic: a reader never sees half a file


def _import_pdfium() -> Any:
    try:
        import pypdfium2
    except ImportError as exc:
        raise IngestError("", IngestError.NO_TEXT, INSTALL_HINT) from exc
    return pypdfium2


def _compact(text: str) -> str:
    return re.sub(r"[\s,，]", "", text)


def _holds(compact_chunk: str, line: str) -> bool:
    """Whether a chunk holds (part of) a recognised line that prints a number it states too; a
    page number or other line dropped by cleaning is not held."""
    text = _compact(line)
    half = len(text) // 2
    parts = [text] + ([text[:half], text[half:]] if half >= 4 else [])
    return any(p in compact_chunk for p in parts) and any(n in compact_chunk for n in numbers_in(line))


def mark_recognised(chunks: Sequence[Chunk], pages: Sequence[RawPage]) -> list[Chunk]:
    """Chunks that touch a recognised page carry it: ``ocr``, the lowest confidence of those pages
    and of the low-confidence lines they hold, and those lines when they print a number (the
    answer flags a figure read from them instead of showing it as verified fact)."""
    by_number = {p.number: p for p in pages if p.ocr}
    if not by_number:
        return list(chunks)
    out = []
    for chunk in chunks:
        spans = chunk.page_spans or ((0, chunk.page, chunk.page_label),)
        touched = [by_number[n] for _, n, _ in spans if n in by_number]
        if not touched:
            out.append(chunk)
            continue
        compact = _compact(chunk.text)
        low = [(text, score) for page in touched for text, score in page.ocr_low if _holds(compact, text)]
        confidence = min([p.ocr_confidence for p in touched] + [score for _, score in low])
        lines = tuple(dict.fromkeys(text.strip() for text, _ in low))
        out.append(replace(chunk, ocr=True, ocr_confidence=round(confidence, 4), ocr_low=lines))
    return out
