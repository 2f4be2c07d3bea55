"""Scale benchmark: stores of 1k, 10k and 100k chunks grown from the real bundled reports, and
the latency and memory of ``ask`` at each size.

    python -m bench.scale [--base STORE] [--sizes 1000 10000 100000] [--work DIR]

How the corpus grows. Every document of a base store (the bundled corpus ingested with the real
embedder; built first when --base is not given) is copied under other place names and years:
万里街道 becomes 长征街道 or 桃浦街道, 普陀区 becomes 静安区, 上海市 becomes 杭州市, 四川省 becomes 江西省, and every year in
the text moves by the same shift (2024 → 2021). Names keep their length, so chunk offsets stay
true. The copies keep the original chunks' vectors plus small Gaussian noise (σ = 0.01,
renormalised): embedding 100k chunks with the CPU model would take hours (``bench.ingest`` gives
the rate), and the retrieval and memory cost of a store does not depend on where its vectors came
from. Table records and keyword tokens are rewritten the same way.

Each size is measured in a fresh process: the assistant opened on the store (model loaded), one
cold ask, then the eval questions rewritten for a random copy, asked twice (warm-up, timed).
Printed: build seconds, store size on disk, retrieval and ask p50/p95, peak RSS, and how often the
answer cites the copy the question names (counted over the questions that name a place; a
question such as 人均预期寿命达到了多少岁？ fits every copy alike and is only timed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.app import open_library
from assistant.config import load_settings
from assistant.records import Chunk, DocumentInfo
from bench.corpus import CORPUS, ROOT, load_questions
from ingest.pipeline import ingest_paths

DISTRICTS = (
    "静安 黄浦 徐汇 长宁 虹口 杨浦 闵行 宝山 嘉定 浦东 金山 松江 青浦 奉贤 崇明 越秀 海珠 天河 白云 番禺".split()
)
PROVINCES = "江苏 安徽 福建 江西 山东 河南 湖北 湖南 海南 贵州 云南 陕西 甘肃 青海 河北 山西 辽宁 吉林".split()
CITIES = "广州 深圳 杭州 南京 武汉 成都 西安 苏州 天津 重庆 长沙 青岛 沈阳 大连 厦门 宁波 合肥 济南".split()
FIRST = "长甘石宜曹真桃华多金昌新安东西南北康和丰"
SECOND = "征泉川杨如浦风林宝花平兴宁阳源岭湖溪桥园"
STREETS = [a + b for a in FIRST for b in SECOND]  # 400 two-character street names
SIZES = (1_000, 10_000, 100_000)
NOISE = 0.01


@dataclass(frozen=True)
class BaseDocument:
    info: DocumentInfo
    extras: dict[str, Any]
    ids: list[str]
    texts: list[str]
    metas: list[dict[str, Any]]
    vectors: np.ndarray
    names: list[str]  # the two-character place names this document may be renamed from


def place_names(info: DocumentInfo) -> list[str]:
    """The names a copy changes: the street (万里), the district (普陀), the province (上海)."""
    names = []
    street = re.search(r"([\u4e00-\u9fff]{2})街道", info.department)
    district = re.search(r"([\u4e00-\u9fff]{2})区", info.department)
    province = re.match(r"([\u4e00-\u9fff]{2})(?:省|市)", info.department)
    for found in (street, district, province):
        if found and found.group(1) not in names:
            names.append(found.group(1))
    return names


def read_base(store: Path) -> tuple[list[BaseDocument], str]:
    library = open_library(load_settings(store=store), create=False)
    documents = []
    for info in library.documents():
        got = library.store.chunks.get(where={"doc_id": info.doc_id}, include=["documents", "metadatas", "embeddings"])
        order = sorted(range(len(got["ids"])), key=lambda i: int(got["metadatas"][i]["index"]))  # type: ignore[index]
        documents.append(
            BaseDocument(
                info,
                library.store.extras(info.doc_id),
                [got["ids"][i] for i in order],
                [got["documents"][i] for i in order],  # type: ignore[index]
                [dict(got["metadatas"][i]) for i in order],  # type: ignore[index]
                np.asarray(got["embeddings"])[order],  # type: ignore[index]
                place_names(info),
            )
        )
    return documents, str(library.store.embedder())


def renaming(base: BaseDocument, copy: int) -> tuple[dict[str, str], int]:
    """Place name replacements and the year shift of copy number ``copy`` (0: the original)."""
    if copy == 0:
        return {}, 0
    pool = {0: STREETS, 1: DISTRICTS, 2: PROVINCES}
    names = {}
    offset = int(base.info.doc_id[:8], 16)  # two base reports of one copy number get different names
    for position, old in enumerate(base.names):
        choices = pool[min(position, 2)]
        if base.info.doc_type == "政府工作报告":  # 上海市 becomes a city, 四川省 a province
            choices = CITIES if base.info.department.startswith(old + "市") else PROVINCES
        names[old] = choices[(copy * 7 + position + offset) % len(choices)]
    return names, (copy % 7) - 3 or 4


def rewrite(text: str, names: dict[str, str], shift: int) -> str:
    for old, new in names.items():
        text = text.replace(old, new)
    if shift:
        text = re.sub(r"(?<!\d)(20[0-3]\d)(?=\s*年)", lambda m: str(int(m.group(1)) + shift), text)
    return text


def build(store: Path, base: list[BaseDocument], embedder: str, size: int, seed: int = 7) -> dict[str, Any]:
    """Grow a store to ``size`` chunks from copies of the base documents."""
    rng = np.random.default_rng(seed)
    library = open_library(load_settings(store=store))
    tick = time.perf_counter()
    total, copy, copies = 0, 0, []
    while total < size:
        for doc in base:
            if total >= size:
                break
            names, shift = renaming(doc, copy)
            doc_id = hashlib.sha256(f"{doc.info.doc_id}:{copy}".encode()).hexdigest()
            keep = min(len(doc.ids), size - total)
            year = (doc.info.year or 0) + shift if doc.info.year else None
            info = replace(
                doc.info,
                doc_id=doc_id,
                doc=f"copy{copy:03d}_{rewrite(doc.info.doc, names, shift)}",
                title=rewrite(doc.info.title, names, shift),
                department=rewrite(doc.info.department, names, shift),
                year=year,
                chunks=keep,
            )
            chunks, tokens = [], []
            for meta, text in zip(doc.metas[:keep], doc.texts[:keep], strict=True):
                spans = [tuple(s) for s in json.loads(meta["page_spans"])]
                chunks.append(
                    Chunk(
                        doc_id,
                        int(meta["index"]),
                        rewrite(text, names, shift),
                        int(meta["start"]),
                        int(meta["end"]),
                        int(meta["page"]) or None,
                        int(meta["page_end"]) or None,
                        str(meta["page_label"]),
                        tuple(rewrite(h, names, shift) for h in json.loads(meta["headings"])),
                        str(meta["table_unit"]),
                        tuple(spans),  # type: ignore[arg-type]
                    )
                )
                tokens.append(rewrite(str(meta["tokens"]), names, shift).split())
            vectors = doc.vectors[:keep] + (rng.normal(0, NOISE, doc.vectors[:keep].shape) if copy else 0)
            vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
            extras = json.loads(rewrite(json.dumps(doc.extras, ensure_ascii=False), names, shift))
            library.store.add_document(info, chunks, vectors.tolist(), tokens, embedder, extras)
            copies.append({"base": doc.info.doc, "copy": copy, "names": names, "shift": shift, "doc": info.doc})
            total += keep
        copy += 1
    library.keyword_index()  # built once, as an ingest does
    return {"seconds": time.perf_counter() - tick, "chunks": total, "documents": len(copies), "copies": copies}


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def measure(store: Path, copies_file: Path, seed: int = 11) -> dict[str, Any]:
    """Run in a fresh process: open, ask, time; peak RSS of this process."""
    from assistant.app import build_assistant
    from assistant.query import analyse

    copies = json.loads(copies_file.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    tick = time.perf_counter()
    assistant = build_assistant(load_settings(store=store))
    assistant.library.embedder.embed_query("预热")
    startup = time.perf_counter() - tick
    questions = [q for q in load_questions([ROOT / "tests" / "eval" / "questions.jsonl"]) if q.get("doc")]
    asked = []  # (question, the copy it names, or "" when it names no place: 人均预期寿命达到了多少岁？)
    for question in questions:
        own = [c for c in copies if Path(c["base"]).stem == question["doc"] and c["copy"] > 0]
        if own:
            chosen = rng.choice(own)
            named = any(old in question["question"] for old in chosen["names"])
            text = rewrite(question["question"], chosen["names"], chosen["shift"])
            asked.append((text, chosen["doc"] if named else ""))
    tick = time.perf_counter()
    assistant.ask(asked[0][0])
    cold = time.perf_counter() - tick
    for text, _ in asked:  # warm-up
        assistant.ask(text)
    documents = assistant.library.documents()
    retrieval, whole, right = [], [], 0
    for text, doc in asked:
        tick = time.perf_counter()
        assistant.retriever.search(analyse(text, documents), documents_list=documents)
        retrieval.append((time.perf_counter() - tick) * 1000)
        tick = time.perf_counter()
        answer = assistant.ask(text)
        whole.append((time.perf_counter() - tick) * 1000)
        right += bool(doc) and any(c.doc == doc for c in answer.citations)
    named = sum(1 for _, doc in asked if doc)
    return {
        "startup_s": startup,
        "cold_ms": cold * 1000,
        "retrieval": percentiles(retrieval),
        "ask": percentiles(whole),
        "questions": len(asked),
        "cites_named_copy": right / named if named else 0.0,
        "named": named,
        "peak_rss_mb": peak_rss_mb(),
    }


def peak_rss_mb() -> float:
    """This process's peak resident memory. Not ``ru_maxrss``: after fork and exec, Linux carries
    the parent's resident size at the fork into it (the builder parent held 2.5 GB at 100k
    chunks), whereas ``VmHWM`` belongs to the new process image alone."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", type=Path, help="a store with the bundled corpus (built when omitted)")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--work", type=Path, help="where the stores are built (kept); default: a temporary folder")
    parser.add_argument("--measure", nargs=2, type=Path, metavar=("STORE", "COPIES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:  # the child process
        print(json.dumps(measure(*args.measure)))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="reportqa-scale-"))
    base_store = args.base
    if base_store is None:
        base_store = work / "base"
        tick = time.perf_counter()
        ingest_paths(CORPUS, open_library(load_settings(store=base_store)))
        print(f"base store: bundled corpus ingested in {time.perf_counter() - tick:.0f} s")
    base, embedder = read_base(base_store)
    print(f"base: {len(base)} documents, {sum(len(d.ids) for d in base)} chunks, embedder {embedder}")
    print(
        "size | build s | disk MB | start-up s | cold ask ms | retrieval p50/p95 ms | ask p50/p95 ms | peak RSS MB | cites named copy"
    )
    for size in args.sizes:
        store = work / f"store-{size}"
        shutil.rmtree(store, ignore_errors=True)
        built = build(store, base, embedder, size)
        copies_file = work / f"copies-{size}.json"
        copies_file.write_text(json.dumps(built["copies"], ensure_ascii=False), encoding="utf-8")
        child = subprocess.run(
            [sys.executable, "-m", "bench.scale", "--measure", str(store), str(copies_file)],
            capture_output=True,
            text=True,
            check=True,
        )
        m = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"{built['chunks']} ({built['documents']} docs) | {built['seconds']:.0f} | {disk_mb(store):.0f} | "
            f"{m['startup_s']:.1f} | {m['cold_ms']:.0f} | {m['retrieval'][0]:.1f} / {m['retrieval'][1]:.1f} | "
            f"{m['ask'][0]:.1f} / {m['ask'][1]:.1f} | {m['peak_rss_mb']:.0f} | "
            f"{m['cites_named_copy']:.2f} ({m['named']} of {m['questions']} q name a place)",
            flush=True,
        )
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
