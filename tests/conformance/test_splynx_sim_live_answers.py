"""Every answer the reference records from the live Splynx, replayed against the simulator.

Each row quotes the reference (``splynx_api_reference.md``) where the answer is
recorded; the test checks the quote is really there, then that the simulator
gives the same status, size and internal code. All live tests used Basic auth
with an unrestricted key (reference §0), as here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.splynx_sim import RunningSim, running

JSON_SEARCH = "main_attributes=%7B%22tariff_id%22%3A1%7D"  # main_attributes={"tariff_id":1}


@dataclass(frozen=True)
class Recorded:
    verb: str
    path: str
    status: int
    quote: str  # where splynx_api_reference.md records it
    size: int | None = None  # body bytes, where recorded
    internal_code: str | None = None
    body: dict[str, object] | None = None


RECORDED = (
    Recorded("POST", "admin/auth/tokens", 401, "`POST /admin/auth/tokens {}` → 401 (110-byte body)",
             110, "INVALID_AUTH_TYPE", {}),
    Recorded("GET", "admin/auth/tokens", 405, "`GET` → 405 (276 bytes)", 276, "METHOD_NOT_ALLOWED"),
    Recorded("PUT", "admin/auth/tokens", 400,
             "`PUT`/`DELETE` without token → 400 (97 bytes)", 97, "BAD_REQUEST"),
    Recorded("DELETE", "admin/auth/tokens", 400,
             "`PUT`/`DELETE` without token → 400 (97 bytes)", 97, "BAD_REQUEST"),
    # the size 84 is the raw record's (405_error_investigation), the digest names the status
    Recorded("OPTIONS", "admin/auth/tokens", 500, "`OPTIONS`/`HEAD` → 500", 84, "SERVER_ERROR"),
    Recorded("HEAD", "admin/auth/tokens", 500, "`OPTIONS`/`HEAD` → 500", 0),
    Recorded("GET", "admin/finance/refill-cards", 405,
             "disabled → 405 (`GET admin/finance/refill-cards`", 88, "METHOD_DISABLED"),
    Recorded("HEAD", "admin/finance/refill-cards", 204, "204, empty body (refill-cards)", 0),
    Recorded("GET", "admin/networking/cpe", 405,
             "every verb on `admin/networking/cpe|cpe-ap|cpe-qos`", 88, "METHOD_DISABLED"),
    Recorded("POST", "admin/fup/cap-tariff", 405,
             "`admin/fup/cap-tariff|capped-data`", 88, "METHOD_DISABLED", {}),
    Recorded("POST", "admin/finance/bank-statements", 201, "bank-statements → **201**", body={}),
    Recorded("POST", "admin/customers/customer-statistics", 404,
             "customer-statistics → 404", body={}),
    Recorded("GET", "admin/dashboard/dashboard", 403,
             "no permission → 403 (`admin/dashboard/dashboard`"),
    Recorded("GET", "admin/auth/sessions", 403,
             "`admin/auth/sessions`, `portal/*` with an admin key"),
    Recorded("GET", "portal/dashboard/dashboard", 403, "`portal/*` with an admin key"),
    Recorded("GET", "admin/services/internet", 404,
             "404 paths tried by older repo code [OBS]: `admin/services/*`"),
    Recorded("PUT", "admin/customers/customer", 400, "PUT on a collection URL (no id) → 400"),
    Recorded("DELETE", "admin/customers/customer", 400, "DELETE on a collection URL → 400"),
    Recorded("GET", "admin/customers/customer", 200, "empty collection → `[]`"),
    Recorded("GET", "admin/customers/customer/0/internet-services?" + JSON_SEARCH,
             500, "returned **500** (all four service types)"),
    Recorded("GET", "admin/networking/ipv4-ip/1?limit=5", 400,
             "`GET admin/networking/ipv4-ip/1?limit=5`", internal_code="BAD_REQUEST"),
)  # fmt: skip
# POST {} answered 422 on these (reference §2.3, [OBS creation_capabilities]).
REFUSED_EMPTY = (
    "admin/customers/customer", "admin/customers/customers-online", "admin/tariffs/internet",
    "admin/tariffs/recurring", "admin/tariffs/one-time", "admin/finance/transactions",
    "admin/finance/invoices", "admin/finance/payments", "admin/finance/payment-methods",
    "admin/finance/transaction-categories", "admin/administration/locations",
    "admin/administration/administrators", "admin/administration/partners",
    "admin/support/tickets", "admin/finance/refill-cards", "admin/networking/ipv4",
    "admin/networking/ipv6",
)  # fmt: skip


@pytest.fixture(scope="module")
def digest(reference_dir: Path) -> str:
    return (reference_dir / "splynx_api_reference.md").read_text(encoding="utf-8")


async def answer_of(sim: RunningSim, recorded: Recorded) -> tuple[int, bytes, str | None]:
    kwargs = {} if recorded.body is None else {"json": recorded.body}
    answer = await sim.client.request(recorded.verb, recorded.path, **kwargs)
    code = None
    if answer.content and answer.status_code >= 400:
        code = answer.json()["error"]["internal_code"]
    return answer.status_code, answer.content, code


@pytest.mark.parametrize("recorded", RECORDED, ids=lambda r: f"{r.verb} {r.path[:40]}")
async def test_the_simulator_gives_the_recorded_answer(recorded: Recorded, digest: str) -> None:
    assert recorded.quote in digest, "the reference does not record this"
    async with running() as sim:
        status, content, code = await answer_of(sim, recorded)
    assert status == recorded.status, content
    if recorded.size is not None:
        assert len(content) == recorded.size, content
    if recorded.internal_code is not None:
        assert code == recorded.internal_code


async def test_an_empty_create_is_refused_where_it_was_live(digest: str) -> None:
    listed = digest.split("### 2.3", 1)[1].split("###", 1)[0]
    for path in REFUSED_EMPTY:
        assert path.removeprefix("admin/").split("/")[-1] in listed, path
    async with running() as sim:
        for path in REFUSED_EMPTY:
            answer = await sim.client.post(path, json={})
            assert answer.status_code == 422, (path, answer.text)


async def test_api_check_answers_the_live_body(digest: str) -> None:
    live = '{"status":"ok","message":"API is valid","same_server":0}'
    assert f"real answer `{live}`" in digest
    async with running() as sim:
        answer = await sim.client.get("admin/api/check", params={"code": "", "checkAuth": ""})
    assert answer.content.decode() == live
