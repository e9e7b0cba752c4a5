"""Authentication over real HTTP, as the blueprint specifies it (reference §1, §2.2).

Each test names the blueprint lines (``L123``, ``splynx_api_v2.apib``) or the
reference section it follows.
"""

from __future__ import annotations

import time

import httpx
import pytest

from tests.support.clock import FakeClock
from tests.support.splynx_sim import KEY, SECRET, Nonces, basic, running, sign, signed

CUSTOMERS = "admin/customers/customer"
TOKENS = "admin/auth/tokens"


def error_of(answer: httpx.Response) -> tuple[int, str]:
    body = answer.json()["error"]
    assert set(body) == {"message", "code", "internal_code"}
    assert body["code"] == answer.status_code
    return answer.status_code, body["internal_code"]


def bearer(token: str) -> dict[str, str]:
    """Blueprint L143-L147: ``Authorization: Splynx-EA (access_token=...)``."""
    return {"Authorization": f"Splynx-EA (access_token={token})"}


async def test_a_request_without_credentials_gets_the_real_401() -> None:
    # blueprint L208: MISSED_AUTHORIZATION_HEADER
    async with running() as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        answer = await raw.get(CUSTOMERS)
    assert error_of(answer) == (401, "MISSED_AUTHORIZATION_HEADER")
    assert answer.headers["content-type"].startswith("application/json")


async def test_basic_auth_needs_unsecure_access() -> None:
    # blueprint L24-L27, reference §1.1
    async with running(unsecure_basic=False) as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        refused = await raw.get(CUSTOMERS, headers=basic())
    assert error_of(refused) == (401, "UNAUTHORIZED")
    async with running(unsecure_basic=True) as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        assert (await raw.get(CUSTOMERS, headers=basic())).status_code == 200
        wrong = await raw.get(CUSTOMERS, headers=basic(secret="nope"))
    assert error_of(wrong) == (401, "UNAUTHORIZED")


async def test_with_nonce_checking_on_nonces_must_increase_and_never_replay() -> None:
    # reference §1.2: api.check_nonce = '1' refuses a nonce not above api.last_nonce [INF]
    nonces = Nonces()
    async with (
        running(unsecure_basic=False, check_nonce=True) as sim,
        httpx.AsyncClient(base_url=sim.api) as raw,
    ):
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
        lower = sign(fresh).lower()  # the recipe upper-cases the hex digest (L45)
        lowercase = {"Authorization": f"Splynx-EA (key={KEY}&signature={lower}&nonce={fresh})"}
        assert (await raw.get(CUSTOMERS, headers=lowercase)).status_code == 401
        # the prose's parameter order (key, nonce, signature, L29) works too; the refused
        # lower-case attempt did not use up its nonce
        reordered = f"Splynx-EA (key={KEY}&nonce={fresh}&signature={sign(fresh)})"
        assert (await raw.get(CUSTOMERS, headers={"Authorization": reordered})).status_code == 200
    assert error_of(replayed) == (401, "UNAUTHORIZED")
    assert error_of(older) == (401, "UNAUTHORIZED")
    assert error_of(bad_signature) == (401, "UNAUTHORIZED")


async def test_with_nonce_checking_off_a_signature_is_enough() -> None:
    # reference §1.2: the live key had check_nonce = '0' (the table's default): a cached
    # nonce, an older one, or one in seconds instead of hundredths all pass
    hundredths = int(time.time() * 100)
    seconds = int(time.time())
    async with running(unsecure_basic=False) as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        for nonce in (hundredths, hundredths, hundredths - 500, seconds, 1):
            assert (await raw.get(CUSTOMERS, headers=signed(nonce))).status_code == 200, nonce
        wrong = await raw.get(CUSTOMERS, headers=signed(seconds, secret="not-the-secret"))
        no_nonce = {"Authorization": f"Splynx-EA (key={KEY}&signature={sign('')})"}
        missing = await raw.get(CUSTOMERS, headers=no_nonce)
    assert error_of(wrong) == (401, "UNAUTHORIZED")
    assert error_of(missing) == (401, "UNAUTHORIZED")


def token_request(nonce: int | float | str | None = None) -> dict[str, object]:
    """Blueprint L78-L85: key, signature of ``nonce . key``, nonce."""
    nonce = int(time.time()) if nonce is None else nonce
    text = str(int(nonce)) if isinstance(nonce, float) else str(nonce)
    return {"auth_type": "api_key", "key": KEY, "signature": sign(text), "nonce": nonce}


async def test_access_token_lifecycle_on_an_injected_clock() -> None:
    # blueprint L60-L147 (30 minutes, renew, header), L593-L606 (renew, delete), L213
    clock = FakeClock(start=1_700_000_000)
    agent = {"User-Agent": "migrator-test/1"}
    async with (
        running(clock=clock, unsecure_basic=False) as sim,
        httpx.AsyncClient(base_url=sim.api, headers=agent) as raw,
    ):
        made = await raw.post(TOKENS, json=token_request(1_700_000_000))
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
        header = bearer(token["access_token"])
        assert (await raw.get(CUSTOMERS, headers=header)).status_code == 200

        other_agent = {**header, "User-Agent": "someone-else"}
        assert error_of(await raw.get(CUSTOMERS, headers=other_agent)) == (
            401,
            "USER_AGENT_CHANGED",
        )

        clock.advance(30 * 60 + 1)
        assert error_of(await raw.get(CUSTOMERS, headers=header)) == (401, "EXPIRED_ACCESS_TOKEN")

        renewed = await raw.get(f"{TOKENS}/{token['refresh_token']}")
        assert renewed.status_code == 200
        assert "permissions" not in renewed.json()
        assert renewed.json()["access_token_expiration"] == clock.now() + 30 * 60
        header = bearer(renewed.json()["access_token"])
        assert (await raw.get(CUSTOMERS, headers=header)).status_code == 200

        assert (await raw.delete(f"{TOKENS}/{token['access_token']}")).status_code == 204
        assert error_of(await raw.get(CUSTOMERS, headers=header)) == (401, "UNAUTHORIZED")


