"""Bad input over real HTTP: malformed JSON, wrong types, unknown fields, overlong values,
missing references and duplicates, each with the answer a real Splynx (Yii2) gives."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.splynx_records import internet_service, internet_tariff
from tests.support.splynx_sim import RunningSim, running

CUSTOMERS = "admin/customers/customer"
VALID = {"name": "Ann Example", "partner_id": 1, "location_id": 1}


async def problems(sim: RunningSim, path: str, body: Any) -> list[dict[str, str]]:
    answer = await sim.client.post(path, json=body)
    assert answer.status_code == 422, answer.text
    listed = answer.json()
    assert all(set(p) == {"field", "message"} for p in listed)  # Yii2's 422 body (assumed)
    return list(listed)


async def test_an_empty_create_names_every_required_field() -> None:
    # required = what both the live OPTIONS answer and the blueprint require (the laxer
    # rule, resources.py): customers OPTIONS name* vs blueprint L2524 name, partner_id,
    # location_id, category
    async with running() as sim:
        assert await problems(sim, CUSTOMERS, {}) == [
            {"field": "name", "message": "Full name cannot be blank."},
        ]
        # the two messages the live server logged for POST /admin/finance/payments {}
        assert await problems(sim, "admin/finance/payments", {}) == [
            {"field": "customer_id", "message": "Customer ID is required"},
            {
                "field": "amount",
                "message": "Invalid sum, only a value greater or less than 0 is allowed!",
            },
        ]
        # reference §6.1: OPTIONS and blueprint L1290 both require these four
        assert {p["field"] for p in await problems(sim, "admin/tariffs/internet", {})} == {
            "speed_download", "speed_upload", "title", "partners_ids",
        }  # fmt: skip
        # reference §6.2 / blueprint L1381-L1401: title, partners_ids, with_vat (and
        # hide_on_admin_portal, which has "Default: false"); billing_types,
        # available_for_locations, customer_categories are optional
        assert {p["field"] for p in await problems(sim, "admin/tariffs/recurring", {})} == {
            "title", "partners_ids", "with_vat",
        }  # fmt: skip
        assert await sim.store.rows("customers") == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"name": "Ann",', "Invalid JSON data in request body: Syntax error."),
        (b'{"name": NaN}', "Invalid JSON data in request body: Syntax error."),
        (b'"Ann"', "Invalid JSON data in request body: an object of attributes is expected."),
        (
            b'{"name": "\xff"}',
            "Invalid JSON data in request body: Malformed UTF-8 characters, "
            "possibly incorrectly encoded.",
        ),
    ],
)
async def test_malformed_json_is_400(content: bytes, message: str) -> None:
    async with running() as sim:
        answer = await sim.client.post(
            CUSTOMERS, content=content, headers={"Content-Type": "application/json"}
        )
    assert answer.status_code == 400
    assert answer.json() == {
        "error": {"message": message, "code": 400, "internal_code": "BAD_REQUEST"}
    }


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"partner_id": "abc"}, "partner_id", "Partner must be an integer."),
        ({"partner_id": -1}, "partner_id", "Partner must be no less than 0."),
        ({"name": 123}, "name", "Full name must be a string."),
        ({"name": ["Ann"]}, "name", "Full name must be a string."),
        ({"status": "gone"}, "status", "Status is invalid."),
        ({"category": "alien"}, "category", "Category is invalid."),
        ({"date_add": "31/01/2024"}, "date_add", "The format of Date added is invalid."),
        ({"date_add": "2024-02-30"}, "date_add", "The format of Date added is invalid."),
        (
            {"daily_prepaid_cost": "lots"},
            "daily_prepaid_cost",
            "Daily prepaid cost must be a number.",
        ),
        ({"email": "not-an-address"}, "email", "Email is not a valid email address."),
        ({"customer_labels": [3]}, "customer_labels", "Customer labels is invalid."),
        (
            {"additional_attributes": ["x"]},
            "additional_attributes",
            "Additional attributes is invalid.",
        ),
    ],
)
async def test_wrong_types_and_values_are_422_per_field(
    change: dict[str, Any], field: str, message: str
) -> None:
    async with running() as sim:
        assert await problems(sim, CUSTOMERS, {**VALID, **change}) == [
            {"field": field, "message": message}
        ]


async def test_unknown_fields_are_refused_and_read_only_ones_ignored() -> None:
    async with running() as sim:
        assert await problems(sim, CUSTOMERS, {**VALID, "nickname": "A", "sonar_id": "9"}) == [
            {"field": "nickname", "message": 'Unknown attribute "nickname".'},
            {"field": "sonar_id", "message": 'Unknown attribute "sonar_id".'},
        ]
        assert await problems(sim, CUSTOMERS, {**VALID, "additional_attributes": {"nope": 1}}) == [
            {"field": "nope", "message": 'Unknown additional attribute "nope".'}
        ]
        made = await sim.customer(id=77, mrr_total="999.0", added_by="admin")
        record = (await sim.client.get(f"{CUSTOMERS}/{made}")).json()
    assert (made, record["mrr_total"], record["added_by"]) == (1, "0.0000", "api")


@pytest.mark.parametrize(
    ("field", "size", "label"),
    [("login", 128, "Portal login"), ("name", 256, "Full name"), ("city", 32, "City"),
     ("zip_code", 32, "ZIP Code"), ("street_1", 255, "Street")],
)  # fmt: skip
async def test_lengths_are_the_real_column_sizes(field: str, size: int, label: str) -> None:
    async with running() as sim:
        fits = await sim.client.post(CUSTOMERS, json={**VALID, field: "é" * size})  # characters
        overlong = await problems(sim, CUSTOMERS, {**VALID, field: "x" * (size + 1)})
    assert fits.status_code == 201
    assert overlong == [
        {"field": field, "message": f"{label} should contain at most {size} characters."}
    ]


async def test_foreign_keys_must_name_live_records() -> None:
    async with running() as sim:
        assert await problems(sim, CUSTOMERS, {**VALID, "partner_id": 9, "location_id": 9}) == [
            {"field": "partner_id", "message": "Partner is invalid."},
            {"field": "location_id", "message": "Location is invalid."},
        ]
        tariff = await sim.create("admin/tariffs/internet", internet_tariff("Fibre"))
        orphan = await problems(
            sim, f"{CUSTOMERS}/42/internet-services", internet_service("l", tariff)
        )
        assert orphan == [{"field": "customer_id", "message": "Customer ID is invalid."}]
        customer = await sim.customer()
        no_plan = await problems(
            sim, f"{CUSTOMERS}/{customer}/internet-services", internet_service("l", 99)
        )
        assert no_plan == [{"field": "tariff_id", "message": "Tariff ID is invalid."}]
        invoice = {"customer_id": 42, "status": "not_paid", "items": [{"description": "x"}]}
        assert (await problems(sim, "admin/finance/invoices", invoice))[0]["field"] == "customer_id"
        payment = {"customer_id": 42, "amount": 5}
        assert (await problems(sim, "admin/finance/payments", payment))[0]["field"] == "customer_id"
        ticket = {"subject": "s", "priority": "low", "type_id": 99}
        assert await problems(sim, "admin/support/tickets", ticket) == [
            {"field": "type_id", "message": "Type is invalid."}
        ]
        await sim.client.put(f"{CUSTOMERS}/{customer}", json={"status": "disabled"})
        await sim.client.delete(f"{CUSTOMERS}/{customer}")
        note = {"customer_id": customer, "comment": "for a deleted customer"}
        assert (await problems(sim, "admin/customers/customer-notes", note))[0][
            "field"
        ] == "customer_id"


async def test_logins_and_marker_fields_are_unique_among_live_records() -> None:
    async with running() as sim:
        first = await sim.customer(login="ann", additional_attributes={"sonar_id": "501"})
        duplicate = {**VALID, "login": "ANN ", "additional_attributes": {"sonar_id": "501"}}
        assert await problems(sim, CUSTOMERS, duplicate) == [
            {"field": "login", "message": 'Portal login "ANN " has already been taken.'},
            {"field": "sonar_id", "message": 'Sonar ID "501" has already been taken.'},
        ]
        own = await sim.client.put(f"{CUSTOMERS}/{first}", json={"login": "ann"})
        assert own.status_code == 202  # a record does not collide with itself
        await sim.client.put(f"{CUSTOMERS}/{first}", json={"status": "disabled"})
        await sim.client.delete(f"{CUSTOMERS}/{first}")
        reused = await sim.customer(login="ann", additional_attributes={"sonar_id": "501"})
    assert reused == first + 1


async def test_items_and_service_rules() -> None:
    async with running() as sim:
        customer = await sim.customer()
        no_items = {"customer_id": customer, "status": "not_paid"}
        # blueprint L5028 requires items, the live OPTIONS does not list them: laxer rule
        zero_invoice = await sim.create("admin/finance/invoices", no_items)
        record = (await sim.client.get(f"admin/finance/invoices/{zero_invoice}")).json()
        assert (record["items"], record["total"]) == ([], "0.0000")
        bad_item = {**no_items, "items": [{"quantity": "two"}]}
        assert await problems(sim, "admin/finance/invoices", bad_item) == [
            {"field": "items", "message": "Item #1: Quantity must be an integer."},
            {"field": "items", "message": "Item #1: Description cannot be blank."},
        ]
        zero = await problems(sim, "admin/finance/payments", {"customer_id": customer, "amount": 0})
        assert [p["field"] for p in zero] == ["amount"]
        tariff = await sim.create("admin/tariffs/internet", internet_tariff("Fibre"))
        path = f"{CUSTOMERS}/{customer}/internet-services"
        await sim.create(path, internet_service("pppoe-1", tariff))
        taken = await problems(sim, path, internet_service("PPPOE-1", tariff))
        assert taken == [{"field": "login", "message": 'Login "PPPOE-1" has already been taken.'}]
        bad_status = await problems(sim, path, {**internet_service("x", tariff), "status": "on"})
        assert bad_status == [{"field": "status", "message": "Status is invalid."}]


async def test_form_encoded_bodies_read_brackets_as_php_does() -> None:
    async with running() as sim:
        form = {"name": "Form Ann", "partner_id": "1", "location_id": "1",
                "additional_attributes[sonar_id]": "777"}  # fmt: skip
        answer = await sim.client.post(CUSTOMERS, data=form)
        assert answer.status_code == 201
        record = (await sim.client.get(f"{CUSTOMERS}/{answer.json()['id']}")).json()
    assert record["additional_attributes"] == {"sonar_id": "777"}


async def test_a_body_over_the_size_limit_is_refused_in_the_envelope() -> None:
    async with running() as sim:
        answer = await sim.client.post(CUSTOMERS, json={**VALID, "name": "x" * 2_000_000})
    assert answer.status_code == 413
    assert answer.json()["error"]["internal_code"] == "BAD_REQUEST"


async def test_a_body_satisfying_either_source_is_accepted() -> None:
    # The laxer rule (resources.py) where the live OPTIONS answer and the blueprint disagree
    async with running() as sim:
        # OPTIONS requires only name (reference §4.1); blueprint L2524 also partner_id etc.
        bare = await sim.create(CUSTOMERS, {"name": "Just A Name"})
        record = (await sim.client.get(f"{CUSTOMERS}/{bare}")).json()
        assert (record["partner_id"], record["category"]) == (0, "person")
        # blueprint L1381-L1401: billing_types, available_for_locations,
        # customer_categories optional; no OPTIONS was recorded (reference §6.2)
        body = {"title": "Phone", "partners_ids": [1], "with_vat": False}
        tariff = await sim.create("admin/tariffs/recurring", body)
        plan = (await sim.client.get(f"admin/tariffs/recurring/{tariff}")).json()
        assert plan["billing_types"] == [] and plan["hide_on_admin_portal"] == "0"
        # OPTIONS requires customer_id and description, blueprint L4983 customer_id,
        # type, tax_percent, date, category: only customer_id is common
        made = await sim.create("admin/finance/transactions", {"customer_id": bare})
        entry = (await sim.client.get(f"admin/finance/transactions/{made}")).json()
        assert entry["type"] == "debit"  # MySQL's implicit default, the enum's first member


RECURRING = {"title": "Loyalty discount", "partners_ids": [1], "with_vat": False}


@pytest.mark.parametrize(
    ("path", "change", "field", "message"),
    [
        # "a number of days up to 365" (splynx_docs_facts, Tariff custom period)
        ("admin/tariffs/recurring", {"custom_period": 1, "billing_days_count": 366},
         "billing_days_count", "Billing days count must be no greater than 365."),
        ("admin/tariffs/recurring", {"custom_period": 1, "billing_days_count": 0},
         "billing_days_count", "Billing days count must be no less than 1."),
        ("admin/tariffs/internet", {"custom_period": 1, "billing_days_count": 400},
         "billing_days_count", "Days must be no greater than 365."),  # the OPTIONS title
        ("admin/tariffs/internet", {"custom_period": 2}, "custom_period",
         "Prepaid period is invalid."),
        # services_voice: period enum('-1'..'99'), discount_type enum('percent','fixed')
        ("service", {"period": "100"}, "period", "Period is invalid."),
        ("service", {"discount_type": "amount"}, "discount_type", "Discount type is invalid."),
        ("service", {"discount": 1, "discount_value": 150}, "discount_value",
         "Discount value must be no greater than 100."),
        ("service", {"discount": 1, "discount_type": "fixed", "discount_value": -5},
         "discount_value", "Discount value must be no less than 0."),
    ],
)  # fmt: skip
async def test_billing_period_and_discount_ranges(
    path: str, change: dict[str, Any], field: str, message: str
) -> None:
    async with running() as sim:
        body: dict[str, Any] = dict(RECURRING)
        if path == "admin/tariffs/internet":
            body = internet_tariff("Fibre")
        if path == "service":
            customer = await sim.customer()
            tariff = await sim.create("admin/tariffs/internet", internet_tariff("Fibre"))
            path, body = f"{CUSTOMERS}/{customer}/internet-services", internet_service("l", tariff)
        found = await problems(sim, path, {**body, **change})
    assert found == [{"field": field, "message": message}]


async def test_a_credit_is_a_negative_price_and_a_year_a_period_of_twelve() -> None:
    # price / unit_price are signed decimal(19,4) columns; no reference gives a minimum
    async with running() as sim:
        customer = await sim.customer()
        credit = await sim.create("admin/tariffs/recurring", {**RECURRING, "price": -5})
        annual = {**RECURRING, "title": "Annual", "price": 49.9992, "custom_period": 1,
                  "billing_days_count": 365}  # fmt: skip
        yearly = await sim.create("admin/tariffs/recurring", annual)
        path = f"{CUSTOMERS}/{customer}/recurring-services"
        base = {"status": "active", "description": "d", "quantity": 1, "start_date": "2024-01-01",
                "end_date": "0000-00-00"}  # fmt: skip
        held = await sim.create(path, {**base, "tariff_id": credit})
        extra = {"unit_price": -2.5, "period": "12", "discount": 1, "discount_type": "fixed",
                 "discount_value": 1}  # fmt: skip
        override = await sim.create(path, {**base, "tariff_id": yearly, **extra})
        services = {s["id"]: s for s in (await sim.client.get(path)).json()}
        tariff = (await sim.client.get(f"admin/tariffs/recurring/{yearly}")).json()
    assert services[held]["unit_price"] == "-5.0000"
    assert (services[override]["unit_price"], services[override]["period"]) == ("-2.5000", "12")
    assert (tariff["price"], str(tariff["billing_days_count"])) == ("49.9992", "365")
