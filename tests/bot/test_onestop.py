"""The one-stop connector against a fake one-stop system on loopback (real HTTP)."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.onestop import HttpOneStop
from handlers.ports import OneStopError
from tests.bot.loopback import Loopback

TOKEN = "onestop-token-123"
CODE = "000.00.12.H62-201105-0004"
DOSSIER = {
    "code": CODE,
    "procedure_id": "1.001193",
    "phone": "0912345678",
    "applicant_name": "Nguyễn Văn A",
    "status": "result_ready",
    "submitted_at": "2020-11-05T08:30:00",
    "updated_at": "2020-11-09T10:00:00+07:00",
    "extra": "ignored",
}


def fake_onestop(seen: list[str]) -> Starlette:
    def authorised(request: Request) -> bool:
        seen.append(str(request.url.path) + ("?" + request.url.query if request.url.query else ""))
        return request.headers.get("authorization") == f"Bearer {TOKEN}"

    async def one(request: Request) -> Response:
        if not authorised(request):
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        code = request.path_params["code"]
        if code == "broken":
            return Response("not json", media_type="application/json")
        return JSONResponse(DOSSIER) if code == CODE else JSONResponse({"error": "not found"}, status_code=404)

    async def by_phone(request: Request) -> Response:
        if not authorised(request):
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        found = [DOSSIER] if request.query_params.get("phone") == "+84912345678" else []
        return JSONResponse({"dossiers": found})

    return Starlette(routes=[Route("/api/dossiers/{code}", one), Route("/api/dossiers", by_phone)])


async def test_dossier_by_code_and_by_phone() -> None:
    seen: list[str] = []
    with Loopback(fake_onestop(seen)) as base:
        client = HttpOneStop(base + "/api/", TOKEN)
        try:
            found = await client.dossier(CODE)
            assert await client.dossier("000.00.12.H62-201105-9999") is None
            listed = await client.dossiers_by_phone("+84912345678")
            assert await client.dossiers_by_phone("+84987654321") == []
        finally:
            await client.close()
    assert found is not None and found.status == "result_ready" and found.phone == "0912345678"
    assert found.submitted_at == dt.datetime(2020, 11, 5, 1, 30, tzinfo=dt.UTC)  # no offset: Vietnam time
    assert listed == [found]
    assert seen[0] == f"/api/dossiers/{CODE}" and seen[2] == "/api/dossiers?phone=%2B84912345678"


async def test_failures_are_onestop_errors() -> None:
    with Loopback(fake_onestop([])) as base:
        wrong_token = HttpOneStop(base + "/api", "wrong")
        client = HttpOneStop(base + "/api", TOKEN)
        try:
            with pytest.raises(OneStopError, match="HTTP 401"):
                await wrong_token.dossier(CODE)
            with pytest.raises(OneStopError, match="unexpected"):
                await client.dossier("broken")
        finally:
            await wrong_token.close()
            await client.close()
    down = HttpOneStop(base + "/api", TOKEN, timeout=1.0)  # the server has stopped
    try:
        with pytest.raises(OneStopError):
            await down.dossiers_by_phone("+84912345678")
    finally:
        await down.close()
