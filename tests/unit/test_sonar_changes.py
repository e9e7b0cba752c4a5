"""A batch of changes to a served dataset (``apply_changes``): deterministic, stamped, above
the old ids, columns in agreement, nothing else moved, the generator's invariants kept."""

from __future__ import annotations

import ipaddress
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from migrator.sim.sonar.changes import (
    ARCHIVED_QUERIES,
    CREATED_QUERIES,
    UPDATED_QUERIES,
    ChangeSummary,
    apply_changes,
)
from migrator.sim.sonar.fields import entity_spec
from migrator.sim.sonar.fixture_dump import write_fixture
from migrator.sim.sonar.fixture_load import load_fixture
from migrator.sim.sonar.foreign_keys import FOREIGN_KEYS, broken_references
from migrator.sim.sonar.generate import generate_dataset
from migrator.sim.sonar.instance_time import NOW, instant_to_iso, iso_to_instant
from migrator.sim.sonar.table import Dataset
from migrator.sonar.schema import SERVED_QUERIES, entity_fields

SCALE, SEED, FRACTION = 200, 7, 0.1
WHEN = datetime(2025, 6, 3, 14, 30, 5, tzinfo=UTC)
# Derived free-space figures, which follow new IP assignments without a bump.
DERIVED = {"subnets": {"largest_cidr_available"}, "ip_pools": {"ips_available"}}
GONE = {"Cancelled", "Moved", "Disconnected - NonPay"}

Records = dict[str, dict[str, dict[str, Any]]]


def snapshot(dataset: Dataset) -> Records:
    return {q: {r["id"]: r for r in dataset.records(q)} for q in SERVED_QUERIES}


@pytest.fixture(scope="module")
def batch() -> tuple[Records, Dataset, ChangeSummary]:
    """The records before, the changed dataset, and what the batch said it did."""
    dataset = generate_dataset(SCALE, SEED)
    before = snapshot(dataset)
    return before, dataset, apply_changes(dataset, seed=3, fraction=FRACTION, now=WHEN)


def touched(summary: ChangeSummary, query: str) -> set[str]:
    ids = [*summary.created.get(query, ()), *summary.updated.get(query, ())]
    ids += summary.archived.get(query, ())
    return {str(i) for i in ids}


def test_the_summary_has_every_kind_of_change_in_its_share(
    batch: tuple[Records, Dataset, ChangeSummary],
) -> None:
    _, _, summary = batch
    assert set(summary.created) == set(CREATED_QUERIES)
    assert set(summary.updated) == set(UPDATED_QUERIES)
    assert set(summary.archived) == set(ARCHIVED_QUERIES)
    size = SCALE * FRACTION  # 20 accounts: 4 sign-ups, 4 updates, 1 archived, ...
    assert len(summary.created["accounts"]) == round(0.2 * size)
    assert len(summary.updated["accounts"]) == round(0.2 * size)
    assert len(summary.archived["accounts"]) == 1
    always = ("contacts", "phone_numbers", "addresses", "account_services",
              "account_billing_parameters", "radius_accounts", "notes", "payments")  # fmt: skip
    for query in always:
        assert summary.created[query], query
    assert len(summary.updated["contacts"]) == 2 and len(summary.updated["account_services"]) == 1
    assert len(summary.created["notes"]) == len(summary.created["payments"]) == 3
    assert summary.at == instant_to_iso(iso_to_instant(WHEN.isoformat()))
    assert summary.model_dump(mode="json")["at"].endswith("-05:00")  # the instance's zone
    for ids in (*summary.created.values(), *summary.updated.values()):
        assert ids == sorted(set(ids))


def test_the_same_seed_on_the_same_data_makes_the_same_changes(
    batch: tuple[Records, Dataset, ChangeSummary],
) -> None:
    _, changed, summary = batch
    again = generate_dataset(SCALE, SEED)
    assert apply_changes(again, seed=3, fraction=FRACTION, now=WHEN) == summary
    for query in CREATED_QUERIES:
        assert list(again.records(query)) == list(changed.records(query)), query
    other = apply_changes(generate_dataset(SCALE, SEED), seed=4, fraction=FRACTION, now=WHEN)
    assert other.updated["accounts"] != summary.updated["accounts"]


