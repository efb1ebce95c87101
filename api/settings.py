"""Runtime settings, read from the environment (and an optional `.env` file)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.webhooks.delivery import DeliveryPolicy

DEFAULT_DATA_DIR = Path("var")


class Settings(BaseSettings):
    """PartnerGraph configuration; every field maps to an environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'partnergraph.db'}",
        description="SQLAlchemy URL; sqlite:///path or postgresql://user@host/db.",
    )
    environment: Literal["development", "production"] = Field(
        default="development",
        alias="PARTNERGRAPH_ENV",
        description="development enables GraphiQL and introspection; production disables both.",
    )
    data_dir: Path = Field(
        default=DEFAULT_DATA_DIR,
        alias="PARTNERGRAPH_DATA_DIR",
        description="Folder for the embedded database and generated files.",
    )
    secret_key: str | None = Field(
        default=None,
        alias="PARTNERGRAPH_SECRET_KEY",
        description="Key for signed download URLs; in development a key file in the data "
        "folder is made on first use. Required in production.",
    )
    download_url_ttl_seconds: int = Field(
        default=900, ge=30, le=86400, alias="PARTNERGRAPH_DOWNLOAD_URL_TTL"
    )
    soffice_path: str | None = Field(
        default=None,
        alias="PARTNERGRAPH_SOFFICE",
        description="LibreOffice binary for PDF conversion; found on PATH when unset.",
    )
    webhooks_allow_private: bool = Field(
        default=False,
        alias="PARTNERGRAPH_WEBHOOKS_ALLOW_PRIVATE",
        description="Development only: let webhook URLs point to loopback or private addresses.",
    )
    webhook_max_attempts: int = Field(
        default=8, ge=1, le=50, alias="PARTNERGRAPH_WEBHOOK_MAX_ATTEMPTS"
    )
    webhook_disable_after: int = Field(
        default=5, ge=1, le=1000, alias="PARTNERGRAPH_WEBHOOK_DISABLE_AFTER"
    )
    max_query_cost: int = Field(default=20_000, ge=1, alias="PARTNERGRAPH_MAX_QUERY_COST")
    max_query_tokens: int = Field(default=5_000, ge=10, alias="PARTNERGRAPH_MAX_QUERY_TOKENS")
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, alias="PARTNERGRAPH_MAX_BODY_BYTES")
    rate_limit_points: int = Field(default=50_000, ge=1, alias="PARTNERGRAPH_RATE_LIMIT_POINTS")
    rate_limit_window_seconds: int = Field(
        default=3600, ge=1, alias="PARTNERGRAPH_RATE_LIMIT_WINDOW"
    )
    log_level: str = Field(default="info", alias="PARTNERGRAPH_LOG_LEVEL")
    sql_echo: bool = Field(default=False, alias="PARTNERGRAPH_SQL_ECHO")

    @property
    def blob_dir(self) -> Path:
        """Where documents and templates are stored (content-addressed)."""
        return self.data_dir / "blobs"

    def signing_key(self) -> bytes:
        """The key that signs download URLs."""
        if self.secret_key:
            return self.secret_key.encode()
        if self.environment == "production":
            raise RuntimeError("PARTNERGRAPH_SECRET_KEY must be set in production")
        path = self.data_dir / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip().encode()

    def delivery_policy(self) -> DeliveryPolicy:
        """How the webhook worker delivers."""
        return DeliveryPolicy(
            max_attempts=self.webhook_max_attempts,
            disable_after_failures=self.webhook_disable_after,
            allow_private=self.webhooks_allow_private,
        )

    @property
    def graphiql_enabled(self) -> bool:
        """GraphiQL and introspection are development conveniences."""
        return self.environment == "development"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
