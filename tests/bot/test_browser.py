"""A real browser (Debian's Chromium driven by Playwright) uses the web chat like a citizen."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.bot.conftest import OUTPUT
from tests.bot.helpers import free_port, start_server


def test_citizen_asks_clicks_a_button_and_gets_the_first_step(browser: Browser, tmp_path: Path) -> None:
    port = free_port()
    server = start_server(tmp_path / "bot.db", port, tmp_path / "server.log")
    try:
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="vi-VN")
        page.goto(f"http://127.0.0.1:{port}/")
        expect(page.locator(".msg.bot").first).to_contain_text("Xin chào")
        expect(page.get_by_role("button", name="Gặp cán bộ").first).to_be_visible()

        page.get_by_label("Câu hỏi").fill("dang ky khai sinh")
        page.keyboard.press("Enter")
        expect(page.locator(".msg.bot").last).to_contain_text("Đăng ký khai sinh")
        expect(page.locator(".msg.bot").last).to_contain_text("Lệ phí")

        page.get_by_role("button", name="Bắt đầu hướng dẫn").last.click()
        expect(page.locator(".msg.bot").last).to_contain_text("Câu hỏi 1/2")
        page.get_by_role("button", name="Đã đăng ký kết hôn").last.click()
        page.get_by_role("button", name="Sinh ở Việt Nam").last.click()
        expect(page.locator(".msg.bot").last).to_contain_text("Giấy chứng sinh")
        page.get_by_role("button", name="Tôi đã có đủ").last.click()
        page.get_by_role("button", name="Bắt đầu các bước").last.click()
        expect(page.locator(".msg.bot").last).to_contain_text("Bước 1/")
        expect(page.get_by_role("button", name="Xong, tiếp tục").last).to_be_visible()

        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "web-chat.png"), full_page=True)
    finally:
        server.terminate()
        server.wait(10)
