"""Public Splynx API clients' calls, replayed over HTTP against ``migrator sim splynx``.

The clients and their request sequences are recorded in
``tests/support/splynx_client_corpus.py`` (each step cites the blueprint or
the reference). The simulator runs as an operator runs it, a separate
``migrator sim splynx`` process, with its defaults (nonce checking off, as on
the live key) plus an administrator password and a portal customer.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from tests.support.php_query import http_build_query
from tests.support.splynx_client_corpus import (
    CLIENTS,
    PYTHON_LIBRARY,
    Call,
    ClientRecord,
    Login,
    Logout,
    Ref,
    Renew,
    Signed,
    Step,
)
from tests.support.splynx_sim import KEY, SECRET, basic, sign

ROOT = Path(__file__).resolve().parents[2]
ADMIN = ("admin", "replay-admin-pw")
PORTAL = ("portal-ann", "portal-pw")
CREDENTIALS = {"admin": ADMIN, "portal": PORTAL, "wrong": ("admin", "not-the-password")}


def start(*extra: str) -> tuple[subprocess.Popen[str], str]:
    flags = ("--port", "0", "--api-key", KEY, "--api-secret", SECRET, "--unsecure-basic",
             "--admin-password", ADMIN[1], "--portal-customer", ":".join(PORTAL),
             *extra)  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "migrator", "sim", "splynx", *flags],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip() + "/api/2.0/"


@pytest.fixture
def simulator(request: pytest.FixtureRequest) -> Iterator[tuple[str, dict[str, Any]]]:
    """A running ``migrator sim splynx`` holding what the clients look at."""
    process, api = start(*getattr(request, "param", ()))
    try:
        yield api, prepare(api)
    finally:
        process.terminate()
        process.wait(timeout=15)
        assert process.stdout is not None
        process.stdout.close()


def prepare(api: str) -> dict[str, Any]:
    """What the clients expect to find (made with Basic auth, as an operator would)."""
    with httpx.Client(base_url=api, headers=basic(), timeout=10) as http:
        owner = http.post(
            "admin/customers/customer", json={"name": "Mac Owner", "status": "active"}
        )
        plan = {"title": "Fibre", "partners_ids": [1], "speed_download": 1024,
                "speed_upload": 512}  # fmt: skip
        tariff = http.post("admin/tariffs/internet", json=plan)
        service = {"tariff_id": tariff.json()["id"], "status": "active", "description": "Internet",
                   "quantity": 1, "start_date": "2024-01-01", "end_date": "0000-00-00",
                   "login": "mac-owner", "taking_ipv4": 0, "mac": "00:11:22:33:44:55"}  # fmt: skip
        made = http.post(f"admin/customers/customer/{owner.json()['id']}/internet-services",
                         json=service)  # fmt: skip
        ticket = http.post("admin/support/tickets",
                           json={"subject": "No sync", "priority": "medium", "type_id": 1,
                                 "customer_id": 1})  # fmt: skip
        for answer in (owner, tariff, made, ticket):
            assert answer.status_code == 201, answer.text
    return {"portal_id": 1, "ticket": ticket.json()["id"], "unknown": "f" * 32}


class Replayer:
    """Plays one client's steps the way that client puts them on the wire."""

    def __init__(self, http: httpx.AsyncClient, record: ClientRecord, known: dict[str, Any]):
        self.http = http
        self.record = record
        self.known = known
        self.access = ""
        self.refresh = ""
        self.cached_nonce: int | float | str | None = None
        self.signature_nonce = round(time.time() * 100)  # taken when the client is made

    def where(self, step: Step) -> str:
        return f"{self.record.name}: {type(step).__name__} ({step_cite(step)})"

    def header(self) -> dict[str, str]:
        if self.access:
            return {"Authorization": f"Splynx-EA (access_token={self.access})"}
        return {"Authorization": self.record.empty_header} if self.record.empty_header else {}

    def resolve(self, value: Any) -> Any:
        if isinstance(value, Ref):
            return self.known[value.name]
        if isinstance(value, str) and "{" in value:
            return value.format(**self.known)
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    async def play(self, step: Step) -> None:
        if isinstance(step, Login):
            await self.login(step)
        elif isinstance(step, Renew):
            renewed = await self.http.get(
                f"admin/auth/tokens/{self.refresh}", headers=self.header()
            )
            assert renewed.status_code == 200, (self.where(step), renewed.text)
            self.access = renewed.json()["access_token"]
        elif isinstance(step, Logout):
            ended = await self.http.delete(
                f"admin/auth/tokens/{self.refresh}", headers=self.header()
            )
            assert ended.status_code == 204, (self.where(step), ended.text)
            self.access = self.refresh = ""
        elif isinstance(step, Signed):
            nonce, self.signature_nonce = self.signature_nonce, self.signature_nonce + 1
            signed = f"Splynx-EA (key={KEY}&signature={sign(nonce)}&nonce={nonce})"
            await self.call(step.call, {"Authorization": signed})
        else:
            await self.call(step, self.header())

    def nonce(self, style: str | None, cached: bool) -> int | float | str:
        if cached and self.cached_nonce is not None:
            return self.cached_nonce
        chosen: int | float | str = round(time.time() * 100)
        if style == "hundredths-float":
            chosen = float(chosen)  # what PHP's json_encode makes of round(microtime(true)*100)
        elif style == "seconds-text":
            chosen = str(int(time.time()))
        self.cached_nonce = chosen
        return chosen

    def login_body(self, step: Login) -> dict[str, Any]:
        if step.auth_type == "api_key":
            nonce = self.nonce(step.nonce, step.cached)
            text = str(int(nonce)) if isinstance(nonce, float) else str(nonce)
            return {"auth_type": "api_key", "key": KEY, "signature": sign(text), "nonce": nonce}
        if step.auth_type == "session":
            return {"auth_type": "session", "session_id": self.known[step.session or ""]}
        login, password = CREDENTIALS[step.who]
        return {"auth_type": step.auth_type, "login": login, "password": password}

    async def login(self, step: Login) -> None:
        answer = await self.http.post("admin/auth/tokens", json=self.login_body(step))
        assert answer.status_code == step.status, (self.where(step), answer.text)
        if step.code is not None:
            assert answer.json()["error"]["internal_code"] == step.code, self.where(step)
        if answer.status_code == 201:
            self.access, self.refresh = (
                answer.json()["access_token"],
                answer.json()["refresh_token"],
            )

    async def call(self, call: Call, headers: dict[str, str]) -> None:
        url = self.resolve(call.path)
        if call.query is not None:
            url += "?" + http_build_query(self.resolve(call.query))
        if call.flat is not None:
            url += "?" + urlencode(self.resolve(call.flat))
        body = {} if call.json is None else {"json": self.resolve(call.json)}
        answer = await self.http.request(call.verb, url, headers=headers, **body)
        where = f"{self.record.name}: {call.verb} {url} ({call.cite})"
        assert answer.status_code == call.status, (where, answer.text)
        self.check(call, answer, where)

    def check(self, call: Call, answer: httpx.Response, where: str) -> None:
        if call.code is not None:
            assert answer.json()["error"]["internal_code"] == call.code, where
        if call.count is not None:
            assert answer.headers["X-total-count"] == call.count, where
        if call.keep is not None:
            self.known[call.keep] = answer.json()["id"] if "id" in answer.json() else answer.json()
            if call.keep == "session":
                self.known[call.keep] = answer.json()["session_id"]
        if call.has:
            body = answer.json()
            record = body[0] if isinstance(body, list) else body
            assert set(call.has) <= set(record), (where, body)


