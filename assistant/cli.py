"""``reportqa``: ingest, list, remove (ask and eval come with the answering chain)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from tqdm import tqdm

from assistant.app import open_library
from assistant.config import load_settings
from assistant.errors import ReportQAError
from assistant.library import Library
from assistant.recognised import figure_mark
from assistant.records import DOC_TYPES, CheckResult

if TYPE_CHECKING:
    from ingest.ocr import OcrProgress, OcrStats
    from ingest.pipeline import FileResult, Prepared

STORE_HELP = "资料库目录（默认：环境变量 REPORTQA_STORE，或 ~/.reportqa/store）"


class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """argparse's own words are English; say in Chinese that the command line is wrong."""
        self.print_usage(sys.stderr)
        self.exit(2, f"错误：命令行参数有误（{message}）。用 -h 查看帮助。\n")


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


def _chinese(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Section titles and the help option in Chinese (argparse's own words are English)."""
    parser._positionals.title = "参数" if parser.prog != "reportqa" else "命令"
    parser._optionals.title = "选项"
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = "显示帮助并退出"
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="reportqa", description="政务报告问答助手 ReportQA", formatter_class=ChineseHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令", parser_class=ChineseArgumentParser)

    ingest = sub.add_parser("ingest", help="把报告（PDF/DOCX/TXT 文件或文件夹）导入资料库")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="路径", help="文件或文件夹（递归查找 .pdf .docx .txt）")
    ingest.add_argument("--store", type=Path, metavar="目录", help=STORE_HELP)
    ingest.add_argument("--title", metavar="标题", help="覆盖自动识别的标题")
    ingest.add_argument("--department", metavar="部门", help="覆盖自动识别的部门")
    ingest.add_argument("--year", type=int, metavar="年度", help="覆盖自动识别的年度")
    ingest.add_argument(
        "--doc-type", choices=DOC_TYPES, metavar="类型", help="覆盖自动识别的文档类型：" + "、".join(DOC_TYPES)
    )
    ingest.add_argument("--quiet", action="store_true", help="不显示进度条")
    ingest.add_argument(
        "--no-ocr",
        action="store_true",
        help="不识别扫描页（无文本层的 PDF 页面将被跳过；默认识别，也可设 REPORTQA_OCR=0）",
    )
    ingest.set_defaults(handler=cmd_ingest)

    listing = sub.add_parser("list", help="列出资料库中的文档")
    listing.add_argument("--store", type=Path, metavar="目录", help=STORE_HELP)
    listing.add_argument("--json", action="store_true", help="每行输出一个 JSON 对象")
    listing.set_defaults(handler=cmd_list)

    remove = sub.add_parser("remove", help="从资料库删除文档（文件名、标题或 sha256）")
    remove.add_argument("docs", nargs="+", metavar="文档", help="文件名、标题或 sha256（至少 8 位）")
    remove.add_argument("--store", type=Path, metavar="目录", help=STORE_HELP)
    remove.set_defaults(handler=cmd_remove)

    repair = sub.add_parser(
        "repair", help="清除中断的导入留下的残余段落（共用 Chroma 服务时，请在没有其他导入进行时运行）"
    )
    repair.add_argument("--store", type=Path, metavar="目录", help=STORE_HELP)
    repair.set_defaults(handler=cmd_repair)
    ask = sub.add_parser("ask", help="提问（可一次提多个问题）")
    ask.add_argument("questions", nargs="+", metavar="问题", help="问题")
    ask.add_argument("--store", type=Path, metavar="目录", help=STORE_HELP)
    ask.add_argument("--year", type=int, metavar="年度", help="只在该年度的报告中查找")
    ask.add_argument("--json", action="store_true", help="每个问题输出一行 JSON")
    ask.add_argument("--follow-up", action="store_true", help="把后面的问题当作前一个问题的追问（如“那2024年呢？”）")
    ask.add_argument("--out", type=Path, metavar="文件", help="把问答导出为 Word（.docx）或 Markdown（.md）文件")
    ask.set_defaults(handler=cmd_ask)

    check = sub.add_parser("check", help="查看导入时对表格合计做的一致性校验（三公经费、合计、科目、收支总计）")
    check.add_argument("docs", nargs="*", metavar="文档", help="文件名、标题或 sha256（默认全部）")
    check.add_argument("--store", type=Path, metavar="目录", help=STORE_HELP)
    check.add_argument("--all", action="store_true", help="也列出相符的校验")
    check.add_argument("--json", action="store_true", help="每个文档输出一行 JSON")
    check.set_defaults(handler=cmd_check)

    evaluate = sub.add_parser("eval", help="在问题集上评测（JSONL，格式同 tests/eval/questions.jsonl）")
    evaluate.add_argument("questions", type=Path, metavar="问题集", help="问题集文件")
    evaluate.add_argument("--store", type=Path, metavar="目录", help=STORE_HELP)
    evaluate.add_argument("--show-failures", action="store_true", help="列出答错的问题")
    evaluate.set_defaults(handler=cmd_eval)

    draft = sub.add_parser("draft", help="写汇报稿（草稿）：总体情况、重点工作与成效、存在的问题、下一步打算")
    draft.add_argument("request", nargs="+", metavar="要求", help="如：写一份龙津街道2022年绩效情况的汇报")
    draft.add_argument("--store", type=Path, metavar="目录", help=STORE_HELP)
    draft.add_argument("--year", type=int, metavar="年度", help="只用该年度的报告")
    draft.add_argument("--out", type=Path, metavar="文件", help="保存为 Word（.docx）或 Markdown（.md）文件")
    draft.add_argument("--json", action="store_true", help="输出一行 JSON")
    draft.set_defaults(handler=cmd_draft)
    for each in (parser, *sub.choices.values()):
        each.formatter_class = ChineseHelpFormatter
        _chinese(each)
    return parser


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.app import build_assistant
    from assistant.differences import table_rows
    from assistant.export import answers_to_docx, answers_to_markdown
    from assistant.memo_export import export_kind, save_export
    from assistant.records import Answer

    kind = export_kind(args.out) if args.out else ""  # a wrong file name fails before any work
    assistant = build_assistant(load_settings(store=args.store))
    history: list[str] = []
    answers: list[Answer] = []
    stream = not args.json and assistant.chat is not None and sys.stderr.isatty()
    for question in args.questions:
        if stream:  # the model's draft as it is written; the checked answer follows
            print(f"问：{question}\n草稿（核对中）：", end="", file=sys.stderr, flush=True)
        sink = (lambda text: print(text, end="", file=sys.stderr, flush=True)) if stream else None
        answer = assistant.ask(question, year=args.year, history=history if args.follow_up else (), on_token=sink)
        history.append(answer.asked or question)
        answers.append(answer)
        if stream:
            print(file=sys.stderr)
        if args.json:
            row = asdict(answer)
            row["citations"] = [
                {k: c[k] for k in ("n", "doc", "title", "page", "page_label", "text", "score", "ocr", "ocr_confidence")}
                for c in row["citations"]
            ]
            print(json.dumps(row, ensure_ascii=False), flush=True)
            continue
        print(f"问：{question}" + (f"（按上文理解为：{answer.asked}）" if answer.asked else ""))
        if answer.note:
            print(f"  注意：{answer.note}")
        print(f"答（{'摘录模式' if answer.mode == 'extractive' else '大模型'}）：{answer.answer}")
        if answer.comparison is not None:
            for line in table_rows(answer.comparison):
                print("  | " + " | ".join(line) + " |")
        for c in answer.citations:
            print(f"  [{c.n}] {c.title}｜{c.doc}｜{c.page_label}：{preview(c.text, [f.text for f in answer.figures])}")
        if answer.figures:
            marks = "、".join(figure_mark(f) for f in answer.figures)
            print(f"  数字核对：{marks}")
        for item in answer.nearest:
            print(f"  相近内容：{item}")
        print()
    if args.out:
        save_export(args.out, answers_to_docx(answers) if kind == "docx" else answers_to_markdown(answers))
        print(f"已保存：{args.out}")
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    from assistant.app import build_assistant
    from assistant.drafting import drafter_for
    from assistant.memo_export import export_kind, memo_to_docx, memo_to_markdown, save_export

    kind = export_kind(args.out) if args.out else ""
    memo = drafter_for(build_assistant(load_settings(store=args.store))).draft(" ".join(args.request), year=args.year)
    if args.json:
        print(json.dumps(asdict(memo), ensure_ascii=False))
    if memo.refused:
        print(f"未能生成汇报稿：{memo.reason}", file=sys.stderr)
        return 1
    if args.out:
        save_export(args.out, memo_to_docx(memo) if kind == "docx" else memo_to_markdown(memo))
        checked = sum(1 for f in memo.figures if f.verified)
        print(f"已保存：{args.out}")
        print(f"  {len(memo.citations)} 处出处，{checked}/{len(memo.figures)} 个数字已与所引原文核对")
        if memo.note:
            print(f"说明：{memo.note}")
    elif not args.json:
        print(memo_to_markdown(memo))
    return 0


def preview(passage: str, figures: Sequence[str], width: int = 80) -> str:
    """The part of a cited passage around the first figure of the answer that it states."""
    text = passage.replace("\n", " ")
    at = min((text.find(f) for f in figures if f in text), default=0)
    start = max(0, at - width // 2)
    snippet = text[start : start + width]
    return ("…" if start else "") + snippet + ("…" if start + width < len(text) else "")


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.app import build_assistant
    from assistant.evaluation import evaluate, load_questions

    assistant = build_assistant(load_settings(store=args.store))
    result = evaluate(assistant, load_questions(args.questions))
    m = result.metrics()
    print(f"问题数 questions:                        {m['questions']:.0f}")
    print(f"数字准确率 concise figure accuracy:      {m['figure_accuracy']:.3f}")
    print(f"引用准确率 citation accuracy:            {m['citation_accuracy']:.3f}")
    refusal = f"{m['refusal_accuracy']:.3f}" if m["unanswerable"] else "无（问题集中没有无法回答的问题）"
    print(f"拒答准确率 refusal accuracy:             {refusal}")
    print(f"误拒率 wrong refusals:                   {m['wrong_refusals']:.3f}")
    print(f"延迟 latency p50/p95 ms:                 {m['p50_ms']:.0f} / {m['p95_ms']:.0f}")
    if args.show_failures:
        for r in result.rows:
            ok = r["refused"] if r["gold_refuse"] else (r["figure_ok"] and r["citation_ok"])
            if not ok:
                print(f"✗ {r['id']} {r['question']} -> {r['answer'][:150]}")
    return 0


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except BrokenPipeError:
        return 0
    except ReportQAError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
