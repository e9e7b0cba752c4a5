"""What the API sink calls an outcome: a record found by a natural key is the ISP's own."""

from __future__ import annotations

import json

import httpx

from migrator.pipeline.sinks import ApiSink
from migrator.splynx import payloads as p
from migrator.splynx.client import SplynxClient
from tests.support.clock import FakeClock
from tests.support.splynx_mock_settings import settings


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
