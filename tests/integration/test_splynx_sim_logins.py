"""The four login types of the blueprint's token section, over real HTTP (L539-L606, L1166).

``admin`` and ``customer`` take a login and password (L553-L566), ``session``
a session id from ``POST admin/auth/sessions`` (L654-L665); each failure has
the blueprint's internal code.
"""

from __future__ import annotations

import httpx

from migrator.sim.splynx.app import PortalCustomer
from tests.support.splynx_sim import running

TOKENS = "admin/auth/tokens"
CUSTOMERS = "admin/customers/customer"
ADMIN_PASSWORD = "admin-secret"
PORTAL = PortalCustomer.parse("portal-ann:ann-secret")


def error_of(answer: httpx.Response) -> tuple[int, str]:
    body = answer.json()["error"]
    return answer.status_code, body["internal_code"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Splynx-EA (access_token={token})"}


def login(auth_type: str, name: str, password: str) -> dict[str, str]:
    return {"auth_type": auth_type, "login": name, "password": password}


async def test_an_administrator_logs_in_and_works_as_itself() -> None:
    # L84: admin - login, password; reference §2.7: added_by names who made a record
    async with (
        running(admin_password=ADMIN_PASSWORD) as sim,
        httpx.AsyncClient(base_url=sim.api) as raw,
    ):
        made = await raw.post(TOKENS, json=login("admin", "admin", ADMIN_PASSWORD))
        assert made.status_code == 201, made.text
        assert made.json()["permissions"] == []
        header = bearer(made.json()["access_token"])
        created = await raw.post(CUSTOMERS, json={"name": "By Admin"}, headers=header)
        assert created.status_code == 201, created.text
        record = (await raw.get(f"{CUSTOMERS}/{created.json()['id']}", headers=header)).json()
        wrong = await raw.post(TOKENS, json=login("admin", "admin", "guess"))
        nobody = await raw.post(TOKENS, json=login("admin", "nobody", ADMIN_PASSWORD))
        empty = await raw.post(TOKENS, json={"auth_type": "admin"})
    assert (record["added_by"], record["added_by_id"]) == ("admin", 1)
    assert error_of(wrong) == (401, "UNAUTHORIZED")
    assert error_of(nobody) == (401, "UNAUTHORIZED")
    assert error_of(empty) == (401, "UNAUTHORIZED")


async def test_an_administrator_made_through_the_api_can_log_in() -> None:
    # L8260-L8437: administrators take a password; L84: and log in with it
    async with running() as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        body = {"login": "ops", "name": "Ops", "email": "ops@example.com", "password": "ops-pw"}
        await sim.create("admin/administration/administrators", body)
        made = await raw.post(TOKENS, json=login("admin", "ops", "ops-pw"))
    assert made.status_code == 201, made.text


async def test_a_portal_customer_logs_in_and_reads_only_its_own_record() -> None:
    # L85: customer - login, password; L199 NOT_ALLOWED_BY_USER_RESTRICTION
    async with (
        running(portal_customer=PORTAL) as sim,
        httpx.AsyncClient(base_url=sim.api) as raw,
    ):
        other = await sim.customer("Someone Else")
        made = await raw.post(TOKENS, json=login("customer", "portal-ann", "ann-secret"))
        assert made.status_code == 201, made.text
        header = bearer(made.json()["access_token"])
        own = await raw.get(f"{CUSTOMERS}/1", headers=header)
        theirs = await raw.get(f"{CUSTOMERS}/{other}", headers=header)
        listing = await raw.get(CUSTOMERS, headers=header)
        writing = await raw.post(
            "admin/administration/locations", json={"name": "x"}, headers=header
        )
        wrong = await raw.post(TOKENS, json=login("customer", "portal-ann", "guess"))
    assert own.status_code == 200 and own.json()["login"] == "portal-ann"
    assert "password" not in own.json()
    assert error_of(theirs) == (403, "NOT_ALLOWED_BY_USER_RESTRICTION")
    assert error_of(listing) == (403, "FORBIDDEN")
    assert error_of(writing) == (403, "FORBIDDEN")
    assert error_of(wrong) == (401, "UNAUTHORIZED")


async def test_a_deleted_customer_cannot_log_in() -> None:
    # reference §2.7: a deleted customer stays in MySQL with deleted = '1'; it is gone
    async with (
        running(portal_customer=PORTAL) as sim,
        httpx.AsyncClient(base_url=sim.api) as raw,
    ):
        assert (await sim.client.delete(f"{CUSTOMERS}/1")).status_code == 204
        refused = await raw.post(TOKENS, json=login("customer", "portal-ann", "ann-secret"))
    assert error_of(refused) == (401, "UNAUTHORIZED")


async def test_a_session_turns_back_into_a_token_and_a_bad_one_is_invalid_user() -> None:
    # L654-L665 (sessions), L86 + L562 (auth_type session, session_id), L211 INVALID_USER
    async with (
        running(admin_password=ADMIN_PASSWORD) as sim,
        httpx.AsyncClient(base_url=sim.api) as raw,
    ):
        admin = (await raw.post(TOKENS, json=login("admin", "admin", ADMIN_PASSWORD))).json()
        opened = await raw.post("admin/auth/sessions", headers=bearer(admin["access_token"]))
        assert opened.status_code == 201, opened.text
        assert set(opened.json()) == {"session_id", "csrf_token"}
        session = {"auth_type": "session", "session_id": opened.json()["session_id"]}
        by_session = await raw.post(TOKENS, json=session)
        assert by_session.status_code == 201, by_session.text
        header = bearer(by_session.json()["access_token"])
        assert (await raw.get(CUSTOMERS, headers=header)).status_code == 200
        prose = await raw.post(
            TOKENS, json={"auth_type": "session", "session": session["session_id"]}
        )
        unknown = await raw.post(TOKENS, json={"auth_type": "session", "session_id": "f" * 32})
        missing = await raw.post(TOKENS, json={"auth_type": "session"})
        by_key = await sim.client.post("admin/auth/sessions")  # an API key (Basic)
        listing = await sim.client.get("admin/auth/sessions")
    assert prose.status_code == 201  # L86 calls the field "session"
    assert error_of(unknown) == (401, "INVALID_USER")
    assert error_of(missing) == (401, "INVALID_USER")
    assert error_of(by_key) == (403, "FORBIDDEN")
    assert error_of(listing) == (403, "FORBIDDEN")  # reference §2.1: GET with a key was 403


async def test_two_factor_status_is_asked_before_logging_in() -> None:
    # L640-L651 (POST {login} -> 201 {two_factor_enabled}); GET was 405 live
    async with running() as sim, httpx.AsyncClient(base_url=sim.api) as raw:
        status = await raw.post("admin/auth/two-factor-status", json={"login": "admin"})
        wrong = await raw.get("admin/auth/two-factor-status")
    assert status.status_code == 201
    assert status.json() == {"two_factor_enabled": False}
    assert error_of(wrong) == (405, "METHOD_NOT_ALLOWED")
