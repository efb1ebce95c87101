"""Runtime settings, read from the environment (and an optional `.env` file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    log_level: str = Field(default="info", alias="PARTNERGRAPH_LOG_LEVEL")
    sql_echo: bool = Field(default=False, alias="PARTNERGRAPH_SQL_ECHO")

    @property
    def graphiql_enabled(self) -> bool:
        """GraphiQL and introspection are development conveniences."""
        return self.environment == "development"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
