"""Guided filing: branch questions, a document checklist, then one step per message.

Progress lives in `state.data["walk"]` (procedure, phase, answers, ticks, step) and in a
walk session row (for reminders, funnels and abandonment); a restart loses nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from handlers import answers, texts
from handlers import texts_walk as t
from handlers import walkthrough_view as view
from handlers.context import Deps
from handlers.state import State
from handlers.types import Button, Incoming, Reply
from knowledge.catalogue import Procedure

FLOW = "walk"
RESUME_AFTER = dt.timedelta(hours=1)
Step = tuple[list[Reply], State]


def progress(state: State) -> dict[str, Any]:
    """The stored walkthrough progress (created empty if missing)."""
    walk: dict[str, Any] = state.data.setdefault("walk", {})
    return walk


def current_procedure(state: State, deps: Deps) -> Procedure | None:
    return deps.knowledge.catalogue.procedures.get(str(state.data.get("walk", {}).get("proc", "")))


async def _event(deps: Deps, incoming: Incoming, kind: str, proc: Procedure, step: str | None = None) -> None:
    await deps.unit.events.record(incoming.channel, kind, deps.now, proc.id, step, ref=deps.referrer)


async def _touch(deps: Deps, walk: dict[str, Any], remind: bool | None = None, step_id: str | None = None) -> None:
    if "session" in walk:
        await deps.unit.walks.touch(int(walk["session"]), int(walk.get("i", 0)), deps.now, remind, step_id)


async def _show_step(proc: Procedure, walk: dict[str, Any], incoming: Incoming, deps: Deps) -> Reply:
    """Show the current step and count that it was reached."""
    walk["phase"] = "step"
    visible = view.steps(proc, walk)
    walk["i"] = min(int(walk.get("i", 0)), len(visible) - 1)
    step_id = visible[walk["i"]].id
    await _event(deps, incoming, "step", proc, step_id)
    await _touch(deps, walk, step_id=step_id)
    return view.step(proc, walk)


async def start(proc: Procedure, incoming: Incoming, state: State, deps: Deps) -> Step:
    """Begin the walkthrough of `proc`: questions first (if it branches), then documents."""
    await cancel(state, deps)
    deps.outcome.answer_id = proc.id
    session = await deps.unit.walks.start(incoming.channel, incoming.user_id, incoming.chat_id, proc.id, deps.now)
    walk: dict[str, Any] = {"proc": proc.id, "session": session, "answers": {}, "have": [], "i": 0, "q": 0, "d": 0}
    walk["phase"] = "q" if proc.questions else "docs"
    state = State(flow=FLOW, data={**state.reset().data, "walk": walk}, menu=state.menu)
    await _event(deps, incoming, "started", proc)
    intro = t.INTRO if proc.questions else t.INTRO_NO_QUESTIONS
    return [Reply(intro.format(title=proc.title)), view.current(proc, walk)], state


async def cancel(state: State, deps: Deps) -> None:
    """/huy or a new walkthrough: close the open session as abandoned."""
    walk = state.data.get("walk")
    if walk and "session" in walk:
        await deps.unit.walks.cancel(int(walk["session"]), deps.now)


async def _answer(proc: Procedure, walk: dict[str, Any], choice: str, incoming: Incoming, deps: Deps) -> Reply:
    index = int(walk.get("q", 0))
    asked = proc.questions[min(index, len(proc.questions) - 1)]
    if not choice.isdigit() or int(choice) >= len(asked.choices):
        return view.question(proc, walk)
    walk["answers"][asked.id] = asked.choices[int(choice)].id
    if index + 1 < len(proc.questions):
        walk["q"] = index + 1
        return view.question(proc, walk)
    walk["phase"], walk["d"] = "docs", 0
    return view.checklist(proc, walk)


def _back(proc: Procedure, walk: dict[str, Any]) -> list[Reply]:
    phase = walk.get("phase")
    if phase == "q":
        if int(walk.get("q", 0)) == 0:
            return [Reply(t.FIRST_QUESTION), view.question(proc, walk)]
        walk["q"] = int(walk["q"]) - 1
    elif phase == "docs" and proc.questions:
        walk["phase"], walk["q"] = "q", len(proc.questions) - 1
    elif phase == "tick":
        if int(walk.get("d", 0)) == 0:
            walk["phase"] = "docs"
        else:
            walk["d"] = int(walk["d"]) - 1
    elif phase == "missing":
        walk["phase"] = "docs"
    elif phase == "step":
        if int(walk.get("i", 0)) == 0:
            return [Reply(t.FIRST_STEP), view.step(proc, walk)]
        walk["i"] = int(walk["i"]) - 1
    return [view.current(proc, walk)]


def _tick(proc: Procedure, walk: dict[str, Any], have: bool) -> Reply:
    indices = view.documents(proc, walk)
    position = int(walk.get("d", 0))
    if position < len(indices):
        ticked = set(walk.get("have", []))
        (ticked.add if have else ticked.discard)(indices[position])
        walk["have"] = sorted(ticked)
    if position + 1 < len(indices):
        walk["d"] = position + 1
        return view.tick(proc, walk)
    walk["phase"] = "missing"
    return view.missing_summary(proc, walk)


def _stuck(proc: Procedure, walk: dict[str, Any], deps: Deps) -> Reply:
    """The step's tip, the FAQ that best fits the step, and a person."""
    current = view.steps(proc, walk)[int(walk.get("i", 0))]
    lines = [t.STUCK.format(title=current.title), current.tip or t.STUCK_GENERIC]
    buttons: list[Button] = [Button(t.BTN_RESUME, "w:show")]
    faq = deps.knowledge.best_faq(f"{current.title} {current.tip or current.text}")
    if faq is not None:
        question = deps.knowledge.catalogue.faqs[faq].question
        lines.append(t.STUCK_FAQ.format(question=question))
        buttons.append(Button(t.BTN_READ_FAQ.format(question=question)[:60], f"w:f:{faq}"))
    lines.append(t.STUCK_PERSON)
    buttons.append(Button(texts.BTN_STAFF, f"a:{answers.STAFF_ID}"))
    return Reply("\n".join(lines), tuple(buttons))


