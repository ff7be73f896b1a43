"""Outside services for the dossier flows, chosen from the settings: SMS, one-stop API, hash key."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.channels.onestop import HttpOneStop
from bot.channels.sms import HttpSms
from bot.config import Settings
from bot.keys import load_hash_key
from bot.sms import OutboxSms, QueuedSms
from handlers.context import Services
from handlers.ports import OneStop, SmsSender

Closer = Callable[[], Awaitable[None]]
OUTBOX_FILE = "sms-outbox.jsonl"
log = logging.getLogger(__name__)


def build_services(settings: Settings) -> tuple[Services, list[Closer]]:
    """The services and how to close them; the development outbox when no SMS provider is set."""
    closers: list[Closer] = []
    gateway: SmsSender
    if settings.sms_http_url:
        key = settings.sms_http_key.get_secret_value() if settings.sms_http_key else None
        http_sms = HttpSms(settings.sms_http_url, key, settings.sms_template)
        gateway = http_sms
        closers.append(http_sms.close)
    else:
        gateway = OutboxSms(settings.sms_outbox_path or settings.data_dir / OUTBOX_FILE, settings.sms_template)
    queued = QueuedSms(gateway)
    # The queue drains before the gateway's client closes.
    closers.insert(0, queued.close)
    onestop: OneStop | None = None
    if settings.onestop_api_url:
        token = settings.onestop_api_token.get_secret_value() if settings.onestop_api_token else None
        client = HttpOneStop(settings.onestop_api_url, token, timeout=settings.onestop_timeout_seconds)
        onestop = client
        closers.append(client.close)
    handoff = None
    if settings.staff_chat_id is not None and settings.telegram_bot_token is not None:
        handoff = settings.handoff_hours()
    elif settings.staff_chat_id is not None:
        log.warning("STAFF_CHAT_ID needs TELEGRAM_BOT_TOKEN; the hand-off to staff stays off")
    services = Services(
        hash_key=load_hash_key(settings),
        sms=queued,
        onestop=onestop,
        lookups_per_hour=settings.lookups_per_hour,
        sms_daily_budget=settings.sms_daily_budget,
        handoff=handoff,
    )
    return services, closers
