"""Running a whole migration against a simulator pair, and checking Splynx against Sonar.

``verify_splynx`` reads Splynx back through its API and holds it against what
the transform makes of each Sonar record, the Sonar side computed from the
simulator's own tables (``tests/support/ground_truth``): every customer,
service, tariff and comment exactly once, or rejected. The migration tests
share it, so each proves the same thing about its own way of running.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from migrator.entity_map import ENTITY_ORDER
from migrator.errors import Rejected
from migrator.events import Event
from migrator.pipeline.finance_specs import FINANCE_ENTITIES
from migrator.pipeline.migration import MigrationRequest, migrate
from migrator.pipeline.state import StateStore
from migrator.pipeline.support_specs import SUPPORT_ENTITIES
from migrator.profile import Profile, load_profile
from migrator.records import Resolved
from migrator.settings import Settings
from migrator.sonar.entities import AccountStatus, AccountType
from migrator.splynx.client import SplynxClient
from migrator.splynx.query import Search, where
from migrator.transform.customers import CustomerLookups, customer_from_account
from tests.support.access_checks import check_network_access
from tests.support.ground_truth import nested_accounts
from tests.support.pair import Pair, settings_for

__all__ = [
    "NO_MONEY",
    "check_children",
    "check_customers",
    "check_tariffs",
    "differences",
    "everything",
    "rejects_of",
    "run",
    "same",
    "verify_splynx",
]


# Every entity but the money and support ones: the migration tests that check customers,
# services and comments run without the ledger (tests/integration/test_finance_e2e.py moves
# it) and without tickets (tests/integration/test_support_e2e.py).
NO_MONEY: tuple[str, ...] = tuple(
    e for e in ENTITY_ORDER if e not in FINANCE_ENTITIES and e not in SUPPORT_ENTITIES
)


def same(expected: Any, actual: Any) -> bool:
    """Splynx answers with its own spellings: numbers may be strings, money has 4 decimals."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(same(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, list):
        return sorted(map(str, expected)) == sorted(map(str, actual or []))
    if isinstance(expected, bool | int | float | Decimal) and not isinstance(expected, bool):
        try:
            return Decimal(str(expected)) == Decimal(str(actual))
        except InvalidOperation:
            return False
    return str(expected) == str(actual)


def differences(expected: dict[str, Any], actual: dict[str, Any], skip: set[str]) -> list[str]:
    return [
        f"{key}: expected {value!r}, Splynx has {actual.get(key)!r}"
        for key, value in expected.items()
        if key not in skip and not same(value, actual.get(key))
    ]


async def everything(client: SplynxClient, endpoint: str, search: Search | None = None) -> list:
    return [record async for record in client.iterate(endpoint, search)]


async def run(
    pair: Pair,
    state: Path,
    *,
    entities: Sequence[str] = NO_MONEY,
    profile: Profile | None = None,
    since: str | None = None,
    **overrides: Any,
) -> tuple[Any, Settings, list[Event]]:
    """One migration (without money, unless ``entities`` names it) through the pair; with
    ``since``, a delta sync."""
    settings = settings_for(pair, state, **overrides)
    events: list[Event] = []
    request = MigrationRequest(
        settings, profile or load_profile("full"), list(entities), since=since
    )
    return await migrate(request, events.append), settings, events


