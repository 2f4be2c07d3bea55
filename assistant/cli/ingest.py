"""``reportqa ingest`` and ``check``: reports into a store, with progress and a line per file."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tqdm import tqdm

from assistant.app import open_library
from assistant.config import load_settings
from assistant.records import CheckResult

if TYPE_CHECKING:
    from ingest.ocr import OcrProgress, OcrStats
    from ingest.pipeline import FileResult, Prepared


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.pipeline import IngestOptions, Overrides, Progress, ingest_paths

    settings = load_settings(store=args.store, ocr=False if args.no_ocr else None)
    library = open_library(settings)
    _ = library.embedder  # a wrong model setting fails here, before anything is read
    overrides = Overrides(args.title, args.department, args.year, args.doc_type)
    bars = IngestBars(quiet=args.quiet)
    report = ingest_paths(
        args.paths,
        library,
        overrides,
        IngestOptions(
            settings.embed_batch_size, settings.chunk_size, settings.chunk_overlap, settings.ocr, settings.ocr_workers
        ),
        Progress(on_start=bars.start, on_embedded=bars.embedded, on_file=bars.file_done, on_ocr_page=bars.ocr_page),
    )
    added = report.count("added", "replaced")
    print(
        f"完成：导入 {added} 个文档，{report.pages} 页，{report.chunks} 段，用时 {report.seconds:.1f} 秒；"
        f"跳过重复 {report.count('duplicate')} 个；失败 {len(report.failures)} 个。"
        + (f"其中 {report.reused} 段与已有内容相同，沿用其向量，未重新计算。" if report.reused else "")
    )
    return 1 if report.failures else 0


class IngestBars:
    """The progress bars of ``reportqa ingest`` (one per file, one for recognised pages) and the
    line printed when a file is done."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: tqdm | None = None
        self.ocr_bar: tqdm | None = None

    def ocr_page(self, step: OcrProgress) -> None:
        if self.quiet:
            return
        if self.ocr_bar is None or not step.done:
            self.ocr_bar = tqdm(total=step.total, desc="文字识别", unit="页", file=sys.stderr, leave=False)
            return
        self.ocr_bar.set_postfix_str(f"第{step.page}页{'（缓存）' if step.cached else f' {step.seconds:.1f}秒'}")
        self.ocr_bar.update(1)
        if step.done == step.total:
            self.ocr_bar.close()
            self.ocr_bar = None

    def start(self, prepared: Prepared) -> None:
        if not self.quiet:
            self.bar = tqdm(
                total=len(prepared.chunks), desc=prepared.info.doc[:30], unit="段", file=sys.stderr, leave=False
            )

    def embedded(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def file_done(self, result: FileResult) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        print_file_result(result)


def print_file_result(result: FileResult) -> None:
    if result.status == "failed":
        print(f"✗ {result.error}", file=sys.stderr)
    elif result.status == "duplicate":
        print(f"= {result.path.name}：已在资料库中，跳过")
    elif result.info is not None:
        verb = "已更新" if result.status == "replaced" else "已导入"
        info = result.info
        print(
            f"✓ {info.doc}：{verb}（{info.title}｜{info.department}｜{info.year}｜{info.doc_type}｜{info.pages}页｜{info.chunks}段）"
        )
        if result.tables:
            print(f"  表格：{result.tables} 行记录；{check_summary(result.checks)}")
        if result.ocr.pages:
            print(f"  {ocr_summary(result.ocr)}")
        if result.ocr.skipped:
            print(f"  ⚠ {result.ocr.skipped} 页无文本层，未导入：{result.ocr.note}")


def ocr_summary(stats: OcrStats) -> str:
    """One line on the pages recognised from their images."""
    cached = stats.pages - stats.recognised
    timing = f"，{stats.seconds / stats.recognised:.1f} 秒/页" if stats.recognised else ""
    return f"文字识别（扫描页）：{stats.pages} 页（本次识别 {stats.recognised} 页{timing}；取自缓存 {cached} 页）"


def check_summary(checks: Sequence[CheckResult]) -> str:
    failed = sum(1 for c in checks if not c.passed)
    if not checks:
        return "无可校验的合计"
    if not failed:
        return f"校验 {len(checks)} 项全部相符"
    return f"⚠ 校验 {len(checks)} 项中 {failed} 项不符（用 reportqa check 查看）"


def cmd_check(args: argparse.Namespace) -> int:
    library = open_library(load_settings(store=args.store), create=False)
    documents = library.documents()
    if args.docs:
        documents = list({d.doc_id: d for key in args.docs for d in library.find(key)}.values())
        if not documents:
            print(f"✗ 未找到文档：{'、'.join(args.docs)}", file=sys.stderr)
            return 2
    failed_any = False
    for info in documents:
        checks = library.checks(info.doc_id)
        failed = [c for c in checks if not c.passed]
        failed_any = failed_any or bool(failed)
        if args.json:
            print(
                json.dumps(
                    {
                        "doc": info.doc,
                        "sha256": info.doc_id,
                        "tables": len(library.tables(info.doc_id)),
                        "checks": len(checks),
                        "failed": [c.to_dict() for c in failed],
                        **({"passed": [c.to_dict() for c in checks if c.passed]} if args.all else {}),
                    },
                    ensure_ascii=False,
                )
            )
            continue
        print(f"{info.doc}：{check_summary(checks)}")
        for c in checks if args.all else failed:
            mark = "✓" if c.passed else "✗"
            where = f"第{c.page}页" if c.page else "（DOCX 无页码）"
            print(f"  {mark} {c.rule}｜{c.table}｜{where}｜{c.detail}")
    return 1 if failed_any else 0
