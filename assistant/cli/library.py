"""``reportqa list``, ``remove`` and ``repair``: the documents of a store."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

from assistant.app import open_library
from assistant.cli.ingest import check_summary
from assistant.config import load_settings
from assistant.library import Library

if TYPE_CHECKING:
    pass


def cmd_list(args: argparse.Namespace) -> int:
    settings = load_settings(store=args.store)
    exists = settings.chroma_url or (settings.store.expanduser() / "chroma").exists()
    if not exists:
        if not args.json:
            print("资料库为空：请先运行 reportqa ingest 导入报告。")
        return 0
    library = open_library(settings, create=False)
    documents = library.documents()
    if args.json:
        for info in documents:
            row = asdict(info)
            row["sha256"] = row.pop("doc_id")
            checks = library.checks(info.doc_id)
            row["tables"] = len(library.tables(info.doc_id))
            row["checks"] = {"total": len(checks), "failed": sum(1 for c in checks if not c.passed)}
            print(json.dumps(row, ensure_ascii=False))
        return 0
    if not documents:
        print("资料库为空：请先运行 reportqa ingest 导入报告。")
        return 0
    for info in documents:
        checks = library.checks(info.doc_id)
        print(
            f"{info.doc}\t{info.title}\t{info.department}\t{info.year or '—'}\t{info.doc_type}\t{info.pages}页\t{info.chunks}段"
            + (f"\t{check_summary(checks)}" if checks else "")
        )
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    library = open_library(load_settings(store=args.store), create=False)
    status = 0
    with library.writing():
        status = _remove_all(library, args.docs)
        library.keyword_index()
    return status


def cmd_repair(args: argparse.Namespace) -> int:
    library = open_library(load_settings(store=args.store), create=False)
    removed = library.repair()
    print(f"✓ 已清除 {removed} 个残余段落" if removed else "✓ 资料库完整，没有残余段落")
    return 0


def _remove_all(library: Library, keys: Sequence[str]) -> int:
    status = 0
    for key in keys:
        matches = library.find(key)
        if len(matches) != 1:
            reason = "未找到" if not matches else f"匹配到 {len(matches)} 个文档，请用 sha256 指定"
            print(f"✗ {key}：{reason}", file=sys.stderr)
            status = 1
            continue
        library.remove(matches[0].doc_id)
        print(f"✓ 已删除 {matches[0].doc}（{matches[0].title}）")
    return status
