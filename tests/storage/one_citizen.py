"""One citizen's conversation state, written and read in units of their own."""

from __future__ import annotations

from storage import Store


async def save(store: Store, text: str) -> None:
    async with store.unit() as unit:
        await unit.save_state("web", "citizen", {"said": text})


async def load(store: Store) -> dict[str, object]:
    async with store.unit() as unit:
        return await unit.load_state("web", "citizen")