def _finish(proc: Procedure) -> Reply:
    done = t.DONE.format(title=proc.title, time=proc.processing_time, result=proc.result or "—")
    return Reply(done, answers.main_menu())


async def on_payload(incoming: Incoming, state: State, deps: Deps) -> Step:
    """Buttons pressed during a walkthrough (payloads "w:…")."""
    proc = current_procedure(state, deps)
    if proc is None:
        state.data.pop("walk", None)
        return [answers.menu_reply(texts.STALE_BUTTON)], state.reset()
    deps.outcome.answer_id = proc.id
    walk = progress(state)
    action, _, argument = (incoming.payload or "").removeprefix("w:").partition(":")
    state.flow = FLOW
    if action == "a" and walk.get("phase") == "q":
        return [await _answer(proc, walk, argument, incoming, deps)], state
    if action == "back":
        return _back(proc, walk), state
    if action == "haveall":
        walk["have"], walk["phase"] = view.documents(proc, walk), "missing"
        return [view.missing_summary(proc, walk)], state
    if action == "tick":
        walk["phase"], walk["d"] = "tick", 0
        return [view.current(proc, walk)], state
    if action in {"have", "missing"} and walk.get("phase") == "tick":
        return [_tick(proc, walk, have=action == "have")], state
    if action == "steps":
        return [await _show_step(proc, walk, incoming, deps)], state
    if action == "next" and walk.get("phase") == "step":
        if int(walk.get("i", 0)) + 1 >= len(view.steps(proc, walk)):
            return await _finished(proc, walk, incoming, state, deps)
        walk["i"] = int(walk.get("i", 0)) + 1
        return [await _show_step(proc, walk, incoming, deps)], state
    if action == "stuck" and walk.get("phase") == "step":
        await _event(deps, incoming, "stuck", proc, view.steps(proc, walk)[int(walk.get("i", 0))].id)
        return [_stuck(proc, walk, deps)], state
    if action == "f" and argument in deps.knowledge.catalogue.faqs:
        faq = deps.knowledge.catalogue.faqs[argument]
        return [Reply(f"❓ {faq.question}\n{faq.answer.strip()}", (Button(t.BTN_RESUME, "w:show"),))], state
    if action == "docs":
        return [view.review(proc, walk)], state
    if action == "pause":
        await _touch(deps, walk)
        buttons = (Button(t.BTN_REMIND, "w:remind"), Button(t.BTN_RESUME, "w:show"), Button(t.BTN_MENU, "menu"))
        return [Reply(t.PAUSED.format(title=proc.title), buttons)], state.reset()
    if action == "remind":
        await _touch(deps, walk, remind=True)
        return [Reply(t.REMIND_SET, (Button(t.BTN_RESUME, "w:show"),))], state.reset()
    if action != "show":
        return [Reply(texts.STALE_BUTTON), view.current(proc, walk)], state
    return [view.current(proc, walk)], state