def test_created_records_are_new_ids_above_the_old_ones_stamped_now(
    batch: tuple[Records, Dataset, ChangeSummary],
) -> None:
    before, changed, summary = batch
    for query, ids in summary.created.items():
        highest = max((int(i) for i in before[query]), default=0)
        assert ids == list(range(highest + 1, highest + 1 + len(ids))), query
        for record_id in ids:
            record = changed.get(query, record_id)
            assert record is not None
            assert record["created_at"] == record["updated_at"] == summary.at, query
            assert record["_version"] == "1"
            assert record["sonar_unique_id"] not in {
                r["sonar_unique_id"] for r in before[query].values()
            }


def test_changed_records_are_stamped_and_counted_and_nothing_else_moved(
    batch: tuple[Records, Dataset, ChangeSummary],
) -> None:
    before, changed, summary = batch
    for query in SERVED_QUERIES:
        mine = touched(summary, query)
        for record in changed.records(query):
            old = before[query].get(record["id"])
            if record["id"] in mine and old is not None:
                assert record["updated_at"] == summary.at and record != old
                assert int(record["_version"]) == int(old["_version"]) + 1
                assert record["created_at"] == old["created_at"]
            elif record["id"] not in mine:
                assert old is not None, (query, record["id"])
                moved = {k for k in record if record[k] != old[k]}
                assert moved <= DERIVED.get(query, set()), (query, record["id"], moved)


def test_columns_agree_with_records_and_ids_ascend(
    batch: tuple[Records, Dataset, ChangeSummary],
) -> None:
    _, changed, _ = batch
    for query in SERVED_QUERIES:
        table, spec = changed.table(query), entity_spec(query)
        assert list(table.ids) == sorted(set(table.ids)), query
        for row in range(len(table)):
            record = table.record(row)
            assert tuple(record) == entity_fields(query)
            for name, column in table.columns.items():
                assert len(column) == len(table)
                assert column[row] == spec.field(name).key(record[name]), (query, name, row)


def test_indexes_built_before_the_batch_follow_it() -> None:
    dataset = generate_dataset(60, seed=2)
    keys = {"contacts": "contactable_id", "account_services": "account_id",
            "ip_assignments": "subnet_id", "invoices": "account_id", "notes": "noteable_id",
            "payments": "account_id", "accounts": "account_status_id"}  # fmt: skip
    for query, key in keys.items():
        dataset.table(query).index(key)  # built before, on the old rows
    apply_changes(dataset, seed=1, fraction=0.3, now=WHEN)
    for query, key in keys.items():
        table = dataset.table(query)
        wanted: dict[int, list[int]] = defaultdict(list)
        for row in range(len(table)):
            value = table.value(row, key)
            if value is not None:
                wanted[value].append(row)
        for value, rows in wanted.items():
            assert list(table.index(key).lookup(value)) == rows, (query, value)
        assert len(table.index(key).rows) == sum(map(len, wanted.values()))


def test_the_generators_invariants_still_hold(
    batch: tuple[Records, Dataset, ChangeSummary],
) -> None:
    _, changed, summary = batch
    for query in SERVED_QUERIES:
        spec = entity_spec(query)
        for record in changed.records(query):
            for name, field in spec.fields.items():
                field.validate(record[name])
            created, updated = (iso_to_instant(record[k]) for k in ("created_at", "updated_at"))
            assert created <= updated <= iso_to_instant(summary.at)
    for key in FOREIGN_KEYS:
        assert list(broken_references(changed, key)) == [], key
    paid = {p["id"]: p for p in changed.records("payments")}
    applied: Counter[str] = Counter()
    debited: Counter[str] = Counter()
    for credit in changed.records("credits"):
        if credit["creditable_type"] == "Payment":
            applied[credit["creditable_id"]] += credit["amount"]
    for payment_id, amount in applied.items():
        assert amount + paid[payment_id]["amount_remaining"] == paid[payment_id]["amount"]
    for debit in changed.records("debits"):
        if debit["invoice_id"] is not None:
            debited[debit["invoice_id"]] += debit["amount"]
    for invoice in changed.records("invoices"):
        assert invoice["total_debits"] == debited[invoice["id"]]
    exempt = {e["account_id"] for e in changed.records("tax_exemptions")}
    flagged = {p["account_id"] for p in changed.records("account_billing_parameters")
               if p["tax_exempt"]}  # fmt: skip
    assert exempt == flagged
    per_account = Counter(p["account_id"] for p in changed.records("account_billing_parameters"))
    assert set(per_account.values()) == {1} and len(per_account) == changed.count("accounts")
    macs = [m["mac_address"] for m in changed.records("uninventoried_mac_addresses")]
    assert len(set(macs)) == len(macs)
    logins = Counter(r["username"] for r in changed.records("radius_accounts"))
    for login_id in summary.created["radius_accounts"]:
        login = changed.get("radius_accounts", login_id)
        assert login is not None and logins[login["username"]] == 1


