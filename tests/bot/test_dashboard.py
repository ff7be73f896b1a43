"""The staff dashboard: 401 without the token, a cookie after ?token=, charts of the seeded figures."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.app import App, build_app
from bot.channels.web import create_web_app
from bot.config import Settings
from tests.bot.seed import seed
from tests.conftest import CATALOGUE

TOKEN = "s3cret-dashboard-token-for-tests"


async def client_for(tmp_path: Path, **settings: object) -> AsyncIterator[tuple[App, httpx.AsyncClient]]:
    app = await build_app(
        Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'web.db'}", catalogue_path=CATALOGUE, **settings)
    )
    transport = httpx.ASGITransport(app=create_web_app(app))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield app, client
    finally:
        await app.close()


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async for app, client in client_for(tmp_path, staff_dashboard_token=TOKEN):
        await seed(app.store)
        yield client


def bar_values(html: str) -> list[float]:
    return [float(v) for v in re.findall(r'<rect class="bar"[^>]*data-value="([\d.]+)"', html)]


async def test_without_a_token_the_dashboard_is_401(client: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong-token-wrong-token"}, {"Authorization": "Basic " + TOKEN}):
        response = await client.get("/staff/", headers=headers)
        assert response.status_code == 401
        assert "Nguyễn Thị" not in response.text and "<svg" not in response.text
    assert (await client.get("/staff/?token=wrong")).status_code == 401
    client.cookies.set("staff_session", TOKEN, path="/staff")  # the raw token is not a session
    assert (await client.get("/staff/")).status_code == 401


async def test_bearer_token_shows_the_dashboard_with_charts(client: httpx.AsyncClient) -> None:
    response = await client.get("/staff/", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    html = response.text
    for section in ("messages", "top", "answered", "funnel", "volunteers"):
        assert f'id="{section}"' in html and "<svg" in html.split(f'id="{section}"')[1].split("</section>")[0]
    assert "Đăng ký khai sinh" in html and "Nguyễn Thị Hồng Nhung (TN01)" in html
    assert 'data-card="Yêu cầu gặp cán bộ đang mở">Yêu cầu gặp cán bộ đang mở<b>0</b>' in html
    assert 'data-card="Lấy lại mã hồ sơ">Lấy lại mã hồ sơ<b>1</b>' in html
    assert 'data-card="Trả lời được">Trả lời được<b>73%</b>' in html
    values = bar_values(html)
    assert values and all(v > 0 for v in values)
    assert 6.0 in values and 4.0 in values  # khai-sinh: 6 started, 4 finished
    assert "<script" not in html and "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


async def test_token_in_the_address_becomes_an_http_only_cookie(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/staff/?token={TOKEN}&days=7")
    assert response.status_code == 303 and response.headers["location"] == "/staff/?days=7"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/staff" in cookie
    assert TOKEN not in cookie
    page = await client.get("/staff/?days=7")
    assert page.status_code == 200 and "7 ngày qua" in page.text


async def test_the_dashboard_is_off_without_a_configured_token(tmp_path: Path) -> None:
    async for _, client in client_for(tmp_path):
        assert (await client.get("/staff/")).status_code == 404
        assert (await client.get(f"/staff/?token={TOKEN}")).status_code == 404


async def test_open_hand_off_tickets_are_counted(tmp_path: Path) -> None:
    async for app, client in client_for(tmp_path, staff_dashboard_token=TOKEN):
        now = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)
        async with app.store.unit() as unit:
            for user in ("a", "b", "c"):
                ticket = await unit.tickets.open("web", user, user, "Câu hỏi", {}, now)
            await unit.tickets.close(ticket.id, now, "staff")
        html = (await client.get("/staff/", headers={"Authorization": f"Bearer {TOKEN}"})).text
        assert 'data-card="Yêu cầu gặp cán bộ đang mở">Yêu cầu gặp cán bộ đang mở<b>2</b>' in html
        assert "Chưa có dữ liệu" in html  # an empty database draws no bars
