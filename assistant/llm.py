"""LLM answers through LangChain chat models, kept honest by code.

The model writes from the numbered sources; code then checks what it wrote. Markers that point
nowhere are dropped, every figure must be stated in a passage its sentence cites (the figure
check), an answer that fails is regenerated once with the failing figures named, and after that
the extractive answer is shown instead. A model that is down, slow or refuses the key never costs
the user an answer: the extractive one is shown with a Chinese note saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from assistant.chain_state import ChainState
from assistant.citations import check_figures, resolve_citations
from assistant.config import Settings
from assistant.errors import LocalModelError, ModelReplyError, SettingsError
from assistant.extractive import FIGURE_QUESTION
from assistant.hostile import as_evidence
from assistant.offline import extractive_model
from assistant.prompting import load_prompt, render
from assistant.records import Draft
from assistant.zh import NOT_FOUND

TokenSink = Callable[[str], None]


def chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None for 摘录模式."""
    if settings.llm_base_url:
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=settings.llm_base_url,
            model=settings.llm_model or "default",
            api_key=settings.llm_api_key if settings.llm_api_key.get_secret_value() else "EMPTY",  # type: ignore[arg-type]
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            temperature=0,
            max_completion_tokens=settings.llm_max_tokens,
        )
    if settings.llm_gguf or settings.llm_local:
        from assistant import local_llm  # runs only with the local-llm extra installed

        path = settings.llm_gguf or local_llm.bundled_gguf_path()
        return local_llm.LocalGGUFChatModel(model_path=Path(path), max_tokens=settings.llm_max_tokens)
    return None


def mode_name(settings: Settings) -> str:
    """How answers are written, as the user reads it."""
    if settings.llm_base_url:
        return f"大模型（{settings.llm_model or '默认模型'}，{settings.llm_base_url}）"
    if settings.llm_gguf:
        return f"本地大模型（{settings.llm_gguf.name}）"
    if settings.llm_local:
        return "本地大模型（Qwen2.5 1.5B）"
    return "摘录模式"


@cache
def fallback_on() -> tuple[type[Exception], ...]:
    """The failures of a model call that give the extractive answer instead, as pydantic-ai's
    ``FallbackModel(fallback_on=...)``: an endpoint unreachable, too slow or answering with an error
    status (the openai client's errors, and the transport's and the socket's should one escape it), and
    the local model's own (a damaged file, llama.cpp failing, a missing GGUF or xllamacpp found at first
    use). Anything else is a bug and propagates. Imported on first failure: openai is slow to import."""
    import httpx
    import openai

    return (
        openai.APIError,
        httpx.HTTPError,
        ConnectionError,
        TimeoutError,
        LocalModelError,
        SettingsError,
        ModelReplyError,
    )


def failure_message(exc: Exception, settings: Settings | None = None) -> str:
    """A Chinese sentence for a failed model call: unreachable, too slow, key refused, other."""
    import openai

    where = f"（{settings.llm_base_url}）" if settings and settings.llm_base_url else ""
    if isinstance(exc, openai.APITimeoutError):
        return f"模型服务响应超时{where}"
    if isinstance(exc, openai.APIConnectionError):
        return f"无法连接模型服务{where}"
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return "模型服务拒绝访问：请检查 REPORTQA_LLM_API_KEY"
    if isinstance(exc, openai.NotFoundError):
        return "模型服务中找不到所配置的模型：请检查 REPORTQA_LLM_MODEL"
    if isinstance(exc, openai.APIStatusError):
        return f"模型服务出错（HTTP {exc.status_code}）"
    return f"模型调用失败（{type(exc).__name__}）"


T = TypeVar("T")
UNREADABLE = (ValueError, KeyError, TypeError, AttributeError)  # what a client raises on a malformed reply


def from_model(call: Callable[[], T]) -> T:
    """``call()``, a call into the chat client: a reply it cannot read is the model's failure
    (ModelReplyError), not a bug of ours. Only the client call is wrapped, never our own code."""
    try:
        return call()
    except UNREADABLE as exc:
        raise ModelReplyError(f"模型服务的回复无法读取（{type(exc).__name__}：{exc}）") from exc


