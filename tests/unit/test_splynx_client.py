"""The client's public API on httpx.MockTransport and virtual time.

A small in-test fake of Splynx stores records and can be told to fail the next
requests in chosen ways (5xx, 429, a dropped answer after the create was done),
so retries, escapes and adoption can be checked without a server.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl

import httpx
import pytest
from pydantic import SecretStr

from migrator.errors import ConfigError, GaveUp, OutcomeUnknown, ProtocolError, Rejected
from migrator.events import Event, RequestDone, Retried
from migrator.splynx import payloads as p
from migrator.splynx.client import SplynxClient
from migrator.splynx.endpoints import Marker
from migrator.splynx.query import Search, where
from tests.support.clock import FakeClock
from tests.support.splynx_mock_settings import settings


class FakeSplynx:
    """Records per collection path; ``faults`` is consumed one per request."""

    def __init__(self) -> None:
        self.records: dict[str, dict[int, dict[str, object]]] = {}
        self.faults: list[str] = []
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        fault = self.faults.pop(0) if self.faults else ""
        if fault in {"500", "503", "429", "422"}:
            headers = {"Retry-After": "3"} if fault == "429" else {}
            return httpx.Response(int(fault), content=b'{"error":{"message":"x"}}', headers=headers)
        if fault == "drop-before":
            raise httpx.ReadError("connection reset")
        response = self.handle(request)
        if fault == "drop-after":
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return response

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/2.0/")
        store = self.records.setdefault(path.rsplit("/", 1)[0], {})
        if request.method == "POST":
            body = self.body(request)
            new_id = len(self.records.setdefault(path, {})) + 1
            self.records[path][new_id] = {"id": new_id, **body}
            return httpx.Response(201, json={"id": new_id})
        if request.method == "GET" and path.rsplit("/", 1)[1].isdigit():
            record = store.get(int(path.rsplit("/", 1)[1]))
            return httpx.Response(200, json=record) if record else httpx.Response(404)
        if request.method == "GET":
            return httpx.Response(200, json=self.search(path, request))
        if request.method == "HEAD":
            count = len(self.search(path, request))
            return httpx.Response(204, headers={"X-total-count": str(count)})
        if request.method == "PUT":
            store[int(path.rsplit("/", 1)[1])].update(json.loads(request.content))
            return httpx.Response(202)
        if request.method == "DELETE":
            gone = store.pop(int(path.rsplit("/", 1)[1]), None)
            return httpx.Response(204 if gone else 404)
        return httpx.Response(
            200, json={"attributes": [{"name": "id"}], "additional_attributes": []}
        )

    def body(self, request: httpx.Request) -> dict[str, object]:
        if request.headers["Content-Type"].startswith("multipart/form-data"):
            return {"multipart": request.content.decode()}
        return json.loads(request.content)

    def search(self, path: str, request: httpx.Request) -> list[dict[str, object]]:
        query = dict(parse_qsl(request.url.query.decode()))
        found = list(self.records.get(path, {}).values())
        if query.pop("main_attributes[id][0]", None) == ">":  # keyset paging: ids after n
            after = int(query.pop("main_attributes[id][1]"))
            found = [r for r in found if int(str(r["id"])) > after]
        for key, value in query.items():
            if key.startswith("additional_attributes["):
                name = key[len("additional_attributes[") : -1]
                found = [r for r in found if str(r["additional_attributes"].get(name)) == value]
            elif key.startswith("main_attributes[") and key.endswith("]"):
                name = key[len("main_attributes[") : -1]
                found = [r for r in found if str(r.get(name)) == value]
        offset = int(query.get("offset", 0))
        return found[offset : offset + int(query.get("limit", 1000))]


@pytest.fixture
def fake() -> FakeSplynx:
    return FakeSplynx()


@pytest.fixture
async def client(fake: FakeSplynx) -> AsyncIterator[SplynxClient]:
    async with SplynxClient.open(
        settings(), transport=httpx.MockTransport(fake), clock=FakeClock()
    ) as opened:
        yield opened


def customer(sonar_id: int) -> p.Customer:
    return p.Customer(
        name=f"C {sonar_id}",
        partner_id=1,
        location_id=1,
        additional_attributes={"sonar_id": str(sonar_id)},
    )


async def test_query_string_reaches_the_server_exactly_as_encoded(
    client: SplynxClient, fake: FakeSplynx
) -> None:
    search = Search(main={"login": where("LIKE", "a~b c")}, order={"id": "DESC"}, limit=5)
    await client.list("customers", search)
    assert fake.requests[-1].url.query.decode() == search.encode()
    assert "%7E" in search.encode() and "+" in search.encode()


async def test_nested_services_use_the_customer_in_the_path(
    client: SplynxClient, fake: FakeSplynx
) -> None:
    service = p.InternetService(
        customer_id=7, tariff_id=1, status="active", description="x", start_date="2024-01-01",
        login="l7", additional_attributes={"sonar_id": "70"},
    )  # fmt: skip
    await client.create("internet_services", service)
    assert fake.requests[-1].url.path.endswith("/customer/7/internet-services")
    await client.find_by_marker("internet_services", 70)
    assert "/customer/0/internet-services" in fake.requests[-1].url.path


async def test_server_errors_and_rate_limits_are_retried(
    client: SplynxClient, fake: FakeSplynx
) -> None:
    fake.faults = ["503", "429", "500"]
    assert await client.create("customers", customer(1)) == 1
    assert client.stats.retries == 3
    assert client.stats.rate_limited == 1 and client.stats.server_errors == 2


async def test_each_request_and_retry_is_told_to_the_display(fake: FakeSplynx) -> None:
    events: list[Event] = []
    fake.faults = ["503", "429"]
    async with SplynxClient.open(
        settings(), transport=httpx.MockTransport(fake), clock=FakeClock(), emit=events.append
    ) as client:
        await client.create("customers", customer(1))
    done = [(e.operation, e.outcome) for e in events if isinstance(e, RequestDone)]
    assert done == [
        ("POST customers", "retriable"),
        ("POST customers", "rate_limited"),
        ("POST customers", "ok"),
    ]
    assert [e.attempt for e in events if isinstance(e, Retried)] == [1, 2]
    assert all(e.system == "splynx" for e in events if isinstance(e, RequestDone | Retried))


async def test_rejections_are_not_retried(client: SplynxClient, fake: FakeSplynx) -> None:
    fake.faults = ["422"]
    with pytest.raises(Rejected):
        await client.create("customers", customer(1))
    assert len(fake.requests) == 1 and client.stats.rejects == 1


async def test_an_unknown_outcome_is_raised_not_resent(
    client: SplynxClient, fake: FakeSplynx
) -> None:
    fake.faults = ["drop-after"]
    with pytest.raises(OutcomeUnknown):
        await client.create("customers", customer(1))
    assert len(fake.requests) == 1
    assert await client.find_by_marker("customers", 1) == 1  # the caller checks first
    assert await client.find_by_marker("customers", 2) is None


@pytest.mark.parametrize("fault", ["drop-after", "drop-before", "500"])
async def test_create_once_looks_up_before_resending(
    client: SplynxClient, fake: FakeSplynx, fault: str
) -> None:
    fake.faults = [fault]
    created = await client.create_once("customers", customer(5))
    assert created.id == 1
    assert len(fake.records["admin/customers/customer"]) == 1  # never a duplicate
    assert created.adopted is (fault == "drop-after")
    verbs = [r.method for r in fake.requests]
    assert verbs == (["POST", "GET"] if created.adopted else ["POST", "GET", "POST"])


async def test_create_once_without_a_marker_value_behaves_like_create(
    client: SplynxClient, fake: FakeSplynx
) -> None:
    fake.faults = ["drop-after"]
    with pytest.raises(OutcomeUnknown):
        await client.create_once("customers", p.Customer(name="x", partner_id=1, location_id=1))


async def test_tickets_are_created_as_multipart_forms(
    client: SplynxClient, fake: FakeSplynx
) -> None:
    ticket = p.Ticket(
        subject="No link", priority="high", type_id=1, customer_id=3, hidden=False,
        message=p.TicketMessage(message="Down since 9"),
    )  # fmt: skip
    await client.create("tickets", ticket)
    sent = fake.records["admin/support/tickets"][1]["multipart"]
    assert 'name="message[message]"\r\n\r\nDown since 9' in str(sent)
    assert 'name="hidden"\r\n\r\n0' in str(sent)


async def test_options_check_and_iterate(client: SplynxClient, fake: FakeSplynx) -> None:
    options = await client.options("customers")
    assert options.additional_attributes == [] and not options.has_additional("sonar_id")
    for n in range(5):
        await client.create("partners", p.Partner(name=f"P{n}"))
    names = [r["name"] async for r in client.iterate("partners", page_size=2)]
    assert names == [f"P{n}" for n in range(5)]
    pages = [r for r in fake.requests if r.url.path.endswith("partners") and r.method == "GET"]
    assert len(pages) == 3  # 2 + 2 + 1: stops on the short page
    # in id order each page asks for the ids after the last one, never an offset
    asked = [dict(parse_qsl(r.url.query.decode())) for r in pages]
    assert [q["main_attributes[id][1]"] for q in asked] == ["0", "2", "4"]
    assert {q["offset"] for q in asked} == {"0"}
    # another order pages by offset
    fake.requests.clear()
    by_name = Search(order={"name": "DESC"})
    names = [r["name"] async for r in client.iterate("partners", by_name, page_size=2)]
    assert len(names) == 5
    asked = [dict(parse_qsl(r.url.query.decode())) for r in fake.requests]
    assert [q["offset"] for q in asked] == ["0", "2", "4"]


async def test_bad_payload_is_rejected_before_sending(
    client: SplynxClient, fake: FakeSplynx
) -> None:
    with pytest.raises(Rejected) as caught:
        await client.create("customers", {"name": "", "partner_id": "x", "location_id": 1})
    assert caught.value.field == "partner_id"
    assert fake.requests == []
    with pytest.raises(ConfigError, match="nickname"):
        await client.update("customers", 1, {"nickname": "x"})


async def test_retry_budget_ends_in_gave_up(fake: FakeSplynx) -> None:
    fake.faults = ["503"] * 100
    async with SplynxClient.open(
        settings(retry_budget=10.0), transport=httpx.MockTransport(fake), clock=FakeClock()
    ) as client:
        with pytest.raises(GaveUp, match="create customers"):
            await client.create("customers", customer(1))


async def test_non_json_answer_is_a_protocol_error() -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(201, content=b"<html>login</html>"))
    async with SplynxClient.open(settings(), transport=transport, clock=FakeClock()) as client:
        with pytest.raises(ProtocolError, match="non-JSON"):
            await client.create("partners", p.Partner(name="x"))


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"splynx_url": None}, "SPLYNX_URL"),
        ({"splynx_api_key": None}, "SPLYNX_API_KEY"),
        ({"splynx_api_secret": SecretStr("")}, "SPLYNX_API_SECRET"),
        ({"splynx_url": "https://splynx.test:port"}, "SPLYNX_URL is not usable"),
    ],
)
async def test_missing_settings_are_named(changes: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        async with SplynxClient.open(settings(**changes)):
            pass


async def test_insecure_warns(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("migrator.splynx.connect")
    logger.addHandler(caplog.handler)  # other tests may have set the logging tree up
    try:
        async with SplynxClient.open(settings(insecure=True)):
            pass
    finally:
        logger.removeHandler(caplog.handler)
    assert "TLS certificate verification is OFF" in caplog.text


async def test_create_once_adopts_when_the_resend_is_refused_as_a_duplicate() -> None:
    # The first POST was slow: not found right after, but done by the time we re-send,
    # so Splynx refuses the copy (unique sonar_id) and the second look-up finds it.
    record = {"id": 9, "name": "C 5", "additional_attributes": {"sonar_id": "5"}}
    script = [
        httpx.ReadTimeout("no answer"),
        httpx.Response(200, json=[]),
        httpx.Response(422, json=[{"field": "sonar_id", "message": "must be unique"}]),
        httpx.Response(200, json=[record]),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        step = script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    async with SplynxClient.open(
        settings(), transport=httpx.MockTransport(handler), clock=FakeClock()
    ) as client:
        created = await client.create_once("customers", customer(5))
    assert (created.id, created.adopted) == (9, True)
    assert script == []


async def test_create_once_with_another_marker(client: SplynxClient, fake: FakeSplynx) -> None:
    fake.faults = ["drop-after"]
    payload = p.Customer(name="By login", partner_id=1, location_id=1, login="sonar-42")
    created = await client.create_once("customers", payload, marker=Marker("login"))
    assert (created.id, created.adopted) == (1, True)
    assert "main_attributes%5Blogin%5D=sonar-42" in str(fake.requests[-1].url)


async def test_a_record_without_the_marker_is_never_adopted() -> None:
    # A server that ignored the marker filter answers with unrelated records.
    stranger = {"id": 4, "name": "Someone", "additional_attributes": {}}
    other = {"id": 5, "name": "Other", "additional_attributes": {"sonar_id": "6"}}
    transport = httpx.MockTransport(lambda _: httpx.Response(200, json=[stranger, other]))
    async with SplynxClient.open(settings(), transport=transport, clock=FakeClock()) as client:
        assert await client.find_by_marker("customers", "5") is None


async def test_the_splynx_rate_limit_spaces_requests(fake: FakeSplynx) -> None:
    clock = FakeClock()
    async with SplynxClient.open(
        settings(splynx_rate=10.0), transport=httpx.MockTransport(fake), clock=clock
    ) as client:
        started = clock.now()
        for n in range(6):
            await client.create("partners", p.Partner(name=f"P{n}"))
        assert clock.now() - started == pytest.approx(0.5)  # 6 permits at 10/s
        assert client.session.limiter.granted == 6


async def test_a_429_holds_every_writer_back_for_retry_after(fake: FakeSplynx) -> None:
    clock = FakeClock()
    async with SplynxClient.open(
        settings(), transport=httpx.MockTransport(fake), clock=clock
    ) as client:
        fake.faults = ["429"]  # Retry-After: 3
        started = clock.now()
        await client.create("partners", p.Partner(name="P"))
        assert clock.now() - started >= 3.0
        assert client.stats.rate_limited == 1 and client.stats.retries == 1


async def test_a_marker_look_up_answered_with_no_list_is_an_error_not_a_miss() -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(200, json={"items": []}))
    async with SplynxClient.open(settings(), transport=transport, clock=FakeClock()) as client:
        with pytest.raises(ProtocolError, match="answered dict, not a list"):
            await client.find_by_marker("customers", "42")
