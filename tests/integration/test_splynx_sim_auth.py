"""Authentication over real HTTP, as the blueprint specifies it (reference §1, §2.2)."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.support.clock import FakeClock
from tests.support.splynx_sim import KEY, SECRET, Nonces, basic, running, sign, signed

CUSTOMERS = "admin/customers/customer"


def error_of(answer: httpx.Response) -> tuple[int, str]:
    body = answer.json()["error"]
    assert set(body) == {"message", "code", "internal_code"}
    assert body["code"] == answer.status_code
    return answer.status_code, body["internal_code"]


async def test_a_request_without_credentials_gets_the_real_401() -> None:
    async with running() as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        answer = await raw.get(CUSTOMERS)
    assert error_of(answer) == (401, "MISSED_AUTHORIZATION_HEADER")
    assert answer.headers["content-type"].startswith("application/json")


async def test_basic_auth_needs_unsecure_access() -> None:
    async with running(unsecure_basic=False) as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        refused = await raw.get(CUSTOMERS, headers=basic())
    assert error_of(refused) == (401, "UNAUTHORIZED")
    async with running(unsecure_basic=True) as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        assert (await raw.get(CUSTOMERS, headers=basic())).status_code == 200
        wrong = await raw.get(CUSTOMERS, headers=basic(secret="nope"))
    assert error_of(wrong) == (401, "UNAUTHORIZED")


async def test_signature_auth_with_increasing_nonces_and_no_replay() -> None:
    nonces = Nonces()
    async with running(unsecure_basic=False) as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        first, second = next(nonces), next(nonces)
        assert (await raw.get(CUSTOMERS, headers=signed(first))).status_code == 200
        assert (await raw.get(CUSTOMERS, headers=signed(second))).status_code == 200
        replayed = await raw.get(CUSTOMERS, headers=signed(second))
        older = await raw.get(CUSTOMERS, headers=signed(first))
        forged = {
            "Authorization": f"Splynx-EA (key={KEY}&signature={'0' * 64}&nonce={next(nonces)})"
        }
        bad_signature = await raw.get(CUSTOMERS, headers=forged)
        fresh = next(nonces)
        lower = sign(fresh).lower()  # the recipe upper-cases the hex digest
        lowercase = {"Authorization": f"Splynx-EA (key={KEY}&signature={lower}&nonce={fresh})"}
        assert (await raw.get(CUSTOMERS, headers=lowercase)).status_code == 401
        # the prose's parameter order (key, nonce, signature) works too; the refused
        # lower-case attempt did not use up its nonce
        reordered = f"Splynx-EA (key={KEY}&nonce={fresh}&signature={sign(fresh)})"
        assert (await raw.get(CUSTOMERS, headers={"Authorization": reordered})).status_code == 200
    assert error_of(replayed) == (401, "UNAUTHORIZED")
    assert error_of(older) == (401, "UNAUTHORIZED")
    assert error_of(bad_signature) == (401, "UNAUTHORIZED")


def token_request(nonce: int | None = None) -> dict[str, object]:
    nonce = nonce or int(time.time())
    return {"auth_type": "api_key", "key": KEY, "signature": sign(nonce), "nonce": nonce}


async def test_access_token_lifecycle_on_an_injected_clock() -> None:
    clock = FakeClock(start=1_700_000_000)
    agent = {"User-Agent": "migrator-test/1"}
    async with (
        running(clock=clock, unsecure_basic=False) as sim,
        httpx.AsyncClient(base_url=sim.api, headers=agent) as raw,
    ):
        made = await raw.post("admin/auth/tokens", json=token_request(1_700_000_000))
        assert made.status_code == 201
        token = made.json()
        assert set(token) == {
            "access_token",
            "access_token_expiration",
            "refresh_token",
            "refresh_token_expiration",
            "permissions",
        }
        assert token["access_token_expiration"] == 1_700_000_000 + 30 * 60
        header = {"Authorization": f"Splynx-EA (access_token={token['access_token']})"}
        assert (await raw.get(CUSTOMERS, headers=header)).status_code == 200

        other_agent = {**header, "User-Agent": "someone-else"}
        assert error_of(await raw.get(CUSTOMERS, headers=other_agent)) == (
            401,
            "USER_AGENT_CHANGED",
        )

        clock.advance(30 * 60 + 1)
        assert error_of(await raw.get(CUSTOMERS, headers=header)) == (401, "EXPIRED_ACCESS_TOKEN")

        renewed = await raw.get(f"admin/auth/tokens/{token['refresh_token']}")
        assert renewed.status_code == 200
        assert "permissions" not in renewed.json()
        assert renewed.json()["access_token_expiration"] == clock.now() + 30 * 60
        header = {"Authorization": f"Splynx-EA (access_token={renewed.json()['access_token']})"}
        assert (await raw.get(CUSTOMERS, headers=header)).status_code == 200

        assert (await raw.delete(f"admin/auth/tokens/{token['access_token']}")).status_code == 204
        assert error_of(await raw.get(CUSTOMERS, headers=header)) == (401, "UNAUTHORIZED")


async def test_token_request_errors() -> None:
    async with running() as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        no_type = await raw.post("admin/auth/tokens", json={})
        replay = token_request(1_700_000_100)
        assert (await raw.post("admin/auth/tokens", json=replay)).status_code == 201
        replayed = await raw.post("admin/auth/tokens", json=replay)
        bad = await raw.post("admin/auth/tokens", json={**token_request(), "signature": "X"})
        unknown_refresh = await raw.get("admin/auth/tokens/" + "0" * 32)
        empty = await raw.get(CUSTOMERS, headers={"Authorization": "Splynx-EA (access_token=)"})
        wrong_verb = await raw.get("admin/auth/tokens")
        options = await raw.options("admin/auth/tokens")
    assert error_of(no_type) == (401, "INVALID_AUTH_TYPE")
    assert error_of(replayed) == (401, "UNAUTHORIZED")
    assert error_of(bad) == (401, "UNAUTHORIZED")
    assert error_of(unknown_refresh) == (404, "NOT_FOUND")
    assert error_of(empty) == (401, "EMPTY_ACCESS_TOKEN")
    assert error_of(wrong_verb) == (405, "METHOD_NOT_ALLOWED")
    assert error_of(options) == (500, "SERVER_ERROR")  # as the live server answered


async def test_the_refresh_token_expires_too() -> None:
    clock = FakeClock(start=1_700_000_000)
    async with running(clock=clock) as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        token = (await raw.post("admin/auth/tokens", json=token_request(1_700_000_000))).json()
        clock.advance(token["refresh_token_expiration"] - clock.now() + 1)
        renewal = await raw.get(f"admin/auth/tokens/{token['refresh_token']}")
    assert error_of(renewal) == (401, "EXPIRED_REFRESH_TOKEN")


@pytest.mark.parametrize("check_auth", ["", "1"])
async def test_api_check(check_auth: str) -> None:
    async with running() as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        answer = await raw.get("admin/api/check", params={"checkAuth": check_auth})
        authorised = await raw.get(
            "admin/api/check", params={"checkAuth": check_auth}, headers=basic(KEY, SECRET)
        )
    if check_auth:
        assert error_of(answer) == (401, "MISSED_AUTHORIZATION_HEADER")
    else:
        assert answer.json() == {"status": "ok", "message": "API is valid", "same_server": 0}
    assert authorised.status_code == 200