async def test_logging_out_with_the_refresh_token_ends_the_token() -> None:
    # blueprint L602-L606 "Delete existing token"; the official libraries pass the refresh token
    async with running() as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        token = (await raw.post(TOKENS, json=token_request())).json()
        header = bearer(token["access_token"])
        assert (await raw.delete(f"{TOKENS}/{token['refresh_token']}", headers=header)).status_code
        gone = await raw.get(CUSTOMERS, headers=header)
        again = await raw.delete(f"{TOKENS}/{token['refresh_token']}")
    assert error_of(gone) == (401, "UNAUTHORIZED")
    assert error_of(again) == (404, "NOT_FOUND")


@pytest.mark.parametrize(
    "nonce",
    [
        pytest.param(int(time.time()), id="seconds (blueprint L80)"),
        pytest.param(int(time.time() * 100), id="hundredths (PHP library)"),
        pytest.param(float(int(time.time() * 100)), id="PHP float 1.7e11 as JSON"),
        pytest.param(str(int(time.time())), id="seconds as a string"),
    ],
)
async def test_token_login_nonces_in_either_scale_and_form(nonce: int | float | str) -> None:
    # blueprint L80-L85 says seconds, L41 (signature) hundredths; real clients send both, and
    # PHP's json_encode writes round(microtime(true) * 100) as a float
    async with running() as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        first = await raw.post(TOKENS, json=token_request(nonce))
        cached = await raw.post(TOKENS, json=token_request(nonce))  # a cached login nonce
        assert first.status_code == cached.status_code == 201, first.text
        assert first.json()["access_token"] != cached.json()["access_token"]


async def test_token_login_nonces_must_increase_with_nonce_checking_on() -> None:
    # reference §1.2 [INF], as the header: a replayed or older login nonce is refused
    async with running(check_nonce=True) as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        replay = token_request(1_700_000_100)
        assert (await raw.post(TOKENS, json=replay)).status_code == 201
        replayed = await raw.post(TOKENS, json=replay)
        older = await raw.post(TOKENS, json=token_request(1_700_000_099))
        later = await raw.post(TOKENS, json=token_request(1_700_000_101))
    assert error_of(replayed) == (401, "UNAUTHORIZED")
    assert error_of(older) == (401, "UNAUTHORIZED")
    assert later.status_code == 201


async def test_token_request_errors() -> None:
    # blueprint L572-L575 (INVALID_AUTH_TYPE), L593-L597 (renew NOT_FOUND), L205, L162-L183
    async with running() as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        no_type = await raw.post(TOKENS, json={})
        unknown_type = await raw.post(TOKENS, json={"auth_type": "robot"})
        bad = await raw.post(TOKENS, json={**token_request(), "signature": "X"})
        by_secret = await raw.post(
            TOKENS, json={"auth_type": "api_key", "key": KEY, "secret": SECRET}
        )
        bad_secret = await raw.post(
            TOKENS, json={"auth_type": "api_key", "key": KEY, "secret": "x"}
        )
        unknown_refresh = await raw.get(f"{TOKENS}/" + "0" * 32)
        wrong_verb = await raw.get(TOKENS)
        options = await raw.options(TOKENS)
    assert error_of(no_type) == (401, "INVALID_AUTH_TYPE")
    assert error_of(unknown_type) == (401, "INVALID_AUTH_TYPE")
    assert error_of(bad) == (401, "UNAUTHORIZED")
    assert by_secret.status_code == 201  # L1176: "secret ... Required for auth type api_key"
    assert error_of(bad_secret) == (401, "UNAUTHORIZED")
    assert error_of(unknown_refresh) == (404, "NOT_FOUND")
    assert error_of(wrong_verb) == (405, "METHOD_NOT_ALLOWED")
    assert error_of(options) == (500, "SERVER_ERROR")  # as the live server answered (§1.3)


@pytest.mark.parametrize(
    "header",
    ["Splynx-EA (access_token=)", "Splynx-EA ()", "Splynx-EA"],
    ids=["empty value", "no parameters (PHP http_build_query of a null)", "bare scheme"],
)
async def test_an_empty_token_header_is_empty_access_token(header: str) -> None:
    # blueprint L205: EMPTY_ACCESS_TOKEN - Access token is missed
    async with running() as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        answer = await raw.get(CUSTOMERS, headers={"Authorization": header})
    assert error_of(answer) == (401, "EMPTY_ACCESS_TOKEN")


async def test_the_refresh_token_expires_too() -> None:
    # blueprint L596: EXPIRED_REFRESH_TOKEN
    clock = FakeClock(start=1_700_000_000)
    async with running(clock=clock) as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        token = (await raw.post(TOKENS, json=token_request(1_700_000_000))).json()
        clock.advance(token["refresh_token_expiration"] - clock.now() + 1)
        renewal = await raw.get(f"{TOKENS}/{token['refresh_token']}")
    assert error_of(renewal) == (401, "EXPIRED_REFRESH_TOKEN")


@pytest.mark.parametrize("check_auth", ["", "1"])
async def test_api_check(check_auth: str) -> None:
    # blueprint L669-L686; reference §1.3 [OBS] same_server is 0 live
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
