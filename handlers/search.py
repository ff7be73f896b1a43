"""Free-text questions: match them to an answer, clarify, or say kindly that we cannot help."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers import answers, handoff, texts
from handlers.context import Deps
from handlers.state import State
from handlers.types import Button, Incoming, Reply
from knowledge.matching import Decision
from knowledge.normalise import normalise, report_text

MAX_QUERY_CHARS = 500
LONG_MESSAGE_CHARS = 2000
CLARIFY = "clarify"
_ENGLISH_HINTS = frozenset(
    {"how", "what", "where", "when", "can", "do", "i", "my", "to", "the", "a", "an", "get", "apply"}
    | {"register", "renew", "need", "for", "of", "is", "please", "lost", "want", "card", "certificate"}
)


def looks_english(text: str) -> bool:
    """A question with no Vietnamese letters and at least two common English words."""
    norm = normalise(text)
    if norm.accented != norm.plain:
        return False
    return sum(word in _ENGLISH_HINTS for word in norm.plain.split()) >= 2


async def ask(state: State, deps: Deps) -> tuple[list[Reply], State]:
    """Prompt for a question (the «Tìm thủ tục» button)."""
    del deps
    return [Reply(texts.ASK_QUESTION)], State(flow="search", data=state.reset().data, menu=state.menu)


ShowAnswer = Callable[[str, Incoming, State, Deps], Awaitable[tuple[list[Reply], State]]]


async def on_text(incoming: Incoming, state: State, deps: Deps, show: ShowAnswer) -> tuple[list[Reply], State]:
    """Answer a free-text question; `show` presents the chosen answer (or starts its flow)."""
    text = incoming.text
    prefix: list[Reply] = [Reply(texts.TOO_LONG)] if len(text) > LONG_MESSAGE_CHARS else []
    query = text[:MAX_QUERY_CHARS]
    if normalise(query).empty:
        return [*prefix, answers.menu_reply(texts.NOT_UNDERSTOOD)], state.reset()
    if deps.knowledge.only_thanks(query):
        return [*prefix, answers.menu_reply(texts.THANKS)], state.reset()
    result = deps.knowledge.match(query)
    deps.outcome.decision = result.decision.value
    catalogue = deps.knowledge.catalogue
    state = state.reset()
    if result.decision is Decision.MATCH and result.best:
        if result.best.id in catalogue.procedures and looks_english(query):
            deps.outcome.answer_id = result.best.id
            return [*prefix, answers.card(catalogue.procedures[result.best.id], deps.today, english=True)], state
        replies, state = await show(result.best.id, incoming, state, deps)
        return [*prefix, *replies], state
    if result.decision is Decision.AMBIGUOUS:
        choices = [c.id for c in result.candidates[: answers.CLARIFY_CHOICES]]
        buttons = answers.choice_buttons(choices, catalogue)
        none_of_these = Button(texts.CLARIFY_NONE_OF_THESE, "m:none")
        state.flow = CLARIFY
        state.data["clarify"] = {"ids": choices, "q": report_text(query)}
        return [*prefix, Reply(texts.CLARIFY, (*buttons, none_of_these))], state
    await deps.unit.unanswered.record(report_text(query), deps.now)
    return [*prefix, handoff.offer(text, state, deps)], state


async def settle_clarification(incoming: Incoming, state: State, deps: Deps) -> None:
    """After a clarifying question: anything but one of the offered answers counts as unanswered."""
    pending = state.data.pop("clarify", None)
    if state.flow != CLARIFY or not isinstance(pending, dict):
        return
    state.flow = None
    chosen = (incoming.payload or "").removeprefix("a:")
    if chosen not in pending.get("ids", []):
        await deps.unit.unanswered.record(str(pending.get("q", "")), deps.now)
