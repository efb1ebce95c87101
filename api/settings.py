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


class ConfigurationError(RuntimeError):
    """A setting is missing or contradicts another one."""


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
    webhooks_allow_loopback: bool = Field(
        default=False,
        alias="PARTNERGRAPH_WEBHOOKS_ALLOW_LOOPBACK",
        description="Development and tests only: let webhook URLs point to loopback (127.0.0.0/8, "
        "::1); every other non-public range stays refused.",
    )
    webhook_retry_hours: float = Field(
        default=72,
        gt=0,
        le=24 * 30,
        alias="PARTNERGRAPH_WEBHOOK_RETRY_HOURS",
        description="How long a delivery is retried (exponential backoff with jitter) before "
        "it is given up.",
    )
    webhook_notify_after_hours: float = Field(
        default=24,
        gt=0,
        alias="PARTNERGRAPH_WEBHOOK_NOTIFY_AFTER_HOURS",
        description="Hours of failures with no success before a webhook_endpoint.failing event.",
    )
    webhook_disable_after_days: float = Field(
        default=5,
        gt=0,
        alias="PARTNERGRAPH_WEBHOOK_DISABLE_AFTER_DAYS",
        description="Days of failures with no success before an endpoint is disabled.",
    )
    webhook_retention_days: float = Field(
        default=30,
        gt=0,
        alias="PARTNERGRAPH_WEBHOOK_RETENTION_DAYS",
        description="Days events are kept (listable, replayable), whatever the endpoints' state.",
    )
    webhook_timeout_seconds: float = Field(
        default=10, gt=0, le=120, alias="PARTNERGRAPH_WEBHOOK_TIMEOUT"
    )
    webhook_concurrency: int = Field(
        default=16,
        ge=1,
        le=256,
        alias="PARTNERGRAPH_WEBHOOK_CONCURRENCY",
        description="Deliveries one worker attempts at once.",
    )
    max_query_cost: int = Field(default=20_000, ge=1, alias="PARTNERGRAPH_MAX_QUERY_COST")
    max_query_tokens: int = Field(default=5_000, ge=10, alias="PARTNERGRAPH_MAX_QUERY_TOKENS")
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, alias="PARTNERGRAPH_MAX_BODY_BYTES")
    rate_limit_points: int = Field(default=50_000, ge=1, alias="PARTNERGRAPH_RATE_LIMIT_POINTS")
    rate_limit_window_seconds: int = Field(
        default=3600, ge=1, alias="PARTNERGRAPH_RATE_LIMIT_WINDOW"
    )
    rate_limit_in_flight: int = Field(
        default=20,
        ge=1,
        le=10_000,
        alias="PARTNERGRAPH_RATE_LIMIT_IN_FLIGHT",
        description="Requests one key may have running at once.",
    )
    key_cache_seconds: float = Field(
        default=2.0,
        ge=0,
        le=300,
        alias="PARTNERGRAPH_KEY_CACHE_SECONDS",
        description=(
            "How long a server keeps an API key it read (0: read it on every request); a key "
            "revoked in another process still works there for at most this long."
        ),
    )
    redis_url: str | None = Field(
        default=None,
        alias="PARTNERGRAPH_REDIS_URL",
        description="Redis for rate limits shared by every process (else memory + leases).",
    )
    log_level: str = Field(default="info", alias="PARTNERGRAPH_LOG_LEVEL")
    log_format: Literal["text", "json"] | None = Field(
        default=None,
        alias="PARTNERGRAPH_LOG_FORMAT",
        description="text or json; unset: text in development, json in production.",
    )
    cors_origins: str = Field(
        default="",
        alias="PARTNERGRAPH_CORS_ORIGINS",
        description="Comma-separated origins (scheme://host[:port]) browsers may call from.",
    )
    oidc_issuer: str | None = Field(
        default=None,
        alias="PARTNERGRAPH_OIDC_ISSUER",
        description="Issuer (iss) of accepted OpenID Connect / OAuth 2 access tokens; unset: "
        "API keys only.",
    )
    oidc_audience: str | None = Field(default=None, alias="PARTNERGRAPH_OIDC_AUDIENCE")
    oidc_jwks_url: str | None = Field(
        default=None,
        alias="PARTNERGRAPH_OIDC_JWKS_URL",
        description="The issuer's JWKS; unset: read from its /.well-known/openid-configuration.",
    )
    oidc_role_claim: str = Field(default="partnergraph_role", alias="PARTNERGRAPH_OIDC_ROLE_CLAIM")
    oidc_partner_claim: str = Field(
        default="partnergraph_partner", alias="PARTNERGRAPH_OIDC_PARTNER_CLAIM"
    )
    oidc_algorithms: str = Field(default="RS256,ES256", alias="PARTNERGRAPH_OIDC_ALGORITHMS")
    blob_store: Literal["auto", "local", "postgresql", "s3"] = Field(
        default="auto",
        alias="PARTNERGRAPH_BLOB_STORE",
        description="Where documents and the PDF cache go; auto: s3 when a bucket is set, "
        "else postgresql on PostgreSQL, else the local data folder.",
    )
    s3_bucket: str | None = Field(default=None, alias="PARTNERGRAPH_S3_BUCKET")
    s3_prefix: str = Field(default="", alias="PARTNERGRAPH_S3_PREFIX")
    s3_endpoint_url: str | None = Field(default=None, alias="PARTNERGRAPH_S3_ENDPOINT_URL")
    s3_region: str | None = Field(default=None, alias="PARTNERGRAPH_S3_REGION")
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
            raise ConfigurationError("PARTNERGRAPH_SECRET_KEY must be set in production")
        path = self.data_dir / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip().encode()

    def delivery_policy(self) -> DeliveryPolicy:
        """How the webhook worker delivers."""
        if self.webhook_notify_after_hours >= self.webhook_disable_after_days * 24:
            raise ConfigurationError(
                "PARTNERGRAPH_WEBHOOK_NOTIFY_AFTER_HOURS must come before "
                "PARTNERGRAPH_WEBHOOK_DISABLE_AFTER_DAYS: owners are told before endpoints stop"
            )
        return DeliveryPolicy(
            retry_window_seconds=self.webhook_retry_hours * 3600,
            notify_after_seconds=self.webhook_notify_after_hours * 3600,
            disable_after_seconds=self.webhook_disable_after_days * 86400,
            retention_seconds=self.webhook_retention_days * 86400,
            timeout_seconds=self.webhook_timeout_seconds,
            concurrency=self.webhook_concurrency,
            allow_private=self.webhooks_allow_private,
            allow_loopback=self.webhooks_allow_loopback,
        )

    @property
    def json_logs(self) -> bool:
        """JSON log lines (production default) or plain text (development default)."""
        if self.log_format is not None:
            return self.log_format == "json"
        return self.environment == "production"

    @property
    def allowed_origins(self) -> list[str]:
        """The CORS allow-list (empty: no cross-origin browser calls)."""
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    @property
    def blob_backend(self) -> Literal["local", "postgresql", "s3"]:
        """The blob store this configuration selects."""
        is_postgres = self.database_url.startswith("postgresql")
        if self.blob_store == "auto":
            if self.s3_bucket:
                return "s3"
            return "postgresql" if is_postgres else "local"
        if self.blob_store == "s3" and not self.s3_bucket:
            raise ConfigurationError("PARTNERGRAPH_BLOB_STORE=s3 needs PARTNERGRAPH_S3_BUCKET")
        if self.blob_store == "postgresql" and not is_postgres:
            raise ConfigurationError(
                "PARTNERGRAPH_BLOB_STORE=postgresql needs a PostgreSQL DATABASE_URL"
            )
        if self.blob_store == "local" and is_postgres:
            raise ConfigurationError(
                "the local blob store is for the embedded SQLite database only; use postgresql "
                "or s3 so every server sees the same documents"
            )
        return self.blob_store

    def check(self) -> None:
        """Raise ConfigurationError for settings the service cannot run with."""
        self.signing_key()
        _ = self.blob_backend

    @property
    def graphiql_enabled(self) -> bool:
        """GraphiQL and introspection are development conveniences."""
        return self.environment == "development"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
