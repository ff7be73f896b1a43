"""The conversation core: load state, route the message, save state, return replies."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace

from handlers import answers, flows, handoff, privacy, search, staff, texts, volunteer, walkthrough
from handlers.context import Deps, Outcome, Reloader, Services
from handlers.state import State
from handlers.types import Incoming, Reply, reply_to_dict
from knowledge.library import Knowledge
from knowledge.normalise import nfc
from storage import Store, StoreUnavailable, Unit

log = logging.getLogger(__name__)
_MENU_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")

Step = flows.Step


def _kind(incoming: Incoming, text: str) -> str:
    if incoming.payload:
        return "button"
    if incoming.contact:
        return "contact"
    if text.startswith("/"):
        return "command"
    return "text" if text else "empty"


async def _command(text: str, incoming: Incoming, state: State, deps: Deps) -> Step:
    """Commands valid in every state: /start, /menu, /huy, /trogiup, /xoa_du_lieu."""
    name, _, argument = text.partition(" ")
    name = name.split("@", 1)[0].lower()
    if name == "/start" and volunteer.opens(argument.strip()):
        return await volunteer.on_start(argument.strip(), incoming, state, deps)
    if name == "/start":
        replies = [Reply(texts.GREETING, answers.main_menu())]
        proc = deps.knowledge.catalogue.procedures.get(argument.strip())
        if proc:
            replies.append(answers.card(proc, deps.today))
        elif offer := walkthrough.resume_offer(state, deps):
            replies.append(offer)
        return replies, state.reset()
    if (held := await handoff.on_command(name, state, deps)) is not None:
        return held
    if name == "/menu":
        return [answers.menu_reply()], state.reset()
    if name == "/huy":
        busy = state.flow is not None or "walk" in state.data
        await walkthrough.cancel(state, deps)
        message = texts.CANCELLED if busy else texts.NOTHING_TO_CANCEL
        return [answers.menu_reply(message)], State(menu=state.menu)
    if name == "/trogiup":
        return [Reply(texts.HELP, answers.main_menu())], state
    if name == privacy.COMMAND:
        return await privacy.ask(incoming, state, deps)
    if name == volunteer.STATS_COMMAND:
        return await volunteer.my_figures(incoming, state, deps)
    if name in staff.COMMANDS and deps.staff:
        return await staff.COMMANDS[name](argument, state, deps)
    return [Reply(texts.UNKNOWN_COMMAND, answers.main_menu())], state


async def show_answer(answer_id: str, incoming: Incoming, state: State, deps: Deps) -> Step:
    """Show any answer id: built-in conversations start their flow, others get their card."""
    deps.outcome.answer_id = answer_id
    flow = flows.BY_ANSWER.get(answer_id)
    if flow is not None and flow.start is not None:
        return await flow.start(incoming, state.reset(), deps)
    return [answers.answer(deps.knowledge.catalogue, answer_id, deps.today)], state.reset()


async def _button(payload: str, incoming: Incoming, state: State, deps: Deps) -> Step:
    """Route a button payload; unknown or stale payloads get the menu again."""
    catalogue = deps.knowledge.catalogue
    verb, _, arg = payload.partition(":")
    if payload == "menu":
        return [answers.menu_reply()], state.reset()
    if payload == "m:search":
        return await search.ask(state, deps)
    if payload == "m:none":
        return [Reply(texts.OUT_OF_SCOPE, answers.main_menu())], state.reset()
    if verb == "a" and arg in set(catalogue.ids()):
        return await show_answer(arg, incoming, state, deps)
    if verb == "d" and arg in catalogue.procedures:
        deps.outcome.answer_id = arg
        return [answers.documents(catalogue.procedures[arg])], state.reset()
    if verb == "g" and arg in catalogue.procedures:
        return await walkthrough.start(catalogue.procedures[arg], incoming, state, deps)
    flow = flows.BY_PREFIX.get(verb)
    if flow is not None:
        return await flow.on_payload(incoming, state, deps)
    return [answers.menu_reply(texts.STALE_BUTTON)], state.reset()


def _menu_choice(text: str, state: State) -> str | None:
    """A bare number typed on a channel without buttons presses that button."""
    found = _MENU_NUMBER.match(text)
    if found and state.menu:
        number = int(found.group(1))
        if 1 <= number <= len(state.menu):
            return state.menu[number - 1]
    return None


async def route(incoming: Incoming, state: State, deps: Deps) -> Step:
    """Commands first, then buttons, then the active flow, then matching."""
    text = nfc(incoming.text or "").strip()
    payload = incoming.payload or _menu_choice(text, state)
    await search.settle_clarification(replace(incoming, payload=payload), state, deps)
    if text.startswith("/") and not incoming.payload:
        return await _command(text, incoming, state, deps)
    if payload:
        return await _button(payload, replace(incoming, payload=payload, text=""), state, deps)
    if await handoff.takes(state, deps):  # a person handles this conversation: the bot stays quiet
        return await handoff.on_message(replace(incoming, text=text), state, deps)
    active = flows.BY_NAME.get(state.flow or "")
    if incoming.contact is not None:
        if active is not None and active.on_contact is not None:
            return await active.on_contact(incoming, state, deps)
        return [answers.menu_reply(texts.CONTACT_UNEXPECTED)], state
    if not text:
        return [answers.menu_reply(texts.EMPTY)], state
    claimed = next((flow for flow in flows.FLOWS if flow.claims is not None and flow.claims(text)), None)
    if claimed is not None:
        return await claimed.on_text(replace(incoming, text=text), state, deps)
    if walkthrough.returning_after_a_while(state, deps):
        offer = walkthrough.resume_offer(state, deps)
        result = deps.knowledge.match(text)
        own = walkthrough.current_procedure(state, deps)
        same = result.best is not None and own is not None and result.best.id == own.id
        if offer is not None and (result.decision != "match" or same):
            return [offer], state.reset()
        state, active = state.reset(), None
    if active is not None:
        return await active.on_text(replace(incoming, text=text), state, deps)
    return await search.on_text(replace(incoming, text=text), state, deps, show_answer)


@dataclass(frozen=True, slots=True)
class Accepted:
    """A platform update handled exactly once: its replies, stored in the outbox under `outbox_id`
    (leased to this process) until the channel has sent them and calls `Engine.delivered`."""

    replies: list[Reply]
    outbox_id: int | None = None


@dataclass(frozen=True, slots=True)
class Handled:
    """What one message cost and produced, for metrics (no text, no user id)."""

    channel: str
    kind: str
    answer_id: str | None
    decision: str | None
    seconds: float
    failed: bool


class Engine:
    """`handle(incoming) -> list[Reply]`, with state kept in storage between messages."""

    def __init__(
        self,
        store: Store,
        knowledge: Callable[[], Knowledge],
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        staff: frozenset[tuple[str, str]] = frozenset(),
        reload: Reloader | None = None,
        services: Services | None = None,
        observer: Callable[[Handled], None] | None = None,
        reply_lease: dt.timedelta = dt.timedelta(seconds=60),
    ) -> None:
        self.store = store
        self.knowledge = knowledge
        self.clock = clock
        self.staff = staff
        self.reload = reload
        self.services = services or Services()
        self.observer = observer
        self.reply_lease = reply_lease
        # One message at a time per conversation in this process (a double tap must not lose an
        # update); weak values drop locks nobody holds. Across processes: the store's lock.
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = weakref.WeakValueDictionary()

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Handle one message in one unit of work; never leaks a stack trace to the citizen.

        Raises `StoreUnavailable` when the database is down, so a webhook can answer 503 and
        the platform deliver the update again; every other failure becomes an apology.
        """
        accepted = await self._observed(incoming, None)
        assert accepted is not None  # only a claimed update can be a replay
        return accepted.replies

    async def accept(self, incoming: Incoming, update_id: str) -> Accepted | None:
        """Handle a platform update exactly once; None when it was seen before (a redelivery, a replay).

        The inbox claim, the conversation's new state and the replies (in the outbox, leased to
        this process for `reply_lease`) commit in one transaction, so a webhook can answer 200 as
        soon as this returns. A process that dies before the commit leaves nothing (the platform
        delivers the update again); one that dies after it leaves the replies in the outbox, where
        any process's delivery loop finds them once the lease has run out.
        """
        return await self._observed(incoming, update_id)

    async def delivered(self, accepted: Accepted, unsent: list[Reply] | None = None) -> None:
        """The channel is done with accepted replies: all sent, or `unsent` left for the delivery loop."""
        if accepted.outbox_id is None:
            return
        async with self.store.unit() as unit:
            if unsent:
                await unit.outbox.release(accepted.outbox_id, [reply_to_dict(reply) for reply in unsent])
            else:
                await unit.outbox.mark_sent(accepted.outbox_id)

    async def _observed(self, incoming: Incoming, update_id: str | None) -> Accepted | None:
        started, outcome, failed = time.perf_counter(), Outcome(), False
        accepted: Accepted | None = None
        try:
            accepted = await self._handle(incoming, outcome, update_id)
        except StoreUnavailable:
            failed = True
            log.warning("database unavailable", extra={"channel": incoming.channel})
            raise
        except Exception:
            failed = True
            log.exception("message handling failed", extra={"channel": incoming.channel})
            accepted = await self._apology(incoming, update_id)
        finally:
            if self.observer is not None and (accepted is not None or failed):
                kind = _kind(incoming, (incoming.text or "").strip())
                elapsed = time.perf_counter() - started
                self.observer(Handled(incoming.channel, kind, outcome.answer_id, outcome.decision, elapsed, failed))
        return accepted

    async def _apology(self, incoming: Incoming, update_id: str | None) -> Accepted | None:
        """The update could not be handled: claim it anyway (a redelivery would fail again) and apologise."""
        replies = [Reply(texts.ERROR)]
        if update_id is None:
            return Accepted(replies)
        now = self.clock()
        async with self.store.unit() as unit:
            if not await unit.inbox.claim(incoming.channel, update_id, now):
                return None
            return Accepted(replies, await self._store_replies(unit, incoming, replies, now))

    async def _store_replies(self, unit: Unit, incoming: Incoming, replies: list[Reply], now: dt.datetime) -> int:
        encoded = [reply_to_dict(reply) for reply in replies]
        until = now + self.reply_lease
        return await unit.outbox.enqueue(incoming.channel, incoming.user_id, incoming.chat_id, encoded, now, until)

    async def _handle(self, incoming: Incoming, outcome: Outcome, update_id: str | None) -> Accepted | None:
        key = (incoming.channel, incoming.user_id)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock, self.store.unit() as unit:
            now = self.clock()
            if update_id is None:
                await unit.lock_conversation(*key)
            elif not await unit.claim_update(*key, update_id, now):
                return None
            state = State.from_dict(await unit.load_state(incoming.channel, incoming.user_id))
            deps = Deps(
                knowledge=self.knowledge(),
                unit=unit,
                now=now,
                outcome=outcome,
                staff=(incoming.channel, incoming.user_id) in self.staff,
                reload=self.reload,
                services=self.services,
                referrer=volunteer.attributed(state, now),
            )
            replies, state = await route(incoming, state, deps)
            if outcome.answer_id:  # context for a later hand-off to staff
                state.data["answer"] = outcome.answer_id
            state.data["seen"] = deps.now.isoformat()
            state.menu = next((list(b.payload for b in r.buttons) for r in reversed(replies) if r.buttons), [])
            await unit.save_state(incoming.channel, incoming.user_id, state.to_dict())
            kind = _kind(incoming, (incoming.text or "").strip())
            await unit.log_message(incoming.channel, "in", kind, at=deps.now)
            await unit.log_message(incoming.channel, "out", "reply", outcome.answer_id, outcome.decision, deps.now)
            outbox_id = None if update_id is None else await self._store_replies(unit, incoming, replies, now)
        return Accepted(replies, outbox_id)
