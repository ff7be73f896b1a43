"""Engine.accept: a platform update is handled once, its replies stored with it until delivered."""

from __future__ import annotations

import pytest

from handlers import engine as engine_module
from handlers import texts
from handlers.engine import Engine
from handlers.types import Incoming, Reply
from storage import Store

UPDATE = Incoming("telegram", "4242", "4242", text="đăng ký khai sinh")


async def pending(store: Store) -> list[str]:
    async with store.unit() as unit:
        return [reply["text"] for item in await unit.outbox.pending("telegram") for reply in item.replies]


async def test_an_update_is_handled_once_and_its_replies_wait_until_delivered(engine: Engine, store: Store) -> None:
    accepted = await engine.accept(UPDATE, "1001")
    assert accepted is not None and accepted.replies[0].text.startswith("📄 Đăng ký khai sinh")
    assert await pending(store) == [reply.text for reply in accepted.replies]  # stored with the update
    assert await engine.accept(UPDATE, "1001") is None  # the redelivery changes nothing
    await engine.delivered(accepted, [Reply("phần chưa gửi được")])  # the rest is left for the delivery loop
    assert await pending(store) == ["phần chưa gửi được"]
    await engine.delivered(accepted)
    assert await pending(store) == []


async def test_a_failing_update_is_claimed_and_answered_with_an_apology_once(
    engine: Engine, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(engine_module, "route", broken)
    accepted = await engine.accept(UPDATE, "2002")
    assert accepted is not None and [reply.text for reply in accepted.replies] == [texts.ERROR]
    assert await engine.accept(UPDATE, "2002") is None  # not failed again on every redelivery
    assert await pending(store) == [texts.ERROR]
    async with store.unit() as unit:
        assert await unit.load_state("telegram", "4242") == {}  # the failed handling left nothing
