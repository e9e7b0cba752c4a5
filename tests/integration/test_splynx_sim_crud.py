"""Endpoints over real HTTP: verbs, status codes, record shapes, OPTIONS, HEAD, permissions."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import anyio
import httpx
import pytest

from migrator.sim.faults import FaultKind, Latency
from migrator.sim.splynx.app import CAPACITY_KEY
from tests.support.splynx_records import internet_service, internet_tariff
from tests.support.splynx_sim import running

CUSTOMERS = "admin/customers/customer"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def internal_code(answer: httpx.Response) -> str:
    return str(answer.json()["error"]["internal_code"])


async def test_a_customer_from_create_to_soft_delete() -> None:
    async with running() as sim:
        made = await sim.client.post(
            CUSTOMERS, json={"name": "Ann", "partner_id": 1, "location_id": 1}
        )
        assert made.status_code == 201
        assert made.json() == {"id": 1}
        record = (await sim.client.get(f"{CUSTOMERS}/1")).json()
        assert record["id"] == 1 and record["partner_id"] == 1 and record["location_id"] == 1
        assert record["status"] == "new" and record["category"] == "person"
        assert record["login"] == "000001"  # generated as the live server did
        assert record["added_by"] == "api" and record["added_by_id"] == 1
        assert DATE.match(record["date_add"]) and DATETIME.match(record["last_update"])
        assert record["mrr_total"] == "0.0000" and record["billing_email"] is None
        assert record["customer_labels"] == []
        assert record["additional_attributes"] == {"sonar_id": ""}
        assert "password" not in record and "deleted" not in record

        updated = await sim.client.put(f"{CUSTOMERS}/1", json={"name": "Narrator"})
        assert (updated.status_code, updated.content) == (202, b"")
        assert (await sim.client.get(f"{CUSTOMERS}/1")).json()["name"] == "Narrator"
        assert (await sim.client.head(f"{CUSTOMERS}/1")).headers["X-total-count"] == "1"

        # blueprint L2127-L2137: 204 whatever the status; reference §4.1 [OBS]: the live
        # server deleted an active customer, leaving the row with deleted = '1' (§2.7)
        await sim.client.put(f"{CUSTOMERS}/1", json={"status": "active"})
        deleted = await sim.client.delete(f"{CUSTOMERS}/1")
        assert (deleted.status_code, deleted.content) == (204, b"")

        gone = await sim.client.get(f"{CUSTOMERS}/1")
        assert gone.status_code == 404 and internal_code(gone) == "NOT_FOUND"
        assert (await sim.client.head(f"{CUSTOMERS}/1")).status_code == 404
        assert (await sim.client.get(CUSTOMERS)).json() == []
        assert (await sim.client.head(CUSTOMERS)).headers["X-total-count"] == "0"
        rows = await sim.store.rows("customers")
        assert [(r["id"], r["deleted"]) for r in rows] == [(1, "1")]  # only marked deleted
        again = await sim.customer("Bob")
        assert (await sim.client.get(f"{CUSTOMERS}/{again}")).json()["login"] == "000001"


async def test_a_new_customer_has_its_info_and_billing_rows() -> None:
    async with running() as sim:
        customer = await sim.customer()
        info = await sim.client.get(f"admin/customers/customer-info/{customer}")
        assert info.json()["id"] == customer and info.json()["passport"] == ""
        put = await sim.client.put(
            f"admin/customers/customer-info/{customer}", json={"passport": "ER424242"}
        )
        assert put.status_code == 202
        info = await sim.client.get(f"admin/customers/customer-info/{customer}")
        assert info.json()["passport"] == "ER424242"
        billing = await sim.client.get(f"admin/customers/customer-billing/{customer}")
        assert billing.json()["customer_id"] == customer
        assert billing.json()["deposit"] == "0.0000"
        assert (
            await sim.client.put(
                f"admin/customers/customer-billing/{customer}", json={"make_invoices": 0}
            )
        ).status_code == 202
        assert (await sim.client.get(f"admin/customers/customer-billing/{customer}")).json()[
            "make_invoices"
        ] == "0"
        assert (await sim.client.post("admin/customers/customer-info", json={})).status_code == 405
        assert (await sim.client.get("admin/customers/customer-info/99")).status_code == 404
        assert [r["customer_id"] for r in await sim.store.rows("customer_cap")] == [customer]


async def test_seeded_records_are_typed_as_the_live_instance_returned_them() -> None:
    async with running() as sim:
        methods = (await sim.client.get("admin/finance/payment-methods")).json()
        categories = (await sim.client.get("admin/finance/transaction-categories")).json()
        location = (await sim.client.get("admin/administration/locations/1")).json()
        admin = (await sim.client.get("admin/administration/administrators/1")).json()
        types = (await sim.client.get("admin/support/tickets-types")).json()
    assert [(m["id"], m["name"], m["is_active"]) for m in methods][:3] == [
        (1, "Cash", "1"),
        (2, "Bank transfer", "1"),
        (3, "Credit card", "1"),
    ]
    assert [c["id"] for c in methods] == [1, 2, 3, 5, 6]
    assert [(c["name"], c["is_base"]) for c in categories] == [
        ("Service", "1"),
        ("Discount", "1"),
        ("Payment", "1"),
        ("Refund", "1"),
        ("Correction", "1"),
    ]
    assert categories[0]["accounting_category_id"] is None
    assert location == {
        "id": 1,
        "name": "Main",
        **{f"tax_for_{k}": 0 for k in ("tariff_bundle", "tariff_internet", "tariff_voice",
                                       "tariff_recurring", "tariff_onetime", "inventory_items")},
        "additional_attributes": {},
    }  # fmt: skip
    assert admin["partner_id"] == 0 and admin["send_from_my_name"] == "0"
    assert admin["last_dt"] == "0000-00-00 00:00:00" and admin["filter_partner_id"] is None
    assert "password" not in admin
    assert [t["title"] for t in types][:3] == ["Question", "Incident", "Problem"]


async def test_options_answers_the_live_attributes_and_the_configured_fields(
    reference_dir: Path,
) -> None:
    live = json.loads((reference_dir / "splynx_options.json").read_text())
    async with running() as sim:
        customers = (await sim.client.options(CUSTOMERS)).json()
        methods = (await sim.client.options("admin/finance/payment-methods")).json()
        services = (await sim.client.options("admin/customers/customer/0/internet-services")).json()
    assert customers["attributes"] == live["admin/customers/customer"]["attributes"]
    [marker] = customers["additional_attributes"]
    assert marker["name"] == "sonar_id" and marker["is_unique"] is True
    assert marker["searchable"] is True and marker["module"] == "customers"
    assert set(marker) == {
        "name", "title", "type", "required", "module", "category", "position", "decimals",
        "is_unique", "is_add", "show_in_list", "searchable", "readonly", "disabled", "hidden",
        "set_default_value",
    }  # fmt: skip
    assert methods == live["admin/finance/payment-methods"]  # no additional_attributes key
    derived = {a["name"]: a for a in services["attributes"]}
    assert derived["tariff_id"] == {
        "name": "tariff_id",
        "title": "Tariff ID",
        "type": "integer",
        "required": True,
    }
    assert derived["start_date"]["type"] == "date" and derived["unit_price"]["type"] == "float"
    assert [a["name"] for a in services["additional_attributes"]] == ["sonar_id"]


async def test_additional_fields_are_configurable() -> None:
    async with running(additional_fields=()) as sim:
        options = (await sim.client.options(CUSTOMERS)).json()
        marked = await sim.client.post(
            CUSTOMERS,
            json={
                "name": "A",
                "partner_id": 1,
                "location_id": 1,
                "additional_attributes": {"sonar_id": "1"},
            },
        )
    assert options["additional_attributes"] == []
    assert marked.status_code == 422
    assert marked.json() == [
        {"field": "sonar_id", "message": 'Unknown additional attribute "sonar_id".'}
    ]


async def test_verbs_an_endpoint_does_not_offer() -> None:
    async with running() as sim:
        create_type = await sim.client.post("admin/support/tickets-types", json={"title": "X"})
        put_collection = await sim.client.put(CUSTOMERS, json={"name": "X"})
        delete_collection = await sim.client.delete(CUSTOMERS)
        note_put = await sim.client.put("admin/customers/customer-notes/1--1", json={})
        unknown = await sim.client.get("admin/customers/nothing-here")
        not_numeric = await sim.client.get(f"{CUSTOMERS}/abc")
        post_item = await sim.client.post(f"{CUSTOMERS}/1", json={})
    assert (create_type.status_code, internal_code(create_type)) == (405, "METHOD_NOT_ALLOWED")
    assert "GET" in create_type.headers["Allow"] and "POST" not in create_type.headers["Allow"]
    for answer in (put_collection, delete_collection):
        assert answer.status_code == 400
        assert answer.json()["error"]["message"] == "Missing required parameters: id."
        assert len(answer.content) == 97  # the live answer's size (reference §1.3)
    assert note_put.status_code == 405 and post_item.status_code == 405
    assert unknown.status_code == 404 and not_numeric.status_code == 404


@pytest.mark.parametrize("verb", ["GET", "POST", "OPTIONS", "HEAD"])
async def test_a_withheld_permission_is_403_everywhere_on_that_endpoint(verb: str) -> None:
    async with running(deny=("admin/finance/payments",)) as sim:
        answer = await sim.client.request(
            verb, "admin/finance/payments", json={} if verb == "POST" else None
        )
        allowed = await sim.client.request(
            verb, "admin/finance/invoices", json={} if verb == "POST" else None
        )
    assert answer.status_code == 403
    if verb != "HEAD":
        assert answer.json()["error"] == {
            "message": "You are not allowed to perform this action.",
            "code": 403,
            "internal_code": "FORBIDDEN",
        }
    assert allowed.status_code in {200, 204, 422}


async def test_a_permission_can_be_withheld_for_one_action() -> None:
    async with running(deny=("admin/customers/customer:delete",)) as sim:
        customer = await sim.customer(status="disabled")
        assert (await sim.client.options(CUSTOMERS)).status_code == 200
        assert (await sim.client.get(f"{CUSTOMERS}/{customer}")).status_code == 200
        assert (await sim.client.delete(f"{CUSTOMERS}/{customer}")).status_code == 403


async def test_services_belong_to_the_customer_in_their_url() -> None:
    async with running() as sim:
        tariff = await sim.create("admin/tariffs/internet", internet_tariff("Fibre"))
        owner, stranger = await sim.customer("Owner"), await sim.customer("Stranger")
        path = f"{CUSTOMERS}/{owner}/internet-services"
        service = await sim.create(path, internet_service("owner1", tariff))
        record = (await sim.client.get(f"{path}--{service}")).json()
        assert record["customer_id"] == owner and record["type"] == "internet"
        assert record["unit_price"] == "29.9000"  # the tariff's price when none is sent
        assert record["geo"] == {"address": "", "marker": ""}
        assert (
            await sim.client.get(f"{CUSTOMERS}/{stranger}/internet-services--{service}")
        ).status_code == 404
        assert (
            await sim.client.put(f"{path}--{service}", json={"description": "New"})
        ).status_code == 202
        plans = (await sim.client.get(f"admin/tariffs/internet/{tariff}")).json()
        assert plans["services"] == 1 and plans["partners_ids"] == [1]
        assert plans["billing_types"] == ["recurring"] and plans["with_vat"] == "1"
        recurring_tariff = await sim.create(
            "admin/tariffs/recurring",
            {k: v for k, v in internet_tariff("Phone line").items() if not k.startswith("speed")}
            | {"with_vat": True},  # required by the blueprint's Recurring tariff Base (L1386)
        )
        recurring = f"{CUSTOMERS}/{owner}/recurring-services"
        body = {k: v for k, v in internet_service("x", recurring_tariff).items()
                if k not in {"login", "taking_ipv4"}}  # fmt: skip
        made = await sim.create(recurring, body)
        assert (await sim.client.get(f"{recurring}--{made}")).json()["type"] == "custom"
        assert (await sim.client.delete(f"{path}--{service}")).status_code == 204
        assert (await sim.client.get(f"{path}--{service}")).status_code == 404


async def test_invoices_carry_their_items_and_totals() -> None:
    async with running() as sim:
        customer = await sim.customer()
        body = {
            "customer_id": customer,
            "number": "SONAR-1001",
            "status": "not_paid",
            "date_created": "2024-03-01",
            "items": [
                {"description": "Internet March", "quantity": 1, "unit": 1, "price": 40, "tax": 20},
                {"description": "Router rent", "quantity": 2, "price": "2.5"},
            ],
        }
        invoice = await sim.create("admin/finance/invoices", body)
        record = (await sim.client.get(f"admin/finance/invoices/{invoice}")).json()
        assert record["total"] == "53.0000" and record["due"] == "53.0000"
        assert record["number"] == "SONAR-1001" and record["added_by"] == "api"
        assert [(i["description"], i["quantity"], i["price"]) for i in record["items"]] == [
            ("Internet March", 1, "40.0000"),
            ("Router rent", 2, "2.5000"),
        ]
        item = record["items"][0]["id"]
        changed = {"status": "paid", "items": [{"id": item, "description": "Internet 03/2024"}]}
        assert (
            await sim.client.put(f"admin/finance/invoices/{invoice}", json=changed)
        ).status_code == 202
        record = (await sim.client.get(f"admin/finance/invoices/{invoice}")).json()
        assert record["items"][0]["description"] == "Internet 03/2024" and record["due"] == "0.0000"
        payment = await sim.create(
            "admin/finance/payments",
            {
                "customer_id": customer,
                "amount": "53",
                "invoice_id": invoice,
                "receipt_number": "S-77",
            },
        )
        paid = (await sim.client.get(f"admin/finance/payments/{payment}")).json()
        assert paid["amount"] == "53.0000" and paid["payment_type"] == 1 and paid["is_sent"] == "0"
        transaction = await sim.create(
            "admin/finance/transactions",
            {"customer_id": customer, "type": "debit", "description": "Setup", "category": 1,
             "price": 10, "quantity": 2, "tax_percent": 10},
        )  # fmt: skip
        assert (await sim.client.get(f"admin/finance/transactions/{transaction}")).json()[
            "total"
        ] == "22.0000"


async def test_tickets_take_multipart_with_a_nested_first_message() -> None:
    async with running() as sim:
        customer = await sim.customer()
        form = {
            "subject": "No internet",
            "priority": "high",
            "type_id": "2",
            "customer_id": str(customer),
            "message[message]": "Since this morning",
            "watchers[0]": "1",
        }
        made = await sim.client.post("admin/support/tickets", data=form)
        assert made.status_code == 201, made.text
        ticket = made.json()["id"]
        record = (await sim.client.get(f"admin/support/tickets/{ticket}")).json()
        assert record["subject"] == "No internet" and record["hidden"] == "0"
        assert record["source"] == "api" and record["status_id"] == 1
        reply = await sim.create(
            "admin/support/ticket-messages", {"ticket_id": ticket, "message": "We are on it"}
        )
        messages = (await sim.client.get("admin/support/ticket-messages")).json()
        assert [(m["ticket_id"], m["message"]) for m in messages] == [
            (ticket, "Since this morning"),
            (ticket, "We are on it"),
        ]
        assert messages[1]["id"] == reply and messages[1]["customer_id"] == customer
        note = await sim.create(
            "admin/customers/customer-notes", {"customer_id": customer, "comment": "VIP"}
        )
        shown = (await sim.client.get(f"admin/customers/customer-notes/{customer}--{note}")).json()
        assert shown["comment"] == "VIP" and shown["type"] == "comment" and shown["is_done"] == "0"


async def test_administrators() -> None:
    async with running() as sim:
        body = {"login": "jane", "name": "Jane", "email": "jane@example.com", "password": "s3cret!"}
        admin = await sim.create("admin/administration/administrators", body)
        record = (await sim.client.get(f"admin/administration/administrators/{admin}")).json()
        again = await sim.client.post("admin/administration/administrators", json=body)
        bad_role = await sim.client.post(
            "admin/administration/administrators", json={**body, "login": "j2", "role_name": "boss"}
        )
        rows = await sim.store.rows("admins")
    assert record["role_name"] == "administrator" and "password" not in record
    assert "s3cret!" not in json.dumps(rows)
    assert again.json() == [
        {"field": "login", "message": 'Admin login "jane" has already been taken.'}
    ]
    assert bad_role.json() == [{"field": "role_name", "message": "Role is invalid."}]


async def test_throttle_answers_429_with_retry_after() -> None:
    async with running(throttle=5) as sim:
        statuses = []
        for _ in range(12):
            answer = await sim.client.get("admin/administration/partners")
            statuses.append(answer.status_code)
            if answer.status_code == 429:
                assert int(answer.headers["Retry-After"]) >= 1
                assert internal_code(answer) == "TOO_MANY_REQUESTS"
        await anyio.sleep(1.0)
        after_a_second = await sim.client.get("admin/administration/partners")
    assert statuses[:5] == [200] * 5 and 429 in statuses
    assert after_a_second.status_code == 200


async def test_injected_server_errors_use_the_envelope() -> None:
    async with running(fault_rate=1.0, fault_kinds=(FaultKind.SERVER_ERROR,)) as sim:
        answer = await sim.client.post(
            CUSTOMERS, json={"name": "A", "partner_id": 1, "location_id": 1}
        )
        rows = await sim.store.rows("customers")
    assert answer.status_code in {500, 502, 503}
    assert internal_code(answer) == "SERVER_ERROR"
    assert rows == []  # a 5xx did nothing


async def test_capacity_is_workers_over_latency() -> None:
    async with running(workers=2, latency=Latency(100, 0)) as sim:
        started = time.monotonic()
        async with anyio.create_task_group() as group:
            for _ in range(6):
                group.start_soon(sim.client.get, "admin/administration/partners")
        elapsed = time.monotonic() - started
        capacity = sim.app[CAPACITY_KEY]
    assert capacity.peak == 2 and capacity.served == 6
    assert elapsed >= 0.27  # 6 requests / 2 workers x 100 ms: three rounds, never fewer