def step_cite(step: Step) -> str:
    return step.call.cite if isinstance(step, Signed) else step.cite


async def replay(api: str, records: tuple[ClientRecord, ...], known: dict[str, Any]) -> None:
    for record in records:
        headers = {} if record.user_agent is None else {"User-Agent": record.user_agent}
        async with httpx.AsyncClient(base_url=api, headers=headers, timeout=10) as http:
            player = Replayer(http, record, known)
            for step in record.steps:
                await player.play(step)


async def test_public_clients_work_against_the_simulator(
    simulator: tuple[str, dict[str, Any]],
) -> None:
    api, known = simulator
    await replay(api, CLIENTS, known)


@pytest.mark.parametrize("simulator", [("--check-nonce",)], indirect=True)
async def test_with_nonce_checking_on_a_cached_login_nonce_is_refused(
    simulator: tuple[str, dict[str, Any]],
) -> None:
    # reference §1.2: check_nonce = '1' refuses a nonce not above the last one, which is why
    # the official Python library, reusing the nonce it took when it was made, needs it off
    api, known = simulator
    first = PYTHON_LIBRARY.steps[0]
    async with httpx.AsyncClient(base_url=api, headers={"User-Agent": "x"}, timeout=10) as http:
        player = Replayer(http, PYTHON_LIBRARY, known)
        await player.play(first)
        assert isinstance(first, Login)
        again = await http.post("admin/auth/tokens", json=player.login_body(first))
    assert again.status_code == 401
    assert again.json()["error"]["internal_code"] == "UNAUTHORIZED"
