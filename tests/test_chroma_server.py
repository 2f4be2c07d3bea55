"""Chroma in server mode: a real ``chroma run`` on localhost, two ReportQA instances sharing it.

Each instance has its own store folder, which holds only caches (the keyword index, built from the
tokens kept in Chroma's metadata) and the write lock; the documents are on the server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.app import open_library
from assistant.config import load_settings
from assistant.errors import StoreError
from tests.chroma_server import free_port
from tests.reports import FIGURE, QUESTION, write_small_report

pytestmark = pytest.mark.e2e


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, env=env, timeout=600
    )


def test_two_instances_share_one_corpus_on_a_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "REPORTQA_CHROMA_URL": chroma_url}
    report = write_small_report(tmp_path / "in")
    ingest = cli("ingest", str(report), "--store", str(tmp_path / "writer"), env=env)
    assert ingest.returncode == 0, ingest.stderr
    assert not (tmp_path / "writer" / "chroma").exists()  # nothing of the corpus on local disk

    # another instance, with its own (empty) cache folder, sees the document and answers from it
    listed = cli("list", "--store", str(tmp_path / "reader"), "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    (doc,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert doc["doc"] == report.name and doc["chunks"] >= 1
    asked = cli("ask", "--store", str(tmp_path / "reader"), "--json", QUESTION, env=env)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert not answer["refused"] and FIGURE in answer["answer"]
    assert answer["citations"][0]["doc"] == report.name
    # its keyword index was built from the tokens stored on the server
    assert any((tmp_path / "reader" / "keyword").iterdir())

    # the same file again is a duplicate for every instance
    again = cli("ingest", str(report), "--store", str(tmp_path / "reader"), env=env)
    assert again.returncode == 0 and "跳过重复 1 个" in again.stdout


def test_one_instance_never_removes_another_machines_ingest_in_progress(chroma_url: str, tmp_path: Path) -> None:
    """The write lock is per machine; chunks without a committed document on the server may be
    another machine's ingest half-way, so only ``reportqa repair`` removes them."""
    env = {**os.environ, "REPORTQA_CHROMA_URL": chroma_url}
    settings = load_settings(store=tmp_path / "other-machine", chroma_url=chroma_url)
    other = open_library(settings)
    dim = len(other.store.chunks.get(limit=1, include=["embeddings"])["embeddings"][0])  # type: ignore[index]
    in_flight = [f"inflight{i:08d}-{i:05d}" for i in range(3)]  # written, its registry entry not yet
    other.store.chunks.add(
        ids=in_flight,
        embeddings=[[1.0 / dim**0.5] * dim] * 3,
        documents=["进行中的导入"] * 3,
        metadatas=[{"doc_id": "inflight" + "0" * 56, "index": i} for i in range(3)],
    )

    report = write_small_report(tmp_path / "in", name="另一街道2023年绩效自评报告.txt", figure="812.5")
    ingest = cli("ingest", str(report), "--store", str(tmp_path / "this-machine"), env=env)
    assert ingest.returncode == 0, ingest.stderr
    assert len(other.store.get(in_flight)) == 3  # opening and ingesting left them alone

    repaired = cli("repair", "--store", str(tmp_path / "this-machine"), env=env)
    assert repaired.returncode == 0 and "已清除 3 个残余段落" in repaired.stdout, repaired.stdout + repaired.stderr
    assert other.store.get(in_flight) == {}
    listed = cli("list", "--store", str(tmp_path / "this-machine"), "--json", env=env)
    assert report.name in {json.loads(line)["doc"] for line in listed.stdout.splitlines()}


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(StoreError, match="Chroma 服务"):
        open_library(load_settings(store=tmp_path, chroma_url=f"http://127.0.0.1:{port}"))
    with pytest.raises(StoreError, match="REPORTQA_CHROMA_URL"):
        open_library(load_settings(store=tmp_path, chroma_url="localhost:8000"))
