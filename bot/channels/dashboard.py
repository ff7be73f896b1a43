"""The staff dashboard at /staff/, behind STAFF_DASHBOARD_TOKEN (Bearer header, or ?token= once for a cookie)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot import dashboard_page
from bot.app import App

log = logging.getLogger(__name__)
COOKIE = "staff_session"
COOKIE_PATH = "/staff"
COOKIE_SECONDS = 8 * 3600
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
DENIED = (
    '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Cần mã truy cập</title>'
    "<p>Trang này chỉ dành cho cán bộ. Mở bằng đường dẫn có mã truy cập (…/staff/?token=…).</p></html>"
)


def _session_value(token: str) -> str:
    """The cookie holds a keyed digest of the token, never the token itself."""
    return hmac.new(token.encode("utf-8"), b"staff-dashboard-session", hashlib.sha256).hexdigest()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _authorised(request: Request, token: str) -> bool:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials:
        return _same(credentials.strip(), token)
    cookie = request.cookies.get(COOKIE)
    return cookie is not None and _same(cookie, _session_value(token))


def _days(request: Request) -> int:
    raw = request.query_params.get("days", "")
    return int(raw) if raw.isdigit() and int(raw) in dashboard_page.PERIODS else 30


def dashboard_routes(app: App) -> list[BaseRoute]:
    """Routes of the dashboard; every request answers 404 while no token is configured."""

    async def page(request: Request) -> Response:
        secret = app.settings.staff_dashboard_token
        if secret is None:
            return Response(status_code=404)
        token = secret.get_secret_value()
        offered = request.query_params.get("token")
        if offered is not None:
            if not _same(offered, token):
                return HTMLResponse(DENIED, status_code=401, headers=HEADERS)
            # Swap the token in the address for a cookie, so it leaves the address bar and history.
            response = RedirectResponse(f"{COOKIE_PATH}/?days={_days(request)}", status_code=303, headers=HEADERS)
            response.set_cookie(
                COOKIE,
                _session_value(token),
                max_age=COOKIE_SECONDS,
                path=COOKIE_PATH,
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
            )
            return response
        if not _authorised(request, token):
            headers = {**HEADERS, "WWW-Authenticate": 'Bearer realm="staff"'}
            return HTMLResponse(DENIED, status_code=401, headers=headers)
        now = dt.datetime.now(dt.UTC)
        async with app.store.unit() as unit:
            board = await dashboard_page.collect(unit, app.knowledge.current.catalogue, now, _days(request))
        log.info("dashboard viewed", extra={"days": board.days})
        return HTMLResponse(dashboard_page.render(board), headers=HEADERS)

    return [Route(f"{COOKIE_PATH}/", page, methods=["GET"]), Route(COOKIE_PATH, page, methods=["GET"])]
