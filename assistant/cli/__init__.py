"""``reportqa``: the command line. One module per command group: ``ingest`` (ingest, check),
``answers`` (ask, draft, eval), ``library`` (list, remove, repair); this module parses and dispatches."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from assistant.cli.answers import cmd_ask, cmd_draft, cmd_eval
from assistant.cli.ingest import cmd_check, cmd_ingest
from assistant.cli.library import cmd_list, cmd_remove, cmd_repair
from assistant.errors import ReportQAError
from assistant.records import DOC_TYPES

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
