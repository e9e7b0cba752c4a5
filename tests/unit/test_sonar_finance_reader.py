"""The nested finance reader's decisions, against a scripted stand-in for the Sonar client.

The stand-in answers the reader's documents from a small ledger the way the
simulator would (keyset pages of accounts, nested pages of ``$nested``
records, follow-up pages of one account's relation, a page-size clamp) and
fails, as the real client would after classifying the answer, any document
whose answer would hold more than ``limit`` entities. It records the retry
rule each request was sent with: the real client's retries are not what is
tested here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from migrator.errors import ConfigError, ProtocolError, ServerError
from migrator.policy.retry import is_retriable
from migrator.sonar.finance import NestedFinance
from migrator.sonar.queries import FINANCE_FIELDS, relation_page_document
from migrator.sonar.sizing import DocumentSizer
from migrator.sonar.variables import Window

# account id -> how many invoices, debits, credits, payments it has
LEDGER = {
    3: (2, 5, 0, 1),
    5: (0, 0, 0, 0),
    8: (12, 30, 4, 9),
    9: (1, 1, 1, 1),
    12: (7, 0, 3, 25),
    20: (4, 4, 4, 4),
}


def child_ids(account: int, field: str) -> list[str]:
    count = LEDGER[account][FINANCE_FIELDS.index(field)]
    base = account * 1000 + FINANCE_FIELDS.index(field) * 100
    return [str(base + k) for k in range(count)]


def _info(total: int, per_page: int, page: int = 1) -> dict[str, int]:
    return {"page": page, "records_per_page": per_page, "total_count": total, "total_pages": 1}


class ScriptedSonar:
    """Answers ``NestedFinance``'s documents from ``LEDGER``; see the module's docstring."""

    def __init__(self, *, limit: int = 0, clamp: int = 1000, fail: Exception | None = None):
        self.limit, self.clamp, self.fail = limit, clamp, fail
        self.sent: list[tuple[str, Mapping[str, Any], Callable[[BaseException], bool]]] = []
        self.between_failures: Callable[[], None] = lambda: None

    async def execute(
        self,
        document: Any,
        variables: Mapping[str, Any],
        *,
        operation: str,
        retry_if: Callable[[BaseException], bool] = is_retriable,
    ) -> dict[str, Any]:
        follow_up = next(
            (f for f in FINANCE_FIELDS if document is relation_page_document("accounts", f)), None
        )
        self.sent.append((follow_up or "nested", variables, retry_if))
        assert len(self.sent) < 100, "runaway: the reader keeps asking"
        if self.fail is not None:
            raise self.fail
        if follow_up is not None:
            return self._follow_up(follow_up, variables)
        return self._nested(variables)

    def _nested(self, variables: Mapping[str, Any]) -> dict[str, Any]:
        bounds = {
            c["operator"]: c["search_value"] for c in variables["search"][0]["integer_fields"]
        }
        ids = [a for a in LEDGER if a > bounds["GT"] and a <= bounds.get("LTE", 10**9)]
        per_page = min(self.clamp, variables["paginator"]["records_per_page"])
        nested = min(self.clamp, variables["nested"]["records_per_page"])
        accounts = []
        for account in ids[:per_page]:
            entity: dict[str, Any] = {"id": str(account)}
            for field in FINANCE_FIELDS:
                children = child_ids(account, field)
                entity[field] = {
                    "entities": [{"id": c} for c in children[:nested]],
                    "page_info": _info(len(children), nested),
                }
            accounts.append(entity)
        held = len(accounts) + sum(len(a[f]["entities"]) for a in accounts for f in FINANCE_FIELDS)
        if self.limit and held > self.limit:
            self.between_failures()
            raise ServerError('Sonar failed (HTTP 500): {"message": "Server Error"}')
        return {"accounts": {"entities": accounts, "page_info": _info(len(ids), per_page)}}

    def _follow_up(self, field: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        account = variables["search"][0]["integer_fields"][0]["search_value"]
        page = variables["paginator"]["page"]
        per_page = min(self.clamp, variables["paginator"]["records_per_page"])
        children = child_ids(account, field)
        window = children[(page - 1) * per_page : page * per_page]
        connection = {"entities": [{"id": c} for c in window], "page_info": _info(0, per_page)}
        return {"accounts": {"entities": [{"id": str(account), field: connection}]}}

    def nested_sizes(self) -> list[tuple[int, int]]:
        return [
            (v["paginator"]["records_per_page"], v["nested"]["records_per_page"])
            for kind, v, _ in self.sent
            if kind == "nested"
        ]


async def read_raw(sonar: ScriptedSonar, reader: NestedFinance, page_size: int) -> list[dict]:
    """Every account's raw entity, page after page (as ``Extractor.pages`` walks them)."""
    accounts: list[dict] = []
    after = 0
    while True:
        batch = await reader.read(sonar, after, None, page_size, None, "finance")  # type: ignore[arg-type]
        accounts += batch.entities
        if len(batch.entities) >= batch.total_count:
            return accounts
        after = batch.last_id


def assert_complete(accounts: list[dict]) -> None:
    assert [int(a["id"]) for a in accounts] == sorted(LEDGER)
    for account in accounts:
        for field in FINANCE_FIELDS:
            assert [c["id"] for c in account[field]] == child_ids(int(account["id"]), field)


