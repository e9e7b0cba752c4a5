"""The endpoint registry: paths in Splynx's three item styles, markers, payload checks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from migrator.errors import ConfigError, Rejected
from migrator.splynx import payloads as p
from migrator.splynx.endpoints import ENDPOINTS, Marker, build_payload, endpoint
from migrator.splynx.payloads import field_limits


@pytest.mark.parametrize(
    ("name", "id_", "parents", "item"),
    [
        ("customers", 5, {}, "admin/customers/customer/5"),
        ("customer_info", 5, {}, "admin/customers/customer-info/5"),
        ("customer_notes", 9, {"customer_id": 2}, "admin/customers/customer-notes/2--9"),
        (
            "internet_services",
            7,
            {"customer_id": 3},
            "admin/customers/customer/3/internet-services--7",
        ),
        (
            "recurring_services",
            8,
            {"customer_id": 3},
            "admin/customers/customer/3/recurring-services--8",
        ),
        ("invoices", 1, {}, "admin/finance/invoices/1"),
    ],
)
def test_item_paths(name: str, id_: int, parents: dict[str, int], item: str) -> None:
    assert endpoint(name).item_path(id_, **parents) == item


def test_nested_collections_need_their_parent_and_search_across_parents() -> None:
    services = endpoint("internet_services")
    assert services.collection_path(customer_id=4) == "admin/customers/customer/4/internet-services"
    assert services.list_path() == "admin/customers/customer/0/internet-services"
    with pytest.raises(ConfigError, match="customer_id"):
        services.collection_path()
    with pytest.raises(ConfigError, match="customer_id"):
        endpoint("customer_notes").item_path(3)


def test_unknown_endpoint_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="customers"):
        endpoint("customer")


def test_permission_names_the_action_of_the_verb() -> None:
    customers = endpoint("customers")
    assert customers.permission_for("POST") == "Customers / Customers: add"
    assert customers.permission_for("get") == "Customers / Customers: view"
    assert customers.permission_for("DELETE") == "Customers / Customers: delete"


def test_markers_read_main_and_additional_attributes() -> None:
    additional = Marker("sonar_id", additional=True)
    assert additional.value_of({"additional_attributes": {"sonar_id": "17"}}) == "17"
    assert additional.value_of({"additional_attributes": []}) is None
    assert additional.value_of({"sonar_id": "17"}) is None
    assert Marker("number").value_of({"number": "S-1"}) == "S-1"
    assert Marker("number").value_of({"number": ""}) is None
    assert additional.search(17).encode() == (
        "additional_attributes%5Bsonar_id%5D=17&order%5Bid%5D=ASC&limit=2"
    )
    assert Marker("login").search("a b").encode() == (
        "main_attributes%5Blogin%5D=a+b&order%5Bid%5D=ASC&limit=2"
    )


def test_every_endpoint_has_a_payload_a_permission_and_a_table() -> None:
    """A payload for each one written; the read-only ones (ticket settings) have none."""
    for target in ENDPOINTS.values():
        writable = bool({"POST", "PUT"} & target.verbs)
        assert (target.payload is not None) == writable, target.name
        assert target.permission and target.table
        assert {"GET"} <= target.verbs


def test_build_payload_rejects_naming_the_field() -> None:
    with pytest.raises(Rejected) as caught:
        build_payload("customers", {"name": "x" * 300, "partner_id": 1, "location_id": 1})
    assert caught.value.field == "name"
    assert "256" in str(caught.value)
    with pytest.raises(Rejected) as caught:
        build_payload("payments", {"customer_id": 1, "amount": 0, "date": "2024-01-01"})
    assert caught.value.field == "amount"
    with pytest.raises(Rejected) as caught:
        build_payload("customers", {"name": "x", "partner_id": 1, "location_id": 1, "nick": 1})
    assert caught.value.field == "nick"


def test_build_payload_refuses_the_wrong_model() -> None:
    with pytest.raises(ConfigError, match="Customer"):
        build_payload("customers", p.Partner(name="x"))


def test_bodies_use_splynx_names_and_json_types() -> None:
    note = p.CustomerNote(customer_id=1, comment="hi", css_class="info", is_done=True)
    assert note.body() == {"customer_id": 1, "comment": "hi", "class": "info", "is_done": "1"}
    item = p.InvoiceItem(description="Internet", price=Decimal("19.9900"), tax=Decimal("20"))
    invoice = p.Invoice(customer_id=3, number="SONAR-7", status="not_paid", items=[item])
    assert invoice.body()["items"] == [
        {"description": "Internet", "quantity": 1, "unit": "1", "price": 19.99, "tax": 20.0}
    ]
    service = p.InternetService(
        customer_id=1, tariff_id=2, status="active", description="d", start_date="2024-01-01",
        login="c1",
    )  # fmt: skip
    assert service.body()["end_date"] == "0000-00-00"
    assert service.body()["taking_ipv4"] == 0


@pytest.mark.parametrize(
    "bad",
    [
        {"status": "closed"},
        {"start_date": "01/02/2024"},
        {"quantity": 0},
        {"taking_ipv4": 3},
    ],
)
def test_enum_and_format_violations_are_refused(bad: dict[str, object]) -> None:
    good = {
        "customer_id": 1, "tariff_id": 2, "status": "active", "description": "d",
        "start_date": "2024-01-01", "login": "c1",
    }  # fmt: skip
    build_payload("internet_services", good)
    with pytest.raises(Rejected) as caught:
        build_payload("internet_services", {**good, **bad})
    assert caught.value.field == next(iter(bad))


def test_limits_are_exposed_for_the_transforms() -> None:
    assert field_limits(p.Customer)["city"] == 32
    assert field_limits(p.Payment)["receipt_number"] == 32
    assert field_limits(p.CustomerNote)["title"] == 50
