"""`python -m bot volunteers add|list|disable|enable|link` and `python -m bot poster`: staff tools."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.poster import PosterContent, PosterError, save
from handlers import referral
from handlers.referral import Referral
from knowledge.catalogue import CatalogueError, load_catalogue
from storage import Store, Unit

LINK_VALID = dt.timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Links:
    """Every way to open one referral: web chat, Telegram (when configured) and a typed short code."""

    payload: str
    web: str
    telegram: str | None
    short_code: str

    def lines(self) -> list[str]:
        telegram = self.telegram or "(đặt TELEGRAM_BOT_USERNAME để có link Telegram)"
        return [f"  Web:      {self.web}", f"  Telegram: {telegram}", f"  Zalo:     nhắn «{self.short_code}»"]


def _fail(message: str) -> int:
    sys.stderr.write(message + "\n")
    return 2


async def referral_links(unit: Unit, settings: Settings, volunteer: str, procedure: str | None) -> Links:
    """Build the links for a referral, creating its short code on first use."""
    payload = referral.encode(Referral(volunteer, procedure))
    now = dt.datetime.now(dt.UTC)
    short = await unit.volunteers.short_code(volunteer, procedure or "", now, referral.new_short_code)
    username = settings.telegram_bot_username
    return Links(
        payload=payload,
        web=referral.web_link(settings.public_web_url, payload),
        telegram=referral.telegram_link(username, payload) if username else None,
        short_code=referral.show_short_code(short),
    )


async def _volunteers(args: argparse.Namespace, settings: Settings, unit: Unit) -> int:
    now = dt.datetime.now(dt.UTC)
    if args.action == "list":
        for v in await unit.volunteers.all():
            status = "hoạt động" if v.active else "đã ngừng"
            sys.stdout.write(f"{v.code}\t{status}\t{v.name}\t{v.unit}\n")
        return 0
    code = referral.normalise_code(args.code)
    if not referral.VOLUNTEER_CODE.fullmatch(code):
        return _fail(f"{args.code}: mã tình nguyện viên gồm 2–16 chữ cái hoặc chữ số, ví dụ TN01")
    if args.action == "add":
        added = await unit.volunteers.add(code, args.name.strip(), args.unit.strip(), now)
        if added is None:
            return _fail(f"{code}: mã này đã có (already exists)")
        links = await referral_links(unit, settings, code, None)
        sys.stdout.write("\n".join([f"Đã thêm tình nguyện viên {code}: {added.name} — {added.unit}", *links.lines()]))
        sys.stdout.write("\n")
        return 0
    volunteer = await unit.volunteers.get(code)
    if volunteer is None:
        return _fail(f"{code}: không có tình nguyện viên này (unknown volunteer)")
    if args.action in {"disable", "enable"}:
        await unit.volunteers.set_active(code, args.action == "enable")
        sys.stdout.write(f"{code}: {'đã bật lại' if args.action == 'enable' else 'đã ngừng'}\n")
        return 0
    payload, token_hash = referral.new_link_token()
    await unit.volunteers.add_link_token(code, token_hash, now, now + LINK_VALID)
    username = settings.telegram_bot_username
    lines = [
        f"Liên kết tài khoản chat cho {volunteer.name} ({code}); dùng một lần, hết hạn sau 7 ngày:",
        f"  Web:      {referral.web_link(settings.public_web_url, payload)}",
        f"  Telegram: {referral.telegram_link(username, payload)}" if username else "  Telegram: (chưa cấu hình)",
        f"  Kênh khác: gõ /start {payload}",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


async def _poster(args: argparse.Namespace, settings: Settings, unit: Unit) -> int:
    catalogue_path = Path(args.catalogue) if args.catalogue else settings.catalogue_path
    try:
        catalogue = load_catalogue(catalogue_path)
    except (CatalogueError, FileNotFoundError) as exc:
        return _fail(f"{catalogue_path}: {exc}")
    proc = catalogue.procedures.get(args.procedure) if args.procedure else None
    if args.procedure and proc is None:
        return _fail(f"{args.procedure}: không có thủ tục này trong danh mục (unknown procedure)")
    volunteer = await unit.volunteers.get(referral.normalise_code(args.volunteer))
    if volunteer is None or not volunteer.active:
        return _fail(f"{args.volunteer}: không có tình nguyện viên đang hoạt động với mã này")
    links = await referral_links(unit, settings, volunteer.code, proc.id if proc else None)
    topic = proc.title[:1].lower() + proc.title[1:] if proc else "thủ tục hành chính"
    content = PosterContent(
        topic, volunteer.name, volunteer.unit, volunteer.code, links.web, links.short_code, links.telegram
    )
    try:
        save(content, Path(args.out))
    except PosterError as exc:
        return _fail(str(exc))
    sys.stdout.write("\n".join([f"Đã tạo {args.out}", *links.lines()]) + "\n")
    return 0


async def _main(args: argparse.Namespace, settings: Settings) -> int:
    store = Store(settings.database_url)
    try:
        await store.upgrade()
        async with store.unit() as unit:
            if args.command == "poster":
                return await _poster(args, settings, unit)
            return await _volunteers(args, settings, unit)
    finally:
        await store.close()


def cli(args: argparse.Namespace) -> int:
    """Exit 0 on success, 2 on a wrong code, procedure, file type or missing font."""
    return asyncio.run(_main(args, Settings()))
