"""Local model benchmark: rebuild, verification and load times, prompt and generation speed, and the
latency of one answer over six numbered passages (~1,500 prompt tokens) on this CPU.

    python -m bench.llm [--gguf FILE] [--runs 3] [--threads N]

Without --gguf the bundled model is rebuilt from its part packages into a temporary folder (timed,
then deleted). Each run puts the passages in another order and asks another question, so llama.cpp's
prompt cache only saves the system prompt, as between real questions. Needs the local-llm extra.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.local_llm import QWEN_CODER_1_5B, LocalGGUFChatModel, bundled_gguf_path, file_sha256
from bench.corpus import ROOT

REPORT = ROOT / "tests" / "data" / "corpus" / "longjin_2022.txt"
SYSTEM = (
    "你是政务报告问答助手。只根据下面带编号的资料回答，每句末尾用方括号写出所依据资料的编号，例如“……[2]”。"
    "资料中没有答案时，只回答“报告中未找到”。"
)
QUESTIONS = ["垃圾分类累计投入了多少经费？", "2022年全年预算数和执行数各是多少？", "低保救济金发放了多少？"]
PASSAGE_CHARS = 440  # six passages and the prompt come to ~1,500 tokens
LONG_ANSWER = "请用中文详细介绍政府部门整体支出绩效自评报告通常包括哪些内容，分条说明，不少于三百字。"


def passages(count: int = 6) -> list[str]:
    """The report's longest paragraphs with figures in them, cut to a chunk's length."""
    paragraphs = [p.strip() for p in REPORT.read_text(encoding="utf-8").splitlines() if "万元" in p]
    return [p[:PASSAGE_CHARS] for p in sorted(paragraphs, key=len, reverse=True)[:count]]


def answer_messages(texts: list[str], question: str) -> list[BaseMessage]:
    numbered = "\n".join(f"[{i}] {text}" for i, text in enumerate(texts, start=1))
    return [SystemMessage(SYSTEM), HumanMessage(f"资料：\n{numbered}\n\n问题：{question}")]


def timed(action: Any) -> tuple[Any, float]:
    tick = time.perf_counter()
    result = action()
    return result, time.perf_counter() - tick


def time_answer(model: LocalGGUFChatModel, messages: list[BaseMessage]) -> dict[str, Any]:
    """Stream one answer: seconds to the first token and to the end, and llama.cpp's own timings."""
    tick = time.perf_counter()
    first, text, whole = None, "", None
    for chunk in model.stream(messages):
        if chunk.text and first is None:
            first = time.perf_counter() - tick
        text += chunk.text
        whole = chunk if whole is None else whole + chunk
    total = time.perf_counter() - tick
    timings = whole.response_metadata.get("timings", {}) if whole is not None else {}
    return {"first": first or total, "total": total, "text": text, **timings}


def rebuild_times() -> tuple[Path, tempfile.TemporaryDirectory[str]]:
    folder = tempfile.TemporaryDirectory(prefix="reportqa-bench-")
    path, rebuild = timed(lambda: bundled_gguf_path(cache_dir=Path(folder.name)))
    _, reuse = timed(lambda: bundled_gguf_path(cache_dir=Path(folder.name)))
    _, full_hash = timed(lambda: file_sha256(path))
    size = QWEN_CODER_1_5B.size / 2**30
    print(
        f"rebuild from {len(QWEN_CODER_1_5B.part_modules)} part packages ({size:.2f} GiB, sha256 checked): {rebuild:.1f} s"
    )
    print(f"start-up check of the rebuilt file (size + mtime stamp): {reuse * 1000:.2f} ms")
    print(f"full sha256 of the file (only when it changed): {full_hash:.1f} s")
    return path, folder


def run(path: Path, runs: int, threads: int) -> None:
    model = LocalGGUFChatModel(model_path=path, n_threads=threads, max_tokens=128)
    _, load = timed(model.load)
    print(f"model load ({path.name}, {threads} threads, n_ctx {model.n_ctx}): {load:.1f} s")
    texts = passages()
    answers = []
    for i in range(runs):
        order = texts[i:] + texts[:i]
        answers.append(time_answer(model, answer_messages(order, QUESTIONS[i % len(QUESTIONS)])))
    long = time_answer(model, [HumanMessage(LONG_ANSWER)])  # a short prompt and 128 generated tokens
    prompt_tokens = statistics.median(a["prompt_n"] for a in answers)
    cached = statistics.median(a["cache_n"] for a in answers)
    print(
        f"prompt processing: {statistics.median(a['prompt_per_second'] for a in answers):.0f} tokens/s "
        f"(median of {runs}: {prompt_tokens:.0f} prompt tokens processed, {cached:.0f} reused from the cache)"
    )
    print(f"generation: {long['predicted_per_second']:.1f} tokens/s ({long['predicted_n']} tokens)")
    print(
        f"one answer, 6 passages: first token {statistics.median(a['first'] for a in answers):.1f} s, "
        f"whole answer {statistics.median(a['total'] for a in answers):.1f} s "
        f"(median of {runs}; {statistics.median(a['predicted_n'] for a in answers):.0f} answer tokens)"
    )
    print(f"first answer: {QUESTIONS[0]} → {answers[0]['text']!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gguf", type=Path, help="time this GGUF file instead of rebuilding the bundled model")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}")
    if args.gguf:
        run(args.gguf, args.runs, args.threads)
        return
    path, folder = rebuild_times()
    with folder:
        run(path, args.runs, args.threads)


if __name__ == "__main__":
    main()
