"""Volunteers: referral links and typed short codes open the bot on a procedure; /thongke shows their figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from handlers import answers, referral, texts, walkthrough
from handlers import texts_volunteer as tv
from handlers.context import Deps
from handlers.referral import Referral
from handlers.state import State
from handlers.types import Incoming, Reply

FLOW = "volunteer"
PREFIX = "tn"
STATE_KEY = "volunteer"
STATS_COMMAND = "/thongke"
# Later events of a referred citizen carry the volunteer's code for this long.
ATTRIBUTION = dt.timedelta(days=30)
# Opening the same link again within this time is not a new referral.
REPEAT_WINDOW = dt.timedelta(days=1)
STATS_KINDS = ("referral", "started", "finished", "recovered")
Step = tuple[list[Reply], State]


def attributed(state: State, now: dt.datetime) -> str | None:
    """The volunteer code this citizen came through, while it still counts."""
    remembered = state.data.get(STATE_KEY)
    if not isinstance(remembered, dict):
        return None
    try:
        since = dt.datetime.fromisoformat(str(remembered.get("at")))
    except ValueError:
        return None
    code = remembered.get("code")
    return str(code) if code and now - since <= ATTRIBUTION else None


def opens(argument: str) -> bool:
    """True when a /start argument is a referral or an account-link payload."""
    return referral.decode(argument) is not None or referral.link_token(argument) is not None


async def on_start(argument: str, incoming: Incoming, state: State, deps: Deps) -> Step:
    """`/start <payload>` from a referral link or a one-time account link."""
    token = referral.link_token(argument)
    if token is not None:
        return await _link_account(token, incoming, state, deps)
    found = referral.decode(argument)
    if found is None:
        return [answers.menu_reply(texts.STALE_BUTTON)], state.reset()
    return await _open(found, incoming, state, deps)


def _repeat(remembered: Any, found: Referral, now: dt.datetime) -> bool:
    if not isinstance(remembered, dict) or remembered.get("code") != found.volunteer:
        return False
    if remembered.get("proc") != found.procedure:
        return False
    try:
        return now - dt.datetime.fromisoformat(str(remembered.get("at"))) < REPEAT_WINDOW
    except ValueError:
        return False


async def _open(found: Referral, incoming: Incoming, state: State, deps: Deps) -> Step:
    """Record the referral (ids only) and show the procedure card, or the menu without one."""
    proc = deps.knowledge.catalogue.procedures.get(found.procedure or "")
    state = state.reset()
    volunteer = await deps.unit.volunteers.get(found.volunteer)
    if volunteer is not None and volunteer.active:
        if not _repeat(state.data.get(STATE_KEY), found, deps.now):
            procedure_id = proc.id if proc else None
            await deps.unit.events.record(incoming.channel, "referral", deps.now, procedure_id, ref=volunteer.code)
        state.data[STATE_KEY] = {"code": volunteer.code, "proc": found.procedure, "at": deps.now.isoformat()}
    replies = [Reply(texts.GREETING, answers.main_menu())]
    if proc is not None:
        deps.outcome.answer_id = proc.id
        replies.append(answers.card(proc, deps.today))
    elif offer := walkthrough.resume_offer(state, deps):
        replies.append(offer)
    return replies, state


async def _link_account(token: str, incoming: Incoming, state: State, deps: Deps) -> Step:
    """Link this chat account to the volunteer the one-time token was made for."""
    code = await deps.unit.volunteers.use_link_token(referral.token_hash(token), deps.now)
    volunteer = await deps.unit.volunteers.get(code) if code else None
    if volunteer is None or not volunteer.active:
        return [answers.menu_reply(tv.LINK_INVALID)], state.reset()
    await deps.unit.volunteers.link_account(incoming.channel, incoming.user_id, volunteer.code, deps.now)
    text = tv.LINKED.format(name=volunteer.name, unit=volunteer.unit, code=volunteer.code)
    return [Reply(text, answers.main_menu())], state.reset()


async def my_figures(incoming: Incoming, state: State, deps: Deps) -> Step:
    """/thongke: the linked volunteer's referrals, walkthroughs and recoveries over 7 and 30 days."""
    code = await deps.unit.volunteers.account(incoming.channel, incoming.user_id)
    volunteer = await deps.unit.volunteers.get(code) if code else None
    if volunteer is None or not volunteer.active:
        return [Reply(tv.NOT_A_VOLUNTEER, answers.main_menu())], state
    week = await deps.unit.reports.ref_counts(volunteer.code, deps.now - dt.timedelta(days=7))
    month = await deps.unit.reports.ref_counts(volunteer.code, deps.now - dt.timedelta(days=30))
    lines = [tv.STATS_HEADER.format(name=volunteer.name, unit=volunteer.unit, code=volunteer.code)]
    for kind in STATS_KINDS:
        label = tv.STATS_LABELS[kind]
        lines.append(tv.STATS_LINE.format(label=label, week=week.get(kind, 0), month=month.get(kind, 0)))
    lines.append(tv.STATS_FOOTER)
    return [Reply("\n".join(lines), answers.main_menu())], state


def claims(text: str) -> bool:
    """A message that is just a short code from a poster ("TN 7K3Q") opens that referral."""
    return referral.parse_short_code(text) is not None


async def on_text(incoming: Incoming, state: State, deps: Deps) -> Step:
    """A typed short code: the same as opening the referral link it stands for."""
    code = referral.parse_short_code(incoming.text) or ""
    target = await deps.unit.volunteers.resolve(code)
    if target is None:
        shown = referral.show_short_code(code)
        return [answers.menu_reply(tv.SHORT_CODE_UNKNOWN.format(code=shown))], state.reset()
    volunteer, procedure = target
    return await _open(Referral(volunteer, procedure or None), incoming, state, deps)


async def on_payload(incoming: Incoming, state: State, deps: Deps) -> Step:
    """This flow has no buttons of its own; a stray "tn:" payload gets the menu."""
    del incoming, deps
    return [answers.menu_reply(texts.STALE_BUTTON)], state.reset()
