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
import logging
import multiprocessing
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.errors import IngestError
from assistant.records import Chunk, Ocr, RawPage
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

logger = logging.getLogger(__name__)
RawResult = list[list[Any]]  # rapidocr's [box (4 points), text, score] per recognised box


@dataclass(frozen=True)
class OcrSettings:
    enabled: bool = True
    dpi: int = DPI
    workers: int = 0  # worker processes; 0: one per core, never more than pages to recognise
    cache_dir: Path | None = None  # STORE/ocr-cache; None: no cache


@dataclass(frozen=True)
class OcrProgress:
    """One page done (``done`` 0: recognition of ``total`` pages starts): shown as a progress bar."""

    page: int  # 1-based page number (0 at the start)
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
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return []  # pypdf reads it, pdfium does not: nothing to render (the text pages still ingest)
    try:
        return [i for i in weak if i < len(document) and (_garbled(pages[i].text) or _has_image(document[i], pdfium))]
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
    try:
        images = render_pages(data, todo, settings.dpi)
    except RuntimeError as exc:  # pypdfium2.PdfiumError
        raise IngestError(path, IngestError.OCR_FAILED, f"页面渲染失败：{exc}") from exc
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
            ocr=Ocr(recognised=True, confidence=round(mean, 4), low_lines=low),
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
    if on_page:
        on_page(OcrProgress(0, 0, total, 0.0, False))
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
    """Worker processes for ``pages`` pages: as asked, else one per core but at most one per two
    pages (a worker's start-up — OpenCV, onnxruntime, the models — costs about half a page)."""
    if wanted:
        return max(1, min(pages, wanted))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(pages // 2, cores))


def _run(path: Path, images: list[PageImage], wanted: int) -> Iterator[tuple[PageImage, RawResult, float]]:
    """Recognise ``images``, yielding each as it is done: in spawned worker processes (one
    single-threaded engine each, as many as cores) when there are several pages and cores, else
    here. Threads were measured slower than one engine (rapidocr's pre- and post-processing hold
    the GIL); see bench/ocr.py. If the workers cannot start (a script without an
    ``if __name__ == "__main__"`` guard) the remaining pages are recognised here."""
    done: set[int] = set()
    workers = worker_count(len(images), wanted)
    if workers > 1:
        try:
            yield from _in_processes(path, images, workers, done)
        except BrokenProcessPool as exc:
            logger.warning("文字识别子进程无法运行（%s），改为在本进程内识别", exc)
    for image in images:
        if image.index not in done:
            yield image, *_checked(path, recognise, image)


def _in_processes(
    path: Path, images: list[PageImage], workers: int, done: set[int]
) -> Iterator[tuple[PageImage, RawResult, float]]:
    context = multiprocessing.get_context("spawn")  # never fork a process that holds torch's threads
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_engine) as pool:
        futures = {pool.submit(recognise, image): image for image in images}
        for future in as_completed(futures):
            image = futures[future]
            result, took = _checked(path, future.result)
            done.add(image.index)
            yield image, result, took


def _checked(path: Path, call: Callable[..., tuple[RawResult, float]], *args: Any) -> tuple[RawResult, float]:
    """The engine's answer, its failures (a broken model file, no memory) as an IngestError."""
    try:
        return call(*args)
    except BrokenProcessPool:
        raise
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
    """Text to find a recognised line in a chunk: no spaces or thousands separators, one quote mark."""
    return re.sub(r"[“”]", '"', re.sub(r"[\s,，]", "", text))


def _holds(compact_chunk: str, line: str) -> bool:
    """Whether a chunk holds (at least half of) a recognised line; a page number or other line
    dropped by cleaning is not held."""
    text = _compact(line)
    half = len(text) // 2
    parts = [text] + ([text[:half], text[half:]] if half >= 4 else [])
    return any(p in compact_chunk for p in parts)


def mark_recognised(chunks: Sequence[Chunk], pages: Sequence[RawPage]) -> list[Chunk]:
    """Chunks that touch a recognised page carry it: ``ocr``, the lowest confidence of those pages
    and of the low-confidence lines they hold, and those lines when they print a number (the
    answer flags a figure read from them instead of showing it as verified fact)."""
    by_number = {p.number: p for p in pages if p.ocr.recognised}
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
        low = [(text, score) for page in touched for text, score in page.ocr.low_lines if _holds(compact, text)]
        confidence = min([p.ocr.confidence for p in touched] + [score for _, score in low])
        numbered = [text for text, _ in low if any(n in compact for n in numbers_in(text))]
        lines = tuple(dict.fromkeys(text.strip() for text in numbered))
        out.append(replace(chunk, ocr=Ocr(recognised=True, confidence=round(confidence, 4), low_lines=lines)))
    return out
