"""Settings from the environment and `.env`: the only place that reads them."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of the bot; defaults give the embedded setup (SQLite, web chat on loopback)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default="sqlite+aiosqlite:///data/bot.db")
    catalogue_path: Path = Field(default=Path("procedures.yaml"))
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    log_level: str = "INFO"
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    staff_ids: str = Field(default="", description="channel:user_id pairs separated by commas")
    catalogue_watch_seconds: float = Field(default=0.5, gt=0)

    def staff(self) -> set[tuple[str, str]]:
        """Staff users as (channel, user id) pairs, e.g. STAFF_IDS=telegram:12345,web:w0a1b2c3d4."""
        pairs = (item.strip().partition(":") for item in self.staff_ids.split(",") if item.strip())
        return {(channel, user) for channel, _, user in pairs if channel and user}