async def test_one_request_per_page_and_follow_ups_only_for_what_overflowed() -> None:
    sonar = ScriptedSonar()
    accounts = await read_raw(sonar, NestedFinance(nested_page_size=10), page_size=4)
    assert_complete(accounts)
    follow_ups = [(kind, v["search"][0]["integer_fields"][0]["search_value"])
                  for kind, v, _ in sonar.sent if kind != "nested"]  # fmt: skip
    # account 8 has 12 invoices and 30 debits, account 12 has 25 payments: nothing else,
    # in pages as large as the nested ones (10; larger than the 4 accounts of a page)
    assert sorted(follow_ups) == [
        ("debits", 8), ("debits", 8), ("invoices", 8), ("payments", 12), ("payments", 12)
    ]  # fmt: skip
    assert sonar.nested_sizes() == [(4, 10), (4, 10)]


async def test_a_failed_document_is_asked_again_smaller_and_nothing_is_lost() -> None:
    sonar = ScriptedSonar(limit=50)
    reader = NestedFinance(sizer=DocumentSizer(nested=40, min_nested=5))
    accounts = await read_raw(sonar, reader, page_size=4)
    assert_complete(accounts)
    # each size is tried twice (a 5xx may be a passing one) before it is halved: 4 accounts
    # fail, 2 pass (3 and 5); 8 and 9 fail, 8 alone still fails (56 entities at 40 a nested
    # page): accounts per page are halved first, then the nested pages
    assert sonar.nested_sizes()[:8] == [
        (4, 40), (4, 40), (2, 40), (2, 40), (2, 40), (1, 40), (1, 40), (1, 20)
    ]  # fmt: skip
    assert reader.sizer.shrinks == 3
    # above the floor a 5xx comes straight back to the reader instead of being retried
    for kind, _, retry_if in sonar.sent:
        if kind == "nested":
            assert not retry_if(ServerError("HTTP 500"))


async def test_at_the_floor_the_ordinary_error_path_takes_over() -> None:
    sonar = ScriptedSonar(limit=1)
    reader = NestedFinance(sizer=DocumentSizer(nested=4, min_nested=2, strikes=1))
    with pytest.raises(ServerError):
        await reader.read(sonar, 0, None, 2, None, "finance")  # type: ignore[arg-type]
    assert sonar.nested_sizes() == [(2, 4), (1, 4), (1, 2)]
    *_, (_, _, last_rule) = sonar.sent
    assert last_rule(ServerError("HTTP 500"))  # the floor's request: retried as any other


async def test_an_error_that_says_nothing_about_size_is_not_answered_by_shrinking() -> None:
    sonar = ScriptedSonar(fail=ProtocolError("Cannot query field"))
    reader = NestedFinance()
    with pytest.raises(ProtocolError):
        await reader.read(sonar, 0, None, 100, None, "finance")  # type: ignore[arg-type]
    assert len(sonar.sent) == 1 and reader.sizer.shrinks == 0


async def test_follow_ups_survive_a_server_that_clamps_their_pages() -> None:
    sonar = ScriptedSonar(clamp=7)  # nested pages and follow-up pages alike hold 7 at most
    accounts = await read_raw(sonar, NestedFinance(nested_page_size=100), page_size=100)
    assert_complete(accounts)
    debit_pages = [v["paginator"] for kind, v, _ in sonar.sent if kind == "debits"]
    # 30 debits: 7 nested; then page 1 of 100 (clamped to 7: nothing new), pages 2.. of 7
    assert debit_pages[0] == {"page": 1, "records_per_page": 100}
    assert [p["page"] for p in debit_pages[1:]] == [2, 3, 4, 5]


async def test_a_relation_that_announces_more_than_it_holds_is_a_protocol_error() -> None:
    sonar = ScriptedSonar()
    sonar._follow_up = lambda field, variables: {  # type: ignore[method-assign]
        "accounts": {"entities": [{"id": "8", field: {"entities": [], "page_info": {}}}]}
    }
    reader = NestedFinance(nested_page_size=10)
    with pytest.raises(ProtocolError, match="account 8 invoices: 12 announced, only 10 found"):
        await reader.read(sonar, 0, None, 10, None, "finance")  # type: ignore[arg-type]


async def test_a_page_too_large_is_made_smaller_however_many_other_pages_pass() -> None:
    """Counted per document: other producers' good pages do not keep a bad one retried."""
    sonar = ScriptedSonar(limit=50)
    reader = NestedFinance(sizer=DocumentSizer(nested=40, min_nested=5))
    # another producer's page passes between any two tries of this one
    sonar.between_failures = lambda: reader.sizer.succeeded(reader.sizer.size(4))
    batch = await reader.read(sonar, 5, None, 4, None, "finance")  # type: ignore[arg-type]
    assert [a["id"] for a in batch.entities] == ["8"]
    assert sonar.nested_sizes() == [(4, 40), (4, 40), (2, 40), (2, 40), (1, 40), (1, 40), (1, 20)]


async def test_a_delta_by_account_is_refused_rather_than_missing_ledger_changes() -> None:
    with pytest.raises(ConfigError, match="names the accounts whose invoices"):
        await NestedFinance().read(
            ScriptedSonar(), 0, None, 10, Window(datetime.now(UTC)), "finance"
        )  # type: ignore[arg-type]
