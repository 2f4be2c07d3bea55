"""Builds scanned copies of a bundled report for the OCR tests (generated, never committed).

    python -m tests.scanned OUT_DIR [--pages 4,9]    # writes longjin_2022_scanned.pdf and longjin_2022_mixed.pdf

A scanned copy is each page rendered with pypdfium2 and saved back as an image-only PDF (JPEG
pages, no text layer), like a report printed and scanned or "printed to PDF" as images. A mixed
copy keeps the original text pages and replaces some with their images.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Sequence
from pathlib import Path

import pypdfium2
from PIL import Image
from pypdf import PdfReader, PdfWriter

from tests.conftest import LONGJIN_PDF

DPI = 150


def page_images(source: Path, pages: Sequence[int] | None = None, dpi: int = DPI) -> list[Image.Image]:
    """The 1-based ``pages`` of ``source`` (all when None) rendered as RGB images."""
    document = pypdfium2.PdfDocument(str(source))
    try:
        numbers = list(pages) if pages else list(range(1, len(document) + 1))
        return [document[n - 1].render(scale=dpi / 72).to_pil().convert("RGB") for n in numbers]
    finally:
        document.close()


def make_scanned_pdf(out: Path, source: Path = LONGJIN_PDF, pages: Sequence[int] | None = None) -> Path:
    """An image-only PDF of ``pages`` of ``source``: no text layer at all."""
    images = page_images(source, pages)
    out.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(out, "PDF", resolution=DPI, save_all=True, append_images=images[1:], quality=85)
    return out


def make_mixed_pdf(out: Path, scanned: Sequence[int], source: Path = LONGJIN_PDF) -> Path:
    """``source`` with the 1-based pages in ``scanned`` replaced by their images."""
    buffer = io.BytesIO()
    images = page_images(source, scanned)
    images[0].save(buffer, "PDF", resolution=DPI, save_all=True, append_images=images[1:], quality=85)
    image_pages = dict(zip(scanned, PdfReader(buffer).pages, strict=True))
    writer = PdfWriter()
    for number, page in enumerate(PdfReader(str(source)).pages, start=1):
        writer.add_page(image_pages.get(number, page))
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as handle:
        writer.write(handle)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="扫描件测试文件：把示例报告渲染为图片再存为 PDF")
    parser.add_argument("out", type=Path, help="输出目录")
    parser.add_argument("--pages", default="", help="只取这些页（如 4,9）；默认全部")
    parser.add_argument("--mixed", default="4,9,10", help="混合文件中换成图片的页")
    args = parser.parse_args()
    pages = [int(p) for p in args.pages.split(",") if p] or None
    stem = LONGJIN_PDF.stem
    print(make_scanned_pdf(args.out / f"{stem}_scanned.pdf", pages=pages))
    print(make_mixed_pdf(args.out / f"{stem}_mixed.pdf", [int(p) for p in args.mixed.split(",") if p]))


if __name__ == "__main__":
    main()