def test_new_addresses_are_free_blocks_of_their_subnets_and_pools_count_them(
    batch: tuple[Records, Dataset, ChangeSummary],
) -> None:
    before, changed, summary = batch
    subnets = {s["id"]: ipaddress.ip_network(s["subnet"]) for s in changed.records("subnets")}
    old_blocks = [ipaddress.ip_network(ip["subnet"]) for ip in before["ip_assignments"].values()]
    new = [changed.get("ip_assignments", i) for i in summary.created["ip_assignments"]]
    for ip in new:
        assert ip is not None
        block = ipaddress.ip_network(ip["subnet"])
        assert block.subnet_of(subnets[ip["subnet_id"]])  # type: ignore[arg-type]
        assert not any(block.overlaps(other) for other in old_blocks)
    blocks = [ipaddress.ip_network(ip["subnet"]) for ip in new if ip is not None]
    assert len(set(blocks)) == len(blocks)
    soft = Counter(ip["ip_pool_id"] for ip in changed.records("ip_assignments") if ip["soft"])
    for pool in changed.records("ip_pools"):
        first, last = (int(ipaddress.ip_address(a)) for a in pool["ip_range"].split("-"))
        assert pool["ips_available"] == last - first + 1 - soft[pool["id"]]


def owned(dataset: Dataset, query: str, key: str, account_id: str) -> list[dict[str, Any]]:
    """The records of ``query`` whose ``key`` names the account (an ``Account`` owner, for a
    polymorphic key)."""
    kind = key.removesuffix("_id") + "_type"
    return [
        r
        for r in dataset.records(query)
        if r[key] == account_id and r.get(kind, "Account") == "Account"
    ]


def test_new_accounts_carry_what_a_migrator_reads_of_an_account(
    batch: tuple[Records, Dataset, ChangeSummary],
) -> None:
    before, changed, summary = batch
    statuses = {s["id"]: s["name"] for s in changed.records("account_statuses")}
    old_names = {a["name"] for a in before["accounts"].values()}
    for account_id in summary.created["accounts"]:
        account = changed.get("accounts", account_id)
        assert account is not None and account["archived_at"] is None
        assert statuses[account["account_status_id"]] in ("Pending Install", "Active")
        mine = str(account_id)
        contacts = owned(changed, "contacts", "contactable_id", mine)
        assert contacts and contacts[0]["primary"]
        assert owned(changed, "addresses", "addressable_id", mine)
        assert owned(changed, "account_services", "account_id", mine)
        assert len(owned(changed, "account_billing_parameters", "account_id", mine)) == 1
        assert account["name"] not in old_names or account["name"].endswith(" II")
    logins = {r["account_id"] for r in changed.records("radius_accounts")}
    assert logins & {str(i) for i in summary.created["accounts"]}


def test_children_change_under_parents_that_do_not(
    batch: tuple[Records, Dataset, ChangeSummary],
) -> None:
    before, changed, summary = batch
    bumped = touched(summary, "accounts")
    parents = []
    for contact_id in summary.updated["contacts"]:
        contact = changed.get("contacts", contact_id)
        assert contact is not None and contact["contactable_type"] == "Account"
        assert contact["email_address"] != before["contacts"][str(contact_id)]["email_address"]
        parents.append(contact["contactable_id"])
    for query in ("account_services", "payments"):
        for record_id in summary.created[query] + summary.updated.get(query, []):
            record = changed.get(query, record_id)
            assert record is not None
            parents.append(record["account_id"])
    for note_id in summary.created["notes"]:
        note = changed.get("notes", note_id)
        assert note is not None and note["noteable_type"] == "Account"
        parents.append(note["noteable_id"])
    new_accounts = {str(i) for i in summary.created["accounts"]}
    unchanged = [p for p in parents if p not in new_accounts]
    assert len(unchanged) >= 9  # 2 contacts, 2 services added, 1 changed, 3 notes, 3 payments
    for parent in unchanged:
        assert parent not in bumped
        assert changed.get("accounts", int(parent)) == before["accounts"][parent]


