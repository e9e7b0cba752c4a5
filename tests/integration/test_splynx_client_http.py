"""The Splynx client against the Splynx simulator over real HTTP on 127.0.0.1.

Every auth strategy end to end (token renewal on a shared fake clock, signature
nonces under 16 concurrent writers, basic), the CRUD/search/count/marker API,
422 and 403 as typed errors, faults and throttling absorbed, and an unknown
create outcome never turned into a duplicate.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
from pydantic import SecretStr

from migrator.errors import AuthFailed, OutcomeUnknown, PermissionDenied, Rejected
from migrator.policy.retry import RetryPolicy
from migrator.settings import Settings
from migrator.splynx import payloads as p
from migrator.splynx.auth import SignatureAuth, TokenAuth
from migrator.splynx.client import SplynxClient
from migrator.splynx.query import Search, between, is_in, where
from tests.support.clock import FakeClock
from tests.support.splynx_sim import KEY, SECRET, RunningSim, running


def settings(url: str, auth: str = "token", **changes: Any) -> Settings:
    values = {
        "splynx_url": url,
        "splynx_api_key": SecretStr(KEY),
        "splynx_api_secret": SecretStr(SECRET),
        "splynx_auth": auth,
        "writers": 16,
        "timeout": 5.0,
        "retry_budget": 30.0,
        **changes,
    }
    return Settings.model_construct(**{**Settings().model_dump(), **values})


@contextlib.asynccontextmanager
async def client_for(
    sim: RunningSim, auth: str = "token", **kw: Any
) -> AsyncIterator[SplynxClient]:
    retry = RetryPolicy(budget=30.0, initial=0.01, maximum=0.2)
    async with SplynxClient.open(settings(sim.url, auth), retry=retry, **kw) as client:
        yield client


def customer(marker: str, **fields: Any) -> p.Customer:
    return p.Customer(
        name=f"Customer {marker}",
        partner_id=1,
        location_id=1,
        additional_attributes={"sonar_id": marker},
        **fields,
    )


async def many(count: int, job: Any) -> None:
    async with anyio.create_task_group() as tg:
        for n in range(count):
            tg.start_soon(job, n)


@pytest.mark.parametrize("auth", ["token", "signature", "basic"])
async def test_each_auth_strategy_end_to_end(auth: str) -> None:
    async with running() as sim, client_for(sim, auth) as client:
        assert (await client.check()).ok
        new = await client.create("customers", customer(f"{auth}-1"))
        record = await client.get("customers", new)
        assert record is not None and record["added_by"] == "api"


async def test_basic_is_refused_without_unsecure_access() -> None:
    async with running(unsecure_basic=False) as sim, client_for(sim, "basic") as client:
        with pytest.raises(AuthFailed, match="Unsecure access"):
            await client.count("customers")


async def test_wrong_secret_is_auth_failed_for_every_strategy() -> None:
    async with running() as sim:
        for auth in ("token", "signature", "basic"):
            wrong = settings(sim.url, auth, splynx_api_secret=SecretStr("not-it"))
            async with SplynxClient.open(wrong) as client:
                with pytest.raises(AuthFailed):
                    await client.count("customers")


async def test_token_renewed_before_expiry_on_a_shared_clock() -> None:
    clock = FakeClock(start=1_700_000_000.0)
    async with running(clock=clock) as sim, client_for(sim, wall=clock.now) as client:
        auth = client.session.auth
        assert isinstance(auth, TokenAuth)
        await many(16, lambda n: client.count("customers"))
        assert (auth.issued, auth.renewed) == (1, 0)
        clock.advance(30 * 60 - 20)  # 20 s left: renewed (once) before it runs out
        await many(16, lambda n: client.count("customers"))
        assert (auth.issued, auth.renewed) == (1, 1)
        clock.advance(29 * 60)
        await many(16, lambda n: client.count("customers"))
        assert (auth.issued, auth.renewed) == (1, 2)


async def test_an_expired_token_is_replaced_once_after_the_401() -> None:
    clock = FakeClock(start=1_700_000_000.0)
    async with (
        running(clock=clock) as sim,
        SplynxClient.open(settings(sim.url), wall=lambda: 0.0) as client,
    ):
        # our clock thinks the token is young; the server's says it expired
        await client.count("customers")
        clock.advance(31 * 60)
        await many(16, lambda n: client.count("customers"))
        auth = client.session.auth
        assert isinstance(auth, TokenAuth) and auth.issued + auth.renewed == 2


async def test_signature_nonces_accepted_under_16_concurrent_writers() -> None:
    async with running() as sim, client_for(sim, "signature") as client:
        await many(16 * 4, lambda n: client.create("partners", p.Partner(name=f"P{n}")))
        assert await client.count("partners") >= 16 * 4
        auth = client.session.auth
        assert isinstance(auth, SignatureAuth)
        # a request may overtake one signed before it; re-signing saves it, rarely needed
        assert auth.resigned <= 32


async def test_create_get_list_search_count_find_update_delete() -> None:
    async with running() as sim, client_for(sim) as client:
        ids = [await client.create("customers", customer(f"s{n}", city="Lviv")) for n in range(5)]
        assert await client.find_by_marker("customers", "s3") == ids[3]
        assert await client.find_by_marker("customers", "nope") is None
        found = await client.list("customers", Search(main={"id": between(ids[1], ids[3])}))
        assert [r.id for r in found] == ids[1:4]
        some = Search(additional={"sonar_id": is_in(["s0", "s4"])}, order={"id": "DESC"})
        assert [r.id for r in await client.list("customers", some)] == [ids[4], ids[0]]
        # LIKE's wildcards are undocumented; a plain fragment works either way (Yii2: contains)
        like = Search(main={"name": where("LIKE", "Customer s")})
        assert await client.count("customers", like) == 5
        page = await client.list("customers", Search(order={"id": "ASC"}, limit=2, offset=1))
        assert len(page) == 2
        await client.update("customers", ids[0], {"name": "Renamed", "status": "disabled"})
        assert (await client.get("customers", ids[0]))["name"] == "Renamed"  # type: ignore[index]
        assert await client.delete("customers", ids[0]) is True
        assert await client.delete("customers", ids[0]) is False  # already gone: a 404
        assert await client.get("customers", ids[0]) is None
        assert await client.find_by_marker("customers", "s0") is None


async def test_services_notes_info_and_tickets() -> None:
    async with running() as sim, client_for(sim) as client:
        owner = await client.create("customers", customer("owner"))
        tariff = await client.create(
            "internet_tariffs",
            p.InternetTariff(
                title="100M", partners_ids=[1], available_for_locations=[1],
                speed_download=100_000, speed_upload=20_000,
            ),
        )  # fmt: skip
        service = await client.create(
            "internet_services",
            p.InternetService(
                customer_id=owner, tariff_id=tariff, status="active", description="100M",
                start_date="2024-01-01", login="owner-1",
                additional_attributes={"sonar_id": "as-9"},
            ),
        )  # fmt: skip
        assert await client.find_by_marker("internet_services", "as-9") == service
        assert (await client.get("internet_services", service, customer_id=owner)) is not None
        note = await client.create(
            "customer_notes", p.CustomerNote(customer_id=owner, comment="hi", title="sonar-n-1")
        )
        assert await client.find_by_marker("customer_notes", "sonar-n-1") == note
        await client.update("customer_info", owner, p.CustomerInfo(contact_person="Bo"))
        assert (await client.get("customer_info", owner))["contact_person"] == "Bo"  # type: ignore[index]
        ticket = await client.create(
            "tickets",
            p.Ticket(subject="Down", priority="high", type_id=1, customer_id=owner,
                     additional_attributes={"sonar_id": "4"},
                     message=p.TicketMessage(message="No link since 9")),
        )  # fmt: skip
        assert await client.find_by_marker("tickets", "4") == ticket
        await client.create("ticket_messages", p.TicketMessage(ticket_id=ticket, message="Fixed"))


async def test_options_list_the_marker_field() -> None:
    async with running() as sim, client_for(sim) as client:
        options = await client.options("customers")
        assert options.has_additional("sonar_id") and "name" in options.required()
    async with running(additional_fields=()) as sim, client_for(sim) as client:
        assert not (await client.options("customers")).has_additional("sonar_id")


async def test_422_is_rejected_with_field_errors_and_raw_text() -> None:
    async with running() as sim, client_for(sim) as client:
        await client.create("customers", customer("dup"))
        with pytest.raises(Rejected) as caught:
            await client.create("customers", customer("dup"))
        assert caught.value.field == "sonar_id"
        assert caught.value.raw and "sonar_id" in caught.value.raw
        with pytest.raises(Rejected) as caught:
            await client.create("customers", {"name": "x", "partner_id": 1, "location_id": 999})
        assert caught.value.field == "location_id"
        assert client.stats.rejects == 2


async def test_403_names_the_permission_to_grant() -> None:
    async with running(deny=("admin/customers/customer:add",)) as sim, client_for(sim) as client:
        assert await client.count("customers") >= 0  # view is still allowed
        with pytest.raises(PermissionDenied) as caught:
            await client.create("customers", customer("x"))
        assert caught.value.permission == "Customers / Customers: add"
        assert caught.value.endpoint == "admin/customers/customer"


async def test_faults_and_throttling_are_absorbed_exactly_once() -> None:
    config = {"fault_rate": 0.15, "hang_seconds": 0.5, "throttle": 200.0, "seed": 3}
    async with running(**config) as sim:
        retry = RetryPolicy(budget=60.0, initial=0.01, maximum=0.2)
        chosen = settings(sim.url, timeout=0.3)
        async with SplynxClient.open(chosen, retry=retry) as client:
            results: list[int] = []

            async def write(n: int) -> None:
                results.append((await client.create_once("customers", customer(f"f{n}"))).id)

            await many(60, write)
            assert len(set(results)) == 60
            stats = client.stats
            assert stats.retries > 0 and stats.created + stats.adopted == 60
        async with client_for(sim) as check:
            for n in range(60):
                assert await check.count("customers", Search(additional={"sonar_id": f"f{n}"})) == 1


async def test_an_unknown_outcome_is_never_duplicated() -> None:
    config = {"fault_rate": 0.5, "fault_kinds": ("drop",), "seed": 11}
    async with running(**config) as sim:
        retry = RetryPolicy(budget=60.0, initial=0.01, maximum=0.1)
        async with SplynxClient.open(settings(sim.url, "basic"), retry=retry) as client:
            unknown = 0
            for n in range(20):
                try:
                    await client.create("customers", customer(f"u{n}"))
                except OutcomeUnknown:
                    unknown += 1  # never retried by the client: the caller must look first
                    if await client.find_by_marker("customers", f"u{n}") is None:
                        await client.create_once("customers", customer(f"u{n}"))
            assert unknown > 0
        async with client_for(sim) as check:
            for n in range(20):
                assert await check.count("customers", Search(additional={"sonar_id": f"u{n}"})) == 1


async def test_bad_input_answers_become_clear_typed_errors() -> None:
    """What our payload models would stop, sent raw: the server's answer, classified."""
    from migrator.splynx.classify import Request
    from migrator.splynx.endpoints import endpoint

    customers = endpoint("customers")
    create = Request("POST", customers.path, customers, create=True)
    raw = [
        (b'{"name": "x", "partner_id": 1,', None),  # malformed JSON: 400 with a message
        (b'{"name": "x", "partner_id": "one", "location_id": 1}', "partner_id"),  # wrong type
        (b'{"name": "x", "partner_id": 1, "location_id": 1, "city": "' + b"z" * 40 + b'"}', "city"),
        (b'{"partner_id": 1, "location_id": 1}', "name"),  # required field missing
        (b'{"name": "x", "partner_id": 1, "location_id": 1, "nick": "y"}', "nick"),  # unknown
    ]
    async with running() as sim, client_for(sim) as client:
        for body, field in raw:
            headers = {"Content-Type": "application/json"}
            with pytest.raises(Rejected) as caught:
                await client.session.send(create, content=body, headers=headers)
            assert caught.value.raw, body
            if field is None:
                assert "JSON" in str(caught.value)
            else:
                assert caught.value.field == field, caught.value.raw
