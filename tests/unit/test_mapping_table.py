"""The mapping table: one row per Sonar status (and its delinquent variant) and type."""

from __future__ import annotations

from rich.console import Console

from migrator.preflight.mapping_table import customer_mapping, mapping_table
from migrator.profile_rules import CustomerRules
from tests.support.sonar_lookups import account_type, status

STATUSES = [
    status(2, "Hold", activates=False),
    status(1, "Active", activates=True),
    status(3, "Disconnected - NonPay", activates=False),
]
TYPES = [account_type(1, "Residential", "RESIDENTIAL"), account_type(2, "Farm", "INDUSTRIAL")]


def rows(rules: CustomerRules) -> list[tuple[str, str, str]]:
    return [(r.kind, r.sonar, r.splynx) for r in customer_mapping(STATUSES, TYPES, rules)]


def test_every_status_and_type_with_what_it_becomes() -> None:
    assert rows(CustomerRules()) == [
        ("status", "Active", "active"),
        ("status", "Active, delinquent", "blocked"),
        ("status", "Hold", "disabled"),
        ("status", "Disconnected - NonPay", "disabled"),
        ("status", "(any), archived", "disabled"),
        ("type", "Residential", "person"),
        ("type", "Farm", "company"),
    ]


def test_the_profile_shows_in_the_rows_and_their_reasons() -> None:
    rules = CustomerRules(
        status={"Hold": "new"},
        unknown_status="reject",
        delinquent_status="active",
        category={"Farm": "person"},
    )
    made = customer_mapping(STATUSES, TYPES, rules)
    assert [(r.sonar, r.splynx) for r in made] == [
        ("Active", "refused"),
        ("Hold", "new"),
        ("Disconnected - NonPay", "refused"),
        ("(any), archived", "disabled"),
        ("Residential", "person"),
        ("Farm", "person"),
    ]
    assert made[1].why == "[customers.status]" and made[-1].why == "[customers.category]"
    assert made[0].why == "unknown_status = reject"
    assert made[1].detail == "does not activate"


def test_the_table_renders_every_row_as_plain_text() -> None:
    console = Console(width=200, record=True)
    console.print(mapping_table(customer_mapping(STATUSES, TYPES, CustomerRules()), "Mapping"))
    text = console.export_text()
    for word in ("Disconnected - NonPay", "does not activate", "delinquent_status", "INDUSTRIAL"):
        assert word in text
