"""The import progress bar as numbers and words: one bar across several files, moved chunk by chunk
as they are embedded and page by page as scanned pages are recognised. Pure: ``show`` draws it."""

from __future__ import annotations

from collections.abc import Callable

from assistant.config import Settings
from ingest.ocr import OcrProgress
from ingest.pipeline import FileResult, IngestOptions, Prepared, Progress

STARTING = "准备导入…"


def ingest_options(settings: Settings) -> IngestOptions:
    return IngestOptions(
        settings.embed_batch_size, settings.chunk_size, settings.chunk_overlap, settings.ocr, settings.ocr_workers
    )


class ImportProgress:
    """Turns the pipeline's callbacks for ``files`` files into ``show(fraction done, text)``."""

    def __init__(self, files: int, show: Callable[[float, str], object]) -> None:
        self.show = show
        self.files = max(1, files)
        self.done = 0
        self.chunks = 1
        self.embedded = 0
        self.name = ""

    def callbacks(self) -> Progress:
        return Progress(
            on_start=self._start, on_embedded=self._embedded, on_file=self._finished, on_ocr_page=self._recognised
        )

    def _where(self) -> str:
        return f"（第 {min(self.done + 1, self.files)}/{self.files} 个文件）"

    def _recognised(self, step: OcrProgress) -> None:  # done 0: recognition starts
        text = f"正在识别扫描页 {step.done}/{step.total}：第{step.page}页{self._where()}"
        self.show(min(1.0, self.done / self.files), text)

    def _start(self, prepared: Prepared) -> None:
        self.name, self.chunks, self.embedded = prepared.info.doc, max(1, len(prepared.chunks)), 0
        self._show()

    def _embedded(self, n: int) -> None:
        self.embedded += n
        self._show()

    def _finished(self, result: FileResult) -> None:
        self.done, self.embedded = self.done + 1, 0
        self._show()

    def _show(self) -> None:
        value = min(1.0, (self.done + self.embedded / self.chunks) / self.files)
        self.show(value, "导入完成" if self.done >= self.files else f"正在导入 {self.name}{self._where()}")
