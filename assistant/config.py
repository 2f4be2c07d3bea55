"""Settings, read once: explicit argument, then ``REPORTQA_*`` environment, then default."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import SettingsError

DEFAULT_STORE = Path.home() / ".reportqa" / "store"


class Settings(BaseSettings):
    """Everything ReportQA can be configured with. Library code receives this object."""

    model_config = SettingsConfigDict(env_prefix="REPORTQA_", extra="ignore")

    store: Path = Field(default=DEFAULT_STORE, description="store folder (Chroma + keyword index)")
    embed_model: str = Field(
        default="e5-small",
        description="embedder: e5-small | use-m3 | m3e-small | a sentence-transformers folder",
    )
    chroma_url: str = Field(
        default="",
        description="a shared Chroma server (chroma run), e.g. http://host:8000; empty: the store folder's own",
    )
    embed_batch_size: int = Field(default=16, ge=1)
    chunk_size: int = Field(default=320, ge=80, description="target characters per chunk")
    chunk_overlap: int = Field(default=60, ge=0, description="max characters repeated")
    ocr: bool = Field(default=True, description="recognise PDF pages without a usable text layer (scans)")
    ocr_workers: int = Field(default=0, ge=0, description="OCR workers; 0: one per core")
    # an LLM is optional: none configured -> 摘录模式 (extractive), fully offline
    llm_base_url: str = Field(default="", description="OpenAI-compatible endpoint, e.g. http://host:8000/v1")
    llm_model: str = Field(default="", description="model name at that endpoint")
    llm_api_key: SecretStr = Field(default=SecretStr(""), description="API key (empty for local servers)")
    llm_gguf: Path | None = Field(default=None, description="a GGUF file run in-process (local-llm extra)")
    llm_local: bool = Field(default=False, description="run the bundled Qwen GGUF (local-llm extra)")
    llm_timeout: float = Field(default=60.0, gt=0, description="seconds per model call")
    llm_max_retries: int = Field(default=1, ge=0)
    llm_max_tokens: int = Field(default=400, ge=16)
    # the web page asks for this password first when set (or st.secrets["password"]); off by default
    ui_password: SecretStr = Field(default=SecretStr(""), description="web page password (empty: no password)")

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url or self.llm_gguf or self.llm_local)


def load_settings(**overrides: object) -> Settings:
    """Build settings; ``None`` overrides are ignored so CLI defaults don't mask the env."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as exc:
        names = "、".join(f"REPORTQA_{str(err['loc'][0]).upper()}" for err in exc.errors() if err["loc"])
        raise SettingsError(f"设置有误：{names or '未知设置'} 的值无效（{exc.errors()[0]['msg']}）") from exc
