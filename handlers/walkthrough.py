"""Guided filing: one step of a procedure per message, with back, pause and help."""

from __future__ import annotations

from typing import Any

from handlers import answers, texts
from handlers.conditions import applies
from handlers.context import Deps
from handlers.state import State
from handlers.types import Button, Incoming, Reply
from knowledge.catalogue import Procedure, Step

FLOW = "walk"


def progress(state: State) -> dict[str, Any]:
    """The stored walkthrough progress: procedure id, step index and branch answers."""
    walk: dict[str, Any] = state.data.setdefault("walk", {})
    return walk


def _steps(proc: Procedure, state: State) -> list[Step]:
    chosen: dict[str, str] = progress(state).get("answers", {})
    return [s for s in proc.steps if applies(s.when, chosen)]


def _index(state: State) -> int:
    return int(progress(state).get("i", 0))


def _step_buttons() -> tuple[Button, ...]:
    return (
        Button(texts.BTN_NEXT, "w:next"),
        Button(texts.BTN_BACK, "w:back"),
        Button(texts.BTN_STUCK, "w:stuck"),
        Button(texts.BTN_REVIEW_DOCS, "w:docs"),
        Button(texts.BTN_PAUSE, "w:pause"),
    )


def render_step(proc: Procedure, state: State) -> Reply:
    """The current step as one message with its actions."""
    steps = _steps(proc, state)
    index = min(_index(state), len(steps) - 1)
    step = steps[index]
    lines = [texts.STEP_HEADER.format(n=index + 1, total=len(steps), title=step.title)]
    if step.text:
        lines.append(step.text.strip())
    if step.link:
        lines.append(texts.STEP_LINK.format(link=step.link))
    return Reply("\n".join(lines), _step_buttons())


def current_procedure(state: State, deps: Deps) -> Procedure | None:
    return deps.knowledge.catalogue.procedures.get(str(progress(state).get("proc", "")))


def resume_offer(state: State, deps: Deps) -> Reply | None:
    """'Continue … at step N?' when a walkthrough was left unfinished."""
    proc = current_procedure(state, deps) if "walk" in state.data else None
    if proc is None:
        return None
    text = texts.WALK_RESUME.format(title=proc.title, n=_index(state) + 1)
    return Reply(text, (Button(texts.BTN_RESUME, "w:show"), Button(texts.BTN_MENU, "menu")))


async def start(proc: Procedure, incoming: Incoming, state: State, deps: Deps) -> tuple[list[Reply], State]:
    """Begin the walkthrough of `proc` at its first step."""
    del incoming
    deps.outcome.answer_id = proc.id
    state = State(flow=FLOW, step="step", data={"walk": {"proc": proc.id, "i": 0, "answers": {}}}, menu=state.menu)
    return [Reply(texts.WALK_INTRO.format(title=proc.title)), render_step(proc, state)], state


def _finish(proc: Procedure, state: State) -> tuple[list[Reply], State]:
    done = texts.WALK_DONE.format(title=proc.title, time=proc.processing_time, result=proc.result or "—")
    state.data.pop("walk", None)
    return [Reply(done, answers.main_menu())], state.reset()


async def on_payload(incoming: Incoming, state: State, deps: Deps) -> tuple[list[Reply], State]:
    """Buttons pressed during a walkthrough."""
    proc = current_procedure(state, deps)
    if proc is None:
        state.data.pop("walk", None)
        return [answers.menu_reply(texts.STALE_BUTTON)], state.reset()
    deps.outcome.answer_id = proc.id
    steps, index = _steps(proc, state), _index(state)
    walk, action = progress(state), (incoming.payload or "").removeprefix("w:")
    state.flow, state.step = FLOW, "step"
    if action == "next":
        if index + 1 >= len(steps):
            return _finish(proc, state)
        walk["i"] = index + 1
    elif action == "back":
        if index == 0:
            return [Reply(texts.WALK_FIRST_STEP), render_step(proc, state)], state
        walk["i"] = index - 1
    elif action == "stuck":
        step = steps[min(index, len(steps) - 1)]
        help_text = step.tip or texts.WALK_STUCK_GENERIC
        buttons = (Button(texts.BTN_RESUME, "w:show"), Button(texts.BTN_STAFF, f"a:{answers.STAFF_ID}"))
        return [Reply(f"{texts.WALK_STUCK.format(title=step.title)}\n{help_text}", buttons)], state
    elif action == "docs":
        docs = answers.documents(proc, walk.get("answers", {}))
        return [Reply(docs.text, (Button(texts.BTN_RESUME, "w:show"),))], state
    elif action == "pause":
        reply = Reply(texts.WALK_PAUSED.format(n=index + 1), (Button(texts.BTN_RESUME, "w:show"),))
        return [reply], state.reset()
    elif action != "show":
        return [Reply(texts.STALE_BUTTON), render_step(proc, state)], state
    return [render_step(proc, state)], state


async def on_text(incoming: Incoming, state: State, deps: Deps) -> tuple[list[Reply], State]:
    """Free text during a walkthrough: offer to switch if it names another procedure."""
    proc = current_procedure(state, deps)
    if proc is None:
        state.data.pop("walk", None)
        return [], state.reset()
    index = _index(state)
    result = deps.knowledge.match(incoming.text)
    best = result.best
    catalogue = deps.knowledge.catalogue
    if result.decision == "match" and best and best.id != proc.id:
        if best.id in catalogue.procedures:
            other = catalogue.procedures[best.id]
            text = texts.WALK_SWITCH.format(current=proc.title, n=index + 1, other=other.title)
            switch = Button(texts.BTN_SWITCH.format(title=other.title), f"a:{other.id}")
            return [Reply(text, (switch, Button(texts.BTN_RESUME, "w:show")))], state
        reply = answers.answer(catalogue, best.id, deps.today)
        return [Reply(reply.text, (Button(texts.BTN_RESUME, "w:show"), *reply.buttons))], state
    text = texts.WALK_FREE_TEXT.format(n=index + 1, title=proc.title)
    return [Reply(text), render_step(proc, state)], state
