"""Every shipped procedure can be walked end to end in the console chat, typing button numbers."""

from __future__ import annotations

import io
from pathlib import Path

from bot.app import build_app
from bot.channels.console import run_console
from bot.config import Settings
from handlers import walkthrough_view
from knowledge.catalogue import load_catalogue
from tests.conftest import CATALOGUE


def script_for(proc_id: str) -> tuple[list[str], int]:
    """The lines a citizen types (first answer to every question) and the number of steps expected."""
    proc = load_catalogue(CATALOGUE).procedures[proc_id]
    answers = {q.id: q.choices[0].id for q in proc.questions}
    steps = len(walkthrough_view.steps(proc, {"answers": answers}))
    lines = [f"/start {proc_id}", "1", *["1"] * len(proc.questions), "1", "1", *["1"] * steps]
    return lines, steps


async def test_every_procedure_walks_to_the_end(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}", catalogue_path=CATALOGUE)
    app = await build_app(settings)
    try:
        catalogue = app.knowledge.current.catalogue
        for proc in catalogue.procedures.values():
            lines, steps = script_for(proc.id)
            out = io.StringIO()
            await run_console(app, io.StringIO("\n".join(lines) + "\n"), out, user_id=f"walker-{proc.id}")
            transcript = out.getvalue()
            assert f"📄 {proc.title}" in transcript, proc.id
            for n in range(1, steps + 1):
                assert f"Bước {n}/{steps} — " in transcript, (proc.id, n)
            assert f"🎉 Bạn đã đi hết các bước nộp «{proc.title}»" in transcript, proc.id
            assert "Nút này đã cũ" not in transcript and "trục trặc" not in transcript, proc.id
    finally:
        await app.close()