async def _finished(proc: Procedure, walk: dict[str, Any], incoming: Incoming, state: State, deps: Deps) -> Step:
    await _event(deps, incoming, "finished", proc)
    if "session" in walk:
        await deps.unit.walks.finish(int(walk["session"]), deps.now)
    state.data.pop("walk", None)
    return [_finish(proc)], state.reset()


async def on_text(incoming: Incoming, state: State, deps: Deps) -> Step:
    """Free text during a walkthrough: offer to switch if it names another answer, else remind.

    When the question fits a few answers about as well and the current procedure is not the
    best of them, the citizen chooses among them, or goes on with the walkthrough.
    """
    proc = current_procedure(state, deps)
    if proc is None:
        state.data.pop("walk", None)
        return [answers.menu_reply(texts.NOT_UNDERSTOOD)], state.reset()
    walk = progress(state)
    result = deps.knowledge.match(incoming.text)
    best, catalogue = result.best, deps.knowledge.catalogue
    if result.decision == "match" and best and best.id != proc.id:
        title = catalogue.title(best.id)
        text = t.SWITCH.format(current=proc.title, other=title)
        switch = Button(t.BTN_SWITCH.format(title=title)[:60], f"a:{best.id}")
        return [Reply(text, (switch, Button(t.BTN_RESUME, "w:show")))], state
    if result.decision == "ambiguous" and best and best.id != proc.id:
        others = [c.id for c in result.candidates if c.id != proc.id][: answers.CLARIFY_CHOICES]
        buttons = (*answers.choice_buttons(others, catalogue), Button(t.BTN_RESUME, "w:show"))
        return [Reply(t.SWITCH_CHOICES.format(current=proc.title), buttons)], state
    hint = t.CHOOSE_ANSWER if walk.get("phase") == "q" else t.FREE_TEXT.format(title=proc.title)
    return [Reply(hint), view.current(proc, walk)], state


def resume_offer(state: State, deps: Deps) -> Reply | None:
    """'Continue … at step N?' when a walkthrough was left unfinished."""
    proc = current_procedure(state, deps) if "walk" in state.data else None
    if proc is None:
        return None
    text = t.RESUME.format(title=proc.title, where=view.where(progress(state)))
    return Reply(text, (Button(t.BTN_RESUME, "w:show"), Button(t.BTN_MENU, "menu")))


def returning_after_a_while(state: State, deps: Deps) -> bool:
    """True when the citizen comes back to an unfinished walkthrough after `RESUME_AFTER`."""
    seen = state.data.get("seen")
    if "walk" not in state.data or not seen:
        return False
    return deps.now - dt.datetime.fromisoformat(str(seen)) >= RESUME_AFTER


def reminder(proc: Procedure, step: int) -> Reply:
    """The one reminder sent after 24 idle hours to a citizen who asked for it."""
    where = t.WHERE_STEP.format(n=step + 1)
    return Reply(t.REMINDER.format(title=proc.title, where=where), (Button(t.BTN_RESUME, "w:show"),))
