"""A small customer base and searches over it, shared by the memory and MariaDB store tests.

The dataset is built through the API. Each search pairs PHP-style parameters
with a predicate on the customer as created, so a test can check the
simulator's answer against what the blueprint's search means.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from migrator.sim.splynx.additional import MARKER_FIELDS, AdditionalField
from tests.support.php_query import http_build_query
from tests.support.splynx_sim import RunningSim

__all__ = ["ADDITIONAL_FIELDS", "SEARCHES", "Made", "Search", "make_customers"]

ADDITIONAL_FIELDS = (*MARKER_FIELDS, AdditionalField(module="customers", name="sex"))


@dataclass
class Made:
    id: int
    login: str
    name: str
    partner_id: int
    date_add: str
    sex: str
    status: str
    email: str
    billing_email: str | None


async def make_customers(sim: RunningSim) -> list[Made]:
    """30 customers: 24 match the blueprint's documented example, 6 miss it in one way each."""
    for number in range(2, 12):
        await sim.create("admin/administration/partners", {"name": f"Partner {number}"})
    specs: list[dict[str, Any]] = []
    for n in range(24):
        specs.append(
            {
                "login": f"{'TYLER_' if n % 3 == 0 else 'x'}durden{n:02d}",
                "partner_id": 1 + n % 10,
                "date_add": "2024-01-31",
                "sex": "male" if n % 2 else "female",
            }
        )
    specs += [
        {"login": "marla", "partner_id": 1, "date_add": "2024-01-31", "sex": "female"},
        {"login": "durden_p11", "partner_id": 11, "date_add": "2024-01-31", "sex": "male"},
        {"login": "durden_date", "partner_id": 2, "date_add": "2024-02-01", "sex": "male"},
        {"login": "durden_sex", "partner_id": 3, "date_add": "2024-01-31", "sex": "other"},
        {"login": "durden_nosex", "partner_id": 4, "date_add": "2024-01-31", "sex": ""},
        {"login": "dur_den", "partner_id": 5, "date_add": "2024-01-31", "sex": "male"},
    ]
    made = []
    for n, spec in enumerate(specs):
        status = ("new", "active", "blocked", "disabled")[n % 4]
        email = f"c{n}@example.com" + (",shared@example.com" if n % 5 == 0 else "")
        billing = f"b{n}@example.com" if n % 2 else None
        body = {
            "name": f"Customer {n:02d}",
            "login": spec["login"],
            "partner_id": spec["partner_id"],
            "location_id": 1,
            "date_add": spec["date_add"],
            "status": status,
            "email": email,
            "additional_attributes": {"sex": spec["sex"], "sonar_id": str(1000 + n)},
        }
        if billing:
            body["billing_email"] = billing
        ident = await sim.customer(**body)
        made.append(
            Made(
                ident,
                spec["login"],
                body["name"],
                spec["partner_id"],
                spec["date_add"],
                spec["sex"],
                status,
                email,
                billing,
            )
        )
    return made


@dataclass(frozen=True)
class Search:
    name: str
    params: dict[str, Any]
    matches: Callable[[Made], bool]

    def query(self) -> str:
        return http_build_query(self.params)


def _main(field: str, value: Any) -> dict[str, Any]:
    return {"main_attributes": {field: value}}


SEARCHES = (
    Search("=", _main("login", "MARLA"), lambda c: c.login == "marla"),
    Search("!=", _main("status", ["!=", "new"]), lambda c: c.status != "new"),
    Search(">=", _main("partner_id", [">=", 9]), lambda c: c.partner_id >= 9),
    Search("<=", _main("partner_id", ["<=", 2]), lambda c: c.partner_id <= 2),
    Search(">", _main("partner_id", [">", 10]), lambda c: c.partner_id > 10),
    Search("<", _main("date_add", ["<", "2024-02-01"]), lambda c: c.date_add < "2024-02-01"),
    Search("<>", _main("status", ["<>", "active"]), lambda c: c.status != "active"),
    Search("IS NULL", _main("billing_email", ["IS", None]), lambda c: c.billing_email is None),
    Search(
        "IS NOT NULL",
        _main("billing_email", ["IS", "NOT NULL"]),
        lambda c: c.billing_email is not None,
    ),
    Search(
        "REGEXP",
        _main("login", ["REGEXP", "^tyler_durden[0-9]+$"]),
        lambda c: c.login.lower().startswith("tyler_durden"),
    ),
    Search("BETWEEN", _main("partner_id", ["BETWEEN", 3, 5]), lambda c: 3 <= c.partner_id <= 5),
    Search("LIKE", _main("login", ["LIKE", "_den"]), lambda c: "_den" in c.login.lower()),
    Search(
        "IN", _main("status", ["IN", ["new", "blocked"]]), lambda c: c.status in {"new", "blocked"}
    ),
    Search(
        "FIND_IN_SET",
        _main("email", ["FIND_IN_SET", "shared@example.com"]),
        lambda c: "shared@example.com" in c.email.split(","),
    ),
    Search(
        "additional IN",
        {"additional_attributes": {"sex": ["IN", ["male", "other"]]}},
        lambda c: c.sex in {"male", "other"},
    ),
    Search(
        "additional =",
        {"additional_attributes": {"sonar_id": "1007"}},
        lambda c: c.name == "Customer 07",
    ),
)