def test_updates_rename_and_move_statuses_and_archives_look_generated(
    batch: tuple[Records, Dataset, ChangeSummary],
) -> None:
    before, changed, summary = batch
    statuses = {s["id"]: s for s in changed.records("account_statuses")}
    moved = []
    for account_id in summary.updated["accounts"]:
        account, old = changed.get("accounts", account_id), before["accounts"][str(account_id)]
        assert account is not None and account["archived_at"] is None
        assert account["name"] != old["name"]
        if account["account_status_id"] != old["account_status_id"]:
            moved.append(statuses[account["account_status_id"]])
    assert any(not status["activates_account"] for status in moved)
    users = {u["id"]: u for u in changed.records("users")}
    for account_id in summary.archived["accounts"]:
        account = changed.get("accounts", account_id)
        assert account is not None and account["archived_at"] == summary.at
        assert users[account["archived_by_user_id"]]["enabled"]
        assert statuses[account["account_status_id"]]["name"] in GONE
        assert account["next_bill_date"] is None and account["data_usage_percentage"] is None
        assert not account["is_delinquent"]


def test_payments_are_taken_now_and_not_yet_applied(
    batch: tuple[Records, Dataset, ChangeSummary],
) -> None:
    _, changed, summary = batch
    named = {c["creditable_id"] for c in changed.records("credits")
             if c["creditable_type"] == "Payment"}  # fmt: skip
    for payment_id in summary.created["payments"]:
        payment = changed.get("payments", payment_id)
        assert payment is not None and str(payment_id) not in named
        assert payment["amount"] > 0 and payment["amount_remaining"] == payment["amount"]
        assert payment["successful"] and payment["status"] == "SUCCEEDED"
        assert payment["payment_datetime"] == summary.at


def test_a_second_batch_goes_on_from_the_first() -> None:
    dataset = generate_dataset(80, seed=5)
    first = apply_changes(dataset, seed=1, fraction=0.2, now=WHEN)
    second = apply_changes(dataset, seed=1, fraction=0.2, now=WHEN + timedelta(hours=1))
    for query in CREATED_QUERIES:
        if first.created[query] and second.created[query]:
            assert min(second.created[query]) > max(first.created[query]), query
    assert second.updated["accounts"] != first.updated["accounts"]
    assert iso_to_instant(second.at) - iso_to_instant(first.at) == 3600 * 10**6
    with pytest.raises(ValueError, match="after every updated_at"):
        apply_changes(dataset, seed=2, now=WHEN)
    third = apply_changes(dataset, seed=2)  # the wall clock: later than anything held
    assert iso_to_instant(third.at) > iso_to_instant(second.at)


@pytest.mark.parametrize(
    ("fraction", "now", "problem"),
    [
        (0.0, WHEN, "fraction"),
        (1.5, WHEN, "fraction"),
        (0.1, datetime(2025, 6, 3, 12, 0), "time zone"),
        (0.1, datetime.fromtimestamp(NOW // 10**6, UTC), "after every updated_at"),
    ],
)
def test_a_batch_refuses_what_it_cannot_apply(fraction: float, now: datetime, problem: str) -> None:
    dataset = generate_dataset(20, seed=1)
    with pytest.raises(ValueError, match=problem):
        apply_changes(dataset, seed=1, fraction=fraction, now=now)
    assert dataset.table("accounts").overlay == {}


def test_a_fixture_changes_as_generated_data_does(tmp_path: Path) -> None:
    write_fixture(generate_dataset(60, seed=8), tmp_path)
    served = load_fixture(tmp_path)
    summary = apply_changes(served, seed=1, fraction=0.2, now=WHEN)
    assert summary.created["accounts"] and summary.updated["contacts"]
    for query in SERVED_QUERIES:
        table, spec = served.table(query), entity_spec(query)
        for row in range(len(table)):
            record = table.record(row)
            for name, column in table.columns.items():
                assert column[row] == spec.field(name).key(record[name]), (query, name)


def test_a_table_refuses_a_record_the_api_would_not_spell_or_place() -> None:
    table = generate_dataset(20, seed=1).table("accounts")
    record = table.record(0)
    for wrong, problem in (
        ({**record, "id": "0"}, "must be above"),
        (dict(reversed(record.items())), "in order"),
        ({**record, "account_type_id": 1}, "account_type_id"),
        ({**record, "created_at": "2025-06-01 10:00:00"}, "created_at"),
        ({**record, "name": None}, "name"),
    ):
        with pytest.raises(ValueError, match=problem):
            table.put(wrong)
    assert table.overlay == {} and table.record(0) == record
    table.put({**record, "name": "Renamed"})
    assert table.record(0)["name"] == "Renamed" and len(table) == 20
