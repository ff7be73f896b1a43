"""A provincial one-stop system's HTTP API (reference client for `handlers.ports.OneStop`).

Contract, JSON over HTTPS with `Authorization: Bearer <token>`:
- `GET {base}/dossiers/{code}` → 200 with one dossier, or 404 when unknown;
- `GET {base}/dossiers?phone=+84…` → 200 with `{"dossiers": [dossier, …]}`.
A dossier is `{"code", "procedure_id", "phone", "applicant_name", "status", "submitted_at",
"updated_at"}`; times are ISO 8601 (Vietnam time when no offset is given).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from handlers.ports import OneStopError, RemoteDossier
from handlers.registry import VIETNAM


class _Dossier(BaseModel):
    model_config = ConfigDict(extra="ignore")

    code: str
    procedure_id: str
    phone: str = ""
    applicant_name: str = ""
    status: str
    submitted_at: dt.datetime
    updated_at: dt.datetime

    def plain(self) -> RemoteDossier:
        def aware(value: dt.datetime) -> dt.datetime:
            return value.replace(tzinfo=VIETNAM) if value.tzinfo is None else value

        return RemoteDossier(
            code=self.code,
            procedure_id=self.procedure_id,
            phone=self.phone,
            applicant_name=self.applicant_name,
            status=self.status,
            submitted_at=aware(self.submitted_at),
            updated_at=aware(self.updated_at),
        )


class _DossierList(BaseModel):
    model_config = ConfigDict(extra="ignore")

    dossiers: list[_Dossier]


class HttpOneStop:
    """Asks the one-stop system over HTTP; any failure is a `OneStopError` (the caller falls back)."""

    def __init__(
        self, base_url: str, token: str | None, *, timeout: float = 5.0, client: httpx.AsyncClient | None = None
    ) -> None:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.base_url = base_url.rstrip("/")
        self.headers = headers
        self.client = client or httpx.AsyncClient(timeout=timeout)
        self._owned = client is None

    async def _get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response | None:
        try:
            response = await self.client.get(self.base_url + path, params=params, headers=self.headers)
        except httpx.HTTPError as exc:
            raise OneStopError(type(exc).__name__) from None
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise OneStopError(f"HTTP {response.status_code}")
        return response

    async def dossier(self, code: str) -> RemoteDossier | None:
        response = await self._get(f"/dossiers/{quote(code, safe='')}")
        if response is None:
            return None
        try:
            return _Dossier.model_validate_json(response.content).plain()
        except ValidationError:
            raise OneStopError("unexpected dossier JSON") from None

    async def dossiers_by_phone(self, phone_e164: str) -> list[RemoteDossier]:
        response = await self._get("/dossiers", {"phone": phone_e164})
        if response is None:
            return []
        try:
            return [item.plain() for item in _DossierList.model_validate_json(response.content).dossiers]
        except ValidationError:
            raise OneStopError("unexpected dossier list JSON") from None

    async def close(self) -> None:
        if self._owned:
            await self.client.aclose()