def invoke(chat: BaseChatModel, prompt: Any, **kwargs: Any) -> str:
    """The text of one reply of ``chat`` to ``prompt``."""
    return str(from_model(lambda: chat.invoke(prompt, **kwargs)).content)


def generate(chat: BaseChatModel, messages: Sequence[BaseMessage], on_token: TokenSink | None = None) -> str:
    """The model's reply; streamed token by token to ``on_token`` when given."""
    if on_token is None:
        return invoke(chat, list(messages))
    parts = []
    chunks = from_model(lambda: iter(chat.stream(list(messages))))
    while (chunk := from_model(lambda: next(chunks, None))) is not None:
        text = str(chunk.content)
        if text:
            parts.append(text)
            on_token(text)  # our code: outside the wrapped call
    return "".join(parts)


def check(text: str, hits: Sequence[Any], question: str = "") -> tuple[bool, list[str]]:
    """Whether an LLM answer may be shown: it cites a real source, every figure in it is stated
    in a passage its sentence cites, and a question asking for a figure gets one. Returns the
    failing figures."""
    # a figure stated only by an instruction or a fake citation inside a report supports nothing
    resolved, citations = resolve_citations(text, [as_evidence(hit) for hit in hits])
    if not citations:
        return False, []
    _, figures = check_figures(resolved, citations)
    failing = [f.text for f in figures if not f.verified]
    if FIGURE_QUESTION.search(question) and not figures:
        return False, ["（问题问的是数字，回答中没有数字）"]
    return not failing, failing


class LLMAnswerer:
    """The model step of the chain for an LLM: inputs -> Draft, never worse than extractive."""

    def __init__(self, chat: BaseChatModel, settings: Settings | None = None) -> None:
        self.chat = chat
        self.settings = settings
        self.retry_prompt = load_prompt("retry")

    def __call__(self, inputs: ChainState) -> Draft:
        floor = extractive_model(inputs)
        if inputs.reason:  # known before reading: no year, no department, empty scope
            return floor
        on_token = inputs.on_token
        messages: list[BaseMessage] = [HumanMessage(inputs.prompt)]
        try:
            text = generate(self.chat, messages, on_token)
            if NOT_FOUND in text:
                # the model found nothing: the extractive answerer decides (its refusal has a reason)
                return replace(floor, note=f"模型认为{NOT_FOUND}答案；以下为摘录模式的判断")
            ok, failing = check(text, inputs.hits, inputs.question)
            if not ok:
                feedback = render(self.retry_prompt, failing="、".join(failing) or "（没有有效的 [n] 引用）")
                messages += [AIMessage(text), HumanMessage(feedback)]
                if on_token:
                    on_token("\n［数字未通过核对，重新生成］\n")
                text = generate(self.chat, messages, on_token)
                ok, failing = check(text, inputs.hits, inputs.question)
                if NOT_FOUND in text:
                    ok = False
            if not ok:
                return replace(floor, note="模型答案中的数字未能在资料中核实，已改用摘录模式答案")
        except fallback_on() as exc:  # the model failed, not the code: the extractive answer stands
            return replace(floor, note=f"{failure_message(exc, self.settings)}；以下为摘录模式答案")
        return replace(floor, text=text, refused=False, reason="", quotes=(), mode="llm", note="")


def reachable(settings: Settings, timeout: float = 3.0) -> tuple[bool, str]:
    """Whether the configured endpoint answers (its model list), with a Chinese reason if not."""
    if not settings.llm_base_url:
        return True, ""
    import httpx

    key = settings.llm_api_key.get_secret_value()
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        response = httpx.get(settings.llm_base_url.rstrip("/") + "/models", headers=headers, timeout=timeout)
    except httpx.HTTPError:
        return False, f"无法连接模型服务（{settings.llm_base_url}）"
    if response.status_code in (401, 403):
        return False, "模型服务拒绝访问：请检查 REPORTQA_LLM_API_KEY"
    if response.status_code >= 400:
        return False, f"模型服务出错（HTTP {response.status_code}）"
    return True, ""
