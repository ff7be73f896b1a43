"""Staff commands: /reload for configured staff only; an invalid file keeps the old catalogue."""

from __future__ import annotations

from pathlib import Path

from handlers.engine import Engine
from knowledge.catalogue import load_catalogue
from knowledge.library import KnowledgeHolder, load_knowledge
from storage import Store
from tests.conftest import CATALOGUE, TestBot


def make_bot(store: Store, catalogue: Path, user_id: str) -> tuple[TestBot, KnowledgeHolder]:
    holder = KnowledgeHolder(load_knowledge(catalogue), catalogue)
    engine = Engine(store, holder, staff=frozenset({("test", "staff-1")}), reload=holder.reload)
    return TestBot(engine, user_id=user_id), holder


async def test_staff_reload_reports_errors_and_keeps_serving(store: Store, tmp_path: Path) -> None:
    catalogue = tmp_path / "procedures.yaml"
    original = CATALOGUE.read_text(encoding="utf-8")
    catalogue.write_text(original, encoding="utf-8")
    staff, holder = make_bot(store, catalogue, "staff-1")

    catalogue.write_text(original.replace("    reviewed: 2026-11-22\n", "    reviewed: 2026-02-30\n", 1), "utf-8")
    await staff.send("/reload")
    assert "CHƯA nạp lại" in staff.text
    assert "ngày không hợp lệ" in staff.text and "procedures.yaml:" in staff.text
    await staff.send("dang ky khai sinh")
    assert staff.text.startswith("📄 Đăng ký khai sinh")

    catalogue.write_text(original.replace("    title: Đăng ký khai sinh\n", "    title: Khai sinh (mới)\n", 1), "utf-8")
    await staff.send("/reload")
    assert f"Đã nạp lại danh mục: {len(load_catalogue(catalogue).procedures)} thủ tục" in staff.text
    await staff.send("dang ky khai sinh")
    assert staff.text.startswith("📄 Khai sinh (mới)")
    assert holder.last_problems == ()


async def test_citizens_cannot_reload(store: Store, tmp_path: Path) -> None:
    catalogue = tmp_path / "procedures.yaml"
    catalogue.write_text(CATALOGUE.read_text(encoding="utf-8"), encoding="utf-8")
    citizen, _ = make_bot(store, catalogue, "citizen-9")
    await citizen.send("/reload")
    assert "Tôi không biết lệnh này" in citizen.text
