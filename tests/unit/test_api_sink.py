"""What the API sink calls an outcome: a record found by a natural key is the ISP's own."""

from __future__ import annotations

import json

import httpx
import pytest

from migrator.pipeline.sinks import ApiSink
from migrator.splynx import payloads as p
from migrator.splynx.client import SplynxClient
from tests.support.clock import FakeClock
from tests.unit.test_splynx_client import settings


def refused_then_found(found: list[int]) -> httpx.MockTransport:
    """Splynx with no 'Downtown' at the first look, refusing the create as a duplicate,
    and holding one (made by somebody meanwhile) at the second look."""
    looks = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal looks
        if request.method == "GET":
            looks += 1
            rows = [{"id": fid, "name": "Downtown"} for fid in found] if looks > 1 else []
            return httpx.Response(200, json=rows)
        body = [{"field": "name", "message": "Name has already been taken."}]
        return httpx.Response(422, content=json.dumps(body).encode())

    return httpx.MockTransport(handler)


async def test_a_refused_create_of_a_natural_key_found_after_all_is_existing() -> None:
    async with SplynxClient.open(
        settings(), transport=refused_then_found([7]), clock=FakeClock()
    ) as client:
        sink: ApiSink[p.Location] = ApiSink(client, "locations", natural_key=True)
        delivered = await sink.deliver(p.Location(name="Downtown"), verify=False)
    assert (delivered.splynx_id, delivered.how) == (7, "existing")


def splynx_without(unique: bool, sent: list[str]) -> httpx.MockTransport:
    """An empty Splynx whose customers' sonar_id field is (not) unique; records each request."""

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        if request.method == "OPTIONS":
            field = {"name": "sonar_id", "type": "string", "is_unique": unique}
            return httpx.Response(200, json={"attributes": [], "additional_attributes": [field]})
        if request.method == "GET":
            return httpx.Response(200, json=[])
        return httpx.Response(201, json={"id": 5})

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("unique", [True, False])
async def test_a_marker_splynx_does_not_hold_unique_is_looked_up_before_every_create(
    unique: bool,
) -> None:
    sent: list[str] = []
    async with SplynxClient.open(
        settings(), transport=splynx_without(unique, sent), clock=FakeClock()
    ) as client:
        sink: ApiSink[p.Customer] = ApiSink(client, "customers")
        for sonar_id in (1, 2):
            customer = p.Customer(
                name="A", partner_id=1, location_id=1, additional_attributes={"sonar_id": sonar_id}
            )
            assert (await sink.deliver(customer, verify=False)).how == "created"
    looks = ["OPTIONS", "POST", "POST"] if unique else ["OPTIONS", "GET", "POST", "GET", "POST"]
    assert sent == looks  # Splynx is asked once whether the field is unique


async def test_a_comment_title_is_always_looked_up_first() -> None:
    sent: list[str] = []
    async with SplynxClient.open(
        settings(), transport=splynx_without(True, sent), clock=FakeClock()
    ) as client:
        sink: ApiSink[p.CustomerNote] = ApiSink(client, "customer_notes")
        note = p.CustomerNote(customer_id=3, comment="hi", title="sonar:note:9")
        assert (await sink.deliver(note, verify=False)).how == "created"
    assert sent == ["GET", "POST"]  # no unique check exists for a main field: nothing to ask
