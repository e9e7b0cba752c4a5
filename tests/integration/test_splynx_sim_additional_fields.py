"""Additional-field definitions in the Splynx simulator, over HTTP (blueprint L8553-L8698).

A fresh simulator has none; ``POST admin/config/additional-fields/{module}``
defines one, after which the module's OPTIONS lists it, bodies may carry it
and searches may use it. ``drop_unknown_attributes`` makes an undefined
attribute vanish silently instead of being refused.
"""

from __future__ import annotations

from typing import Any

from tests.support.splynx_sim import running

FIELDS = "admin/config/additional-fields"
CUSTOMERS = "admin/customers/customer"


def definition(**changes: Any) -> dict[str, Any]:
    body = {
        "name": "sonar_id", "title": "Sonar ID", "type": "string", "is_required": 0,
        "is_unique": 1, "is_add": 1, "show_in_list": 1, "searchable": 1, "readonly": 1,
        "disabled": 0,
    }  # fmt: skip
    return {**body, **changes}


def customer(name: str, **additional: str) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "login": name.lower(), "partner_id": 1}
    body["location_id"] = 1
    if additional:
        body["additional_attributes"] = additional
    return body


async def test_a_fresh_splynx_has_no_fields_and_refuses_an_unknown_attribute() -> None:
    async with running(additional_fields=()) as sim:
        options = (await sim.client.options(CUSTOMERS)).json()
        assert options["additional_attributes"] == []
        assert (await sim.client.get(f"{FIELDS}/customers")).json() == []
        refused = await sim.client.post(CUSTOMERS, json=customer("Ann", sonar_id="7"))
        assert refused.status_code == 422
        assert "sonar_id" in refused.text


async def test_a_created_field_is_listed_accepted_and_searchable_at_once() -> None:
    async with running(additional_fields=()) as sim:
        created = await sim.client.post(f"{FIELDS}/customers", json=definition())
        assert created.status_code == 201 and created.json() == {"name": "sonar_id"}
        listed = (await sim.client.get(f"{FIELDS}/customers")).json()
        assert [(f["name"], f["is_unique"], f["searchable"], f["readonly"]) for f in listed] == [
            ("sonar_id", 1, 1, 1)
        ]
        one = (await sim.client.get(f"{FIELDS}/customers--sonar_id")).json()
        assert one["title"] == "Sonar ID"
        options = (await sim.client.options(CUSTOMERS)).json()["additional_attributes"]
        assert [(a["name"], a["is_unique"], a["readonly"]) for a in options] == [
            ("sonar_id", True, True)
        ]
        # other modules are untouched
        services = "admin/customers/customer/0/internet-services"
        assert (await sim.client.options(services)).json()["additional_attributes"] == []
        made = await sim.client.post(CUSTOMERS, json=customer("Ann", sonar_id="7"))
        assert made.status_code == 201
        found = await sim.client.get(CUSTOMERS, params={"additional_attributes[sonar_id]": "7"})
        assert [c["id"] for c in found.json()] == [made.json()["id"]]
        # unique: a second record with the same marker is refused
        again = await sim.client.post(CUSTOMERS, json=customer("Bob", sonar_id="7"))
        assert again.status_code == 422 and "already been taken" in again.text


async def test_definitions_are_validated_like_any_splynx_model() -> None:
    async with running(additional_fields=()) as sim:
        blank = await sim.client.post(f"{FIELDS}/customers", json={"name": "x"})
        assert blank.status_code == 422
        assert {p["field"] for p in blank.json()} >= {"title", "type", "is_unique", "searchable"}
        assert (await sim.client.post(f"{FIELDS}/customers", json=definition())).status_code == 201
        taken = await sim.client.post(f"{FIELDS}/customers", json=definition())
        assert taken.status_code == 422 and "already been taken" in taken.text
        flag = await sim.client.post(f"{FIELDS}/customers", json=definition(name="y", is_unique=7))
        assert flag.status_code == 422
        assert (await sim.client.post(f"{FIELDS}/nowhere", json=definition())).status_code == 404
        # the live server answered 400 to a listing with search parameters (reference §2.1)
        assert (await sim.client.get(f"{FIELDS}/customers?limit=5")).status_code == 400
        assert (await sim.client.get(f"{FIELDS}/customers--nope")).status_code == 404


async def test_a_field_can_be_changed_and_removed() -> None:
    async with running(additional_fields=()) as sim:
        await sim.client.post(f"{FIELDS}/customers", json=definition(searchable=0))
        by_marker = {"additional_attributes[sonar_id]": "1"}
        assert (await sim.client.get(CUSTOMERS, params=by_marker)).status_code == 400
        changed = await sim.client.put(f"{FIELDS}/customers--sonar_id", json={"searchable": 1})
        assert changed.status_code == 202
        assert (await sim.client.get(CUSTOMERS, params=by_marker)).status_code == 200
        assert (await sim.client.delete(f"{FIELDS}/customers--sonar_id")).status_code == 204
        options = (await sim.client.options(CUSTOMERS)).json()
        assert options["additional_attributes"] == []


async def test_the_permission_can_be_withheld() -> None:
    async with running(additional_fields=(), deny=(f"{FIELDS}:add",)) as sim:
        assert (await sim.client.get(f"{FIELDS}/customers")).status_code == 200
        refused = await sim.client.post(f"{FIELDS}/customers", json=definition())
        assert refused.status_code == 403


async def test_drop_unknown_attributes_loses_the_marker_without_a_word() -> None:
    async with running(additional_fields=(), drop_unknown_attributes=True) as sim:
        made = await sim.client.post(CUSTOMERS, json=customer("Ann", sonar_id="7"))
        assert made.status_code == 201
        record = (await sim.client.get(f"{CUSTOMERS}/{made.json()['id']}")).json()
        assert record["additional_attributes"] in ([], {})
