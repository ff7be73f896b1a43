"""Settings from the environment and `.env`: the only place that reads them."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.office_hours import OfficeHours, zone


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
    jobs_interval_seconds: float = Field(default=60.0, gt=0)
    message_log_retention_days: int = Field(default=180, ge=1)
    reply_lease_seconds: float = Field(default=60.0, gt=0)

    # Telegram (python-telegram-bot). Enabled when the token is set.
    telegram_bot_token: SecretStr | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org"

    # Zalo Bot Platform. Enabled when the token is set.
    zalo_bot_token: SecretStr | None = None
    zalo_webhook_secret: SecretStr | None = None
    zalo_webhook_url: str | None = None
    zalo_api_base_url: str = "https://bot-api.zaloplatforms.com"

    # Dossier recovery: keyed hashes of codes and phones, SMS provider, one-stop system API.
    code_hash_key: SecretStr | None = None
    sms_http_url: str | None = None
    sms_http_key: SecretStr | None = None
    sms_template: str = "Ma xac minh Tro ly Dich vu cong: {code}. Hieu luc 5 phut. Khong dua ma nay cho ai."
    onestop_api_url: str | None = None
    onestop_api_token: SecretStr | None = None
    onestop_timeout_seconds: float = Field(default=5.0, gt=0)
    # Where the generated hash key (secret.key) and the development SMS outbox live.
    data_dir: Path = Field(default=Path("data"))
    sms_outbox_path: Path | None = Field(default=None, description="default DATA_DIR/sms-outbox.jsonl")
    lookups_per_hour: int = Field(default=10, ge=1)
    sms_daily_budget: int = Field(default=1000, ge=0)

    # Volunteers' referral links and posters, and the staff dashboard (/staff/).
    telegram_bot_username: str | None = Field(default=None, pattern=r"^@?[A-Za-z0-9_]{5,32}$")
    public_web_url: str = Field(default="http://127.0.0.1:8080", pattern=r"^https?://\S+$")
    staff_dashboard_token: SecretStr | None = Field(default=None, min_length=16)

    # Hand-off to a person: tickets go to this Telegram group (needs TELEGRAM_BOT_TOKEN).
    staff_chat_id: int | None = None
    office_hours: str = "Mon-Fri 07:30-11:30,13:30-17:00"
    office_timezone: str = "Asia/Ho_Chi_Minh"

    @field_validator("staff_chat_id", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("office_hours", "office_timezone")
    @classmethod
    def _office_hours_parse(cls, value: str, info: ValidationInfo) -> str:
        if info.field_name == "office_timezone":
            zone(value)
        else:
            OfficeHours.parse(value)
        return value

    def handoff_hours(self) -> OfficeHours:
        return OfficeHours.parse(self.office_hours, self.office_timezone)

    def staff(self) -> set[tuple[str, str]]:
        """Staff users as (channel, user id) pairs, e.g. STAFF_IDS=telegram:12345,web:w0a1b2c3d4."""
        pairs = (item.strip().partition(":") for item in self.staff_ids.split(",") if item.strip())
        return {(channel, user) for channel, _, user in pairs if channel and user}
