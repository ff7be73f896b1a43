"""The message log keeps counts and answer ids for reports, never what citizens typed."""

from __future__ import annotations

import sqlite3

from tests.conftest import TestBot


async def test_log_records_answers_without_text(bot: TestBot, db_url: str) -> None:
    await bot.send("dang ky khai sinh cho con toi, so dien thoai 0912345678")
    rows = (
        sqlite3.connect(db_url.split("///", 1)[1])
        .execute("select direction, kind, answer_id, decision from message_log order by id")
        .fetchall()
    )
    assert rows == [("in", "text", None, None), ("out", "reply", "khai-sinh", "match")]
    dump = "\n".join(sqlite3.connect(db_url.split("///", 1)[1]).iterdump())
    assert "0912345678" not in dump