async def check_customers(client: SplynxClient, pair: Pair, rejected: set[int]) -> dict[int, int]:
    """Every account is a customer exactly once with the transform's fields, or rejected."""
    [company] = pair.dataset.records("companies")
    [partner] = [r for r in await everything(client, "partners") if r["name"] == company["name"]]
    [location] = [r for r in await everything(client, "locations") if r["name"] == "Sonar import"]
    customers = await everything(client, "customers")
    markers = Counter(int(c.additional_attributes["sonar_id"]) for c in customers)
    assert [m for m, n in markers.items() if n > 1] == [], "a customer was created twice"
    by_marker = {int(c.additional_attributes["sonar_id"]): c for c in customers}
    dataset = pair.dataset
    lookups = CustomerLookups(
        {
            int(s["id"]): AccountStatus.model_validate(s)
            for s in dataset.records("account_statuses")
        },
        {int(t["id"]): AccountType.model_validate(t) for t in dataset.records("account_types")},
        {int(f["id"]): f["name"] for f in dataset.records("custom_fields")},
    )
    profile = load_profile("full")
    accounts = nested_accounts(dataset)
    for account in accounts:
        resolved = Resolved({"company_id": partner.id, "location": location.id})
        try:
            expected = customer_from_account(
                account,
                resolved,
                lookups=lookups,
                rules=profile.customers,
                cleanup=profile.cleanup,
                zone=ZoneInfo(profile.defaults.timezone),
            ).payload.customer.body()
        except Rejected:
            assert account.id in rejected and account.id not in by_marker
            continue
        if account.id in rejected:  # refused by Splynx (a 422), its reason kept: not there
            assert account.id not in by_marker, f"account {account.id} is rejected and there"
            continue
        assert account.id in by_marker, f"account {account.id} is missing from Splynx"
        actual = by_marker[account.id].fields()
        assert differences(expected, actual, skip={"parent_id"}) == [], account.id
        if account.parent_account_id is not None and account.parent_account_id in by_marker:
            assert int(actual["parent_id"]) == by_marker[account.parent_account_id].id
    assert len(by_marker) == len(accounts) - len(rejected & {a.id for a in accounts})
    return {sonar: record.id for sonar, record in by_marker.items()}


async def check_children(
    client: SplynxClient, pair: Pair, customers: dict[int, int], rejected: dict[str, set[int]]
) -> None:
    """Services and comments: once each, on the right customer (unless rejected)."""
    dataset = pair.dataset
    kinds = {int(s["id"]): s["type"] for s in dataset.records("services")}
    any_id = Search(main={"id": where(">", 0)})
    internet = await everything(client, "internet_services", any_id)
    recurring = await everything(client, "recurring_services", any_id)
    for found, wanted_kind, entity in (
        (internet, {"DATA"}, "internet_services"),
        (recurring, {"RECURRING"}, "recurring_services"),
    ):
        markers = Counter(int(s.additional_attributes["sonar_id"]) for s in found)
        assert max(markers.values(), default=1) == 1, "a service was created twice"
        expected = {
            int(h["id"]): customers[int(h["account_id"])]
            for h in dataset.records("account_services")
            if kinds.get(int(h["service_id"])) in wanted_kind
            and int(h["account_id"]) in customers
            and int(h["id"]) not in rejected.get(entity, set())
        }
        actual = {int(s.additional_attributes["sonar_id"]): int(s["customer_id"]) for s in found}
        assert actual == expected
    notes = await everything(client, "customer_notes")
    titles = Counter(n["title"] for n in notes)
    assert max(titles.values(), default=1) == 1, "a comment was created twice"
    expected_notes = {
        f"sonar:note:{n['id']}": customers[int(n["noteable_id"])]
        for n in dataset.records("notes")
        if n["noteable_type"] == "Account"
        and int(n["noteable_id"]) in customers
        and int(n["id"]) not in rejected.get("customer_notes", set())
    }
    assert {n["title"]: int(n["customer_id"]) for n in notes} == expected_notes


async def check_tariffs(client: SplynxClient, pair: Pair) -> None:
    services = list(pair.dataset.records("services"))
    for endpoint, kind in (("internet_tariffs", "DATA"), ("recurring_tariffs", "RECURRING")):
        titles = [t["title"] for t in await everything(client, endpoint)]
        assert len(titles) == len(set(titles)) == sum(1 for s in services if s["type"] == kind)


async def verify_splynx(
    pair: Pair, settings: Settings, rejected: dict[str, set[int]]
) -> dict[str, int]:
    """Everything checked; returns how many logins, MACs and static IPs were checked."""
    async with SplynxClient.open(settings) as client:
        customers = await check_customers(client, pair, rejected.get("customers", set()))
        await check_children(client, pair, customers, rejected)
        await check_tariffs(client, pair)
        return await check_network_access(client, pair, customers, rejected)


def rejects_of(state: Path) -> dict[str, set[int]]:
    store = StateStore.open(state)
    found: dict[str, set[int]] = {}
    for row in store.rejects():
        found.setdefault(row.entity, set()).add(row.sonar_id)
    store.close()
    return found
