"""The generated ISP: deterministic, well-formed, consistent, realistically sized and messy."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest

from migrator.sim.sonar.fields import entity_spec
from migrator.sim.sonar.foreign_keys import FOREIGN_KEYS, broken_references
from migrator.sim.sonar.generate import generate_dataset
from migrator.sim.sonar.instance_time import NOW
from migrator.sim.sonar.table import Dataset
from migrator.sonar.schema import SERVED_QUERIES, entity_fields

SCALE = 400

# Per-account ratios from reference/sonar_volumes.md (measured ones, and the estimates it
# gives for invoices, payments, notes and tickets), with room for a 400-account sample.
RATIOS = {
    "contacts": (0.95, 1.2),
    "addresses": (3.0, 3.8),
    "account_services": (0.75, 1.0),
    "ip_assignments": (0.1, 0.27),
    "invoices": (12, 36),
    "debits": (28, 42),
    "credits": (17, 27),
    "payments": (12, 36),
    "notes": (1.5, 2.6),
    "tickets": (3.0, 4.5),
    "inventory_items": (0.7, 0.95),  # a device at most served addresses (an estimate)
    "inventory_model_field_data": (1.4, 1.9),  # MAC and serial of each
}
# The real instance had 3 account types; the generator makes one of each of Sonar's 5 kinds
# (AccountType.type) so that every kind reaches the category rule.
FIXED = {"companies": 1, "account_statuses": 13, "account_types": 5, "data_service_details": 57}
ISO_WITH_OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d")


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_dataset(SCALE, seed=11)


@pytest.fixture(scope="module")
def small() -> Dataset:
    """For checks that look at every field of every record."""
    return generate_dataset(80, seed=12)


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not() -> None:
    first, again, other = (generate_dataset(40, seed) for seed in (5, 5, 6))
    for query in SERVED_QUERIES:
        assert list(first.records(query)) == list(again.records(query)), query
    assert list(first.records("accounts")) != list(other.records("accounts"))
    assert list(first.records("invoices")) != list(other.records("invoices"))


def test_every_record_is_spelled_as_the_api_spells_it(small: Dataset) -> None:
    for query in SERVED_QUERIES:
        spec = entity_spec(query)
        for record in small.records(query):
            assert tuple(record) == entity_fields(query), query
            for name, field in spec.fields.items():
                field.validate(record[name])
            assert isinstance(record["id"], str)
            assert ISO_WITH_OFFSET.fullmatch(record["created_at"]), record["created_at"]


def test_ids_ascend_from_one_and_columns_agree_with_records(dataset: Dataset) -> None:
    for query in SERVED_QUERIES:
        table = dataset.table(query)
        ids = list(table.ids)
        assert ids == sorted(set(ids)) and (not ids or ids[0] == 1), query
        spec = entity_spec(query)
        for row in range(0, len(table), max(1, len(table) // 300)):
            record = table.record(row)
            for name, column in table.columns.items():
                assert column[row] == spec.field(name).key(record[name]), (query, name, row)


def test_history_happens_before_the_snapshot_and_updates_after_creation(dataset: Dataset) -> None:
    for query in SERVED_QUERIES:
        table = dataset.table(query)
        created, updated = table.columns["created_at"], table.columns["updated_at"]
        for row in range(len(table)):
            assert created[row] <= updated[row] <= NOW, (query, row)


def test_no_foreign_key_points_nowhere(small: Dataset) -> None:
    for key in FOREIGN_KEYS:
        assert list(broken_references(small, key)) == [], key


def test_volumes_follow_the_real_per_account_ratios(dataset: Dataset) -> None:
    counts = dataset.counts()
    assert counts["accounts"] == SCALE
    for query, (low, high) in RATIOS.items():
        assert low <= counts[query] / SCALE <= high, (query, counts[query] / SCALE)
    for query, count in FIXED.items():
        assert counts[query] == count, query
    assert 90 <= counts["services"] <= 110 and 25 <= counts["users"] <= 35
    replies_and_comments = counts["ticket_replies"] + counts["ticket_comments"]
    assert 1.6 <= replies_and_comments / counts["tickets"] <= 2.4


def test_money_is_integer_cents_and_invoices_add_up(dataset: Dataset) -> None:
    debited: dict[str, int] = defaultdict(int)
    credited: dict[str, int] = defaultdict(int)
    for debit in dataset.records("debits"):
        assert isinstance(debit["amount"], int) and debit["amount"] >= 0
        if debit["invoice_id"] is not None:
            debited[debit["invoice_id"]] += debit["amount"]
    assert any(d["invoice_id"] is None for d in dataset.records("debits"))  # not on an invoice
    for credit in dataset.records("credits"):
        credited[credit["invoice_id"]] += credit["amount"]
    for invoice in dataset.records("invoices"):
        assert invoice["total_debits"] == debited[invoice["id"]], invoice["id"]
        if not invoice["void"]:
            owed = invoice["total_debits"] - credited[invoice["id"]]
            assert invoice["remaining_due"] == max(0, owed)  # a credit on top owes nothing
    paid = {p["id"]: p for p in dataset.records("payments")}
    applied: dict[str, int] = Counter()
    for credit in dataset.records("credits"):
        if credit["creditable_type"] == "Payment":
            assert paid[credit["creditable_id"]]["successful"]
            applied[credit["creditable_id"]] += credit["amount"]
    for payment_id, amount in applied.items():
        assert amount + paid[payment_id]["amount_remaining"] == paid[payment_id]["amount"]


def test_the_messy_share_is_there(dataset: Dataset) -> None:
    accounts = list(dataset.records("accounts"))
    contacts = Counter(
        c["contactable_id"]
        for c in dataset.records("contacts")
        if c["contactable_type"] == "Account"
    )
    physical = {
        a["addressable_id"]
        for a in dataset.records("addresses")
        if a["addressable_type"] == "Account" and a["type"] == "PHYSICAL"
    }
    names = [a["name"] for a in accounts]
    assert any(a["id"] not in contacts for a in accounts), "an account with no contact"
    assert any(n >= 2 for n in contacts.values()), "an account with several contacts"
    assert any(a["id"] not in physical for a in accounts), "an account with no address"
    assert any(not n.isascii() and any(ord(c) > 0x1F000 for c in n) for n in names), "emoji"
    assert any(any("\u0590" <= c <= "\u06ff" for c in n) for n in names), "right-to-left"
    assert any(len(n) > 255 for n in names), "longer than a typical column"
    assert any(n != n.strip() for n in names), "stray spaces"
    assert any(c["email_address"] is None for c in dataset.records("contacts"))
    assert any(a["archived_at"] is not None for a in accounts)
    assert any(a["parent_account_id"] is not None for a in accounts)
    messy = sum(1 for n in names if not n.isascii() or len(n) > 255 or n != n.strip())
    assert messy < 0.15 * len(names), "the mess is a small share"


def test_statuses_types_delinquency_and_emails_exercise_the_mapping(dataset: Dataset) -> None:
    """Each case the status, category and email rules handle is there, in a small share."""
    statuses = {s["id"]: s for s in dataset.records("account_statuses")}
    kinds = {t["id"]: t["type"] for t in dataset.records("account_types")}
    assert set(kinds.values()) == {
        "COMMERCIAL", "RESIDENTIAL", "GOVERNMENT", "INDUSTRIAL", "SENIOR_CITIZEN",
    }  # fmt: skip
    live = [a for a in dataset.records("accounts") if a["archived_at"] is None]
    held = Counter(statuses[a["account_status_id"]]["name"] for a in live)
    not_activating = {s["name"] for s in statuses.values() if not s["activates_account"]}
    assert {"Hold", "Disconnected - NonPay"} <= not_activating
    assert held["Hold"] and held["Disconnected - NonPay"], "custom statuses that do not activate"
    assert held["Seasonal"] and held["Staff / Free"], "custom statuses that activate"
    share = sum(n for name, n in held.items() if name in not_activating) / len(live)
    assert 0.04 <= share <= 0.2, share
    assert Counter(kinds[a["account_type_id"]] for a in live).keys() == set(kinds.values())
    delinquent = [a for a in live if a["is_delinquent"]]
    assert 0.03 <= len(delinquent) / len(live) <= 0.1
    assert any(statuses[a["account_status_id"]]["name"] == "Active" for a in delinquent)
    emails = [c["email_address"] for c in dataset.records("contacts") if c["email_address"]]
    odd = [e for e in emails if not e.isascii() or ".." in e or "_" in e.split("@")[-1]]
    assert any(not e.split("@")[0].isascii() for e in odd), "an accented local part"
    assert any(not e.split("@")[-1].isascii() for e in odd), "an IDN domain"
    assert any(".." in e for e in odd) and any("_" in e.split("@")[-1] for e in odd)
    assert 0.005 <= len(odd) / len(emails) <= 0.04


def test_nothing_at_scale_zero_but_the_reference_tables() -> None:
    empty = generate_dataset(0, seed=1)
    assert empty.count("accounts") == 0 and empty.count("invoices") == 0
    assert empty.count("services") > 0 and empty.count("account_statuses") == 13


def test_customer_equipment_sits_at_the_address_of_the_account_it_serves(dataset: Dataset) -> None:
    addresses = {a["id"]: a for a in dataset.records("addresses")}
    held = {s["id"]: s for s in dataset.records("account_services")}
    plans = {s["id"]: s["type"] for s in dataset.records("services")}
    items = list(dataset.records("inventory_items"))
    at_addresses = [i for i in items if i["inventoryitemable_type"] == "Address"]
    assert at_addresses and len(at_addresses) < len(items)  # tower gear too
    for item in at_addresses:
        address, service = addresses[item["inventoryitemable_id"]], held[item["account_service_id"]]
        assert address["type"] == "PHYSICAL" and address["addressable_type"] == "Account"
        assert address["addressable_id"] == service["account_id"]
        assert plans[service["service_id"]] == "DATA"
    on_gear = {ip["ipassignmentable_id"] for ip in dataset.records("ip_assignments")
               if ip["ipassignmentable_type"] == "InventoryItem"}  # fmt: skip
    towers = {i["id"] for i in items if i["inventoryitemable_type"] == "NetworkSite"}
    radios = {i["id"] for i in at_addresses if i["parent_inventory_item_id"] is None}
    assert on_gear & towers and on_gear & radios and on_gear <= towers | radios
    values = {(v["inventory_item_id"], v["inventory_model_field_id"])
              for v in dataset.records("inventory_model_field_data")}  # fmt: skip
    fields = {f["id"]: f["inventory_model_id"] for f in dataset.records("inventory_model_fields")}
    for item in items:  # one value for every field of its model, none for other models
        mine = {field for owner, field in values if owner == item["id"]}
        assert mine == {f for f, model in fields.items() if model == item["inventory_model_id"]}


def test_credits_long_plans_taxes_and_exemptions_are_generated(dataset: Dataset) -> None:
    """Issue 12's cases, in small shares: each one present, none dominant."""
    services = {s["id"]: s for s in dataset.records("services")}
    credits = {i for i, s in services.items() if s["application"] == "CREDIT"
               and s["type"] == "RECURRING"}  # fmt: skip
    months = {d["service_id"]: d["billing_frequency"]
              for q in ("data_service_details", "recurring_service_details")
              for d in dataset.records(q)}  # fmt: skip
    kinds = {(services[i]["type"], m) for i, m in months.items()}
    assert {("DATA", 3), ("DATA", 12), ("RECURRING", 3), ("RECURRING", 12)} <= kinds
    held = list(dataset.records("account_services"))
    share = lambda wanted: sum(h["service_id"] in wanted for h in held) / SCALE  # noqa: E731
    assert 0.01 <= share(credits) <= 0.06
    assert 0.005 <= share({i for i, m in months.items() if m > 1}) <= 0.05
    taxed = {t["service_id"] for t in dataset.records("service_taxes")}
    assert taxed and not taxed & credits and all(services[i]["type"] == "RECURRING" for i in taxed)
    exempt = {e["account_id"] for e in dataset.records("tax_exemptions")}
    flagged = {p["account_id"] for p in dataset.records("account_billing_parameters")
               if p["tax_exempt"]}  # fmt: skip
    assert exempt == flagged and 0.005 <= len(exempt) / SCALE <= 0.05


def test_tickets_have_their_shapes(dataset: Dataset) -> None:
    """Most on accounts, some on a network site or nothing; long threads; staff who left;
    HTML, right-to-left and 64 KB bodies (issue 15)."""
    tickets = list(dataset.records("tickets"))
    kinds = Counter(t["ticketable_type"] for t in tickets)
    assert kinds["Account"] / len(tickets) > 0.97 and kinds["NetworkSite"] and kinds[None]
    assert {t["status"] for t in tickets} == {
        "OPEN",
        "CLOSED",
        "PENDING_INTERNAL",
        "PENDING_EXTERNAL",
    }
    entries = [*dataset.records("ticket_replies"), *dataset.records("ticket_comments")]
    threads = Counter(int(e["ticket_id"]) for e in entries)
    assert max(threads.values()) > 100, "no thread longer than a nested page"
    departed = {int(u["id"]) for u in dataset.records("users") if not u["enabled"]}
    assert sum(int(e["user_id"] or 0) in departed for e in entries) > 10
    bodies = [e["body"] for e in entries]
    assert any(len(b) == 65_536 for b in bodies) and any("<p>" in b for b in bodies)
    assert any("\u0600" <= c <= "\u06ff" for b in bodies for c in b)
