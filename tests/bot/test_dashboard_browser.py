"""Staff open the dashboard in a real browser (Debian's Chromium): the token link logs in, the charts draw."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.bot.conftest import OUTPUT
from tests.bot.helpers import free_port, start_server
from tests.bot.seed import seed_file

TOKEN = "browser-test-dashboard-token"


def test_staff_see_the_charts_of_the_seeded_figures(browser: Browser, tmp_path: Path) -> None:
    seed_file(tmp_path / "bot.db")
    port = free_port()
    server = start_server(tmp_path / "bot.db", port, tmp_path / "server.log", STAFF_DASHBOARD_TOKEN=TOKEN)
    try:
        page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="vi-VN")
        denied = page.goto(f"http://127.0.0.1:{port}/staff/")
        assert denied is not None and denied.status == 401

        page.goto(f"http://127.0.0.1:{port}/staff/?token={TOKEN}")
        assert "token=" not in page.url
        expect(page.get_by_role("heading", level=1)).to_contain_text("Bảng theo dõi")
        for section in ("messages", "top", "answered", "funnel", "volunteers"):
            chart = page.locator(f"#{section} svg.chart")
            expect(chart).to_be_visible()
            bars = chart.locator("rect.bar")
            assert bars.count() > 0, section
            widths = [bars.nth(i).bounding_box() for i in range(bars.count())]
            assert all(box is not None and box["width"] > 0 and box["height"] > 0 for box in widths), section
        expect(page.locator("#top")).to_contain_text("Đăng ký khai sinh")
        expect(page.locator("#volunteers")).to_contain_text("Nguyễn Thị Hồng Nhung")
        expect(page.locator('[data-card="Yêu cầu gặp cán bộ đang mở"] b')).to_have_text("0")  # none seeded

        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "dashboard.png"), full_page=True)
        # The session cookie is HttpOnly: page scripts cannot read it.
        assert page.evaluate("document.cookie") == ""
    finally:
        server.terminate()
        server.wait(10)
