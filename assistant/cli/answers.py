"""``reportqa ask``, ``draft`` and ``eval``: questions answered from a store, printed or as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

from assistant.config import load_settings
from assistant.recognised import figure_mark

if TYPE_CHECKING:
    pass


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
            keys = ("n", "doc", "title", "page", "page_label", "text", "score", "ocr", "ocr_confidence")
            row["citations"] = [{k: c.to_dict()[k] for k in keys} for c in answer.citations]
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
        print(json.dumps({**asdict(memo), "citations": [c.to_dict() for c in memo.citations]}, ensure_ascii=False))
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
