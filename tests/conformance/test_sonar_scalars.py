"""The simulator's custom scalars against the descriptions in the real Sonar schema.

The pruned schema drops descriptions; these tests read them from
../shared/reference and check the behaviour each one promises, on output
(what the simulator emits) and on input (variables and literals).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from graphql import GraphQLScalarType, GraphQLSchema

from migrator.sim.sonar.generate import generate_dataset
from migrator.sim.sonar.graph import SonarContext, executable_schema, execute_request
from migrator.sim.sonar.listing import Lister
from migrator.sim.sonar.scalars import SCALAR_RULES, ScalarError
from migrator.sonar.schema import pruned_schema

MOMENT = 1483259592 * 10**6  # 2017-01-01T08:33:12Z in microseconds
# scalar: (words of its real description, accepted input → resolver value, refused inputs)
PROMISES: dict[str, tuple[str, dict[Any, Any], list[Any]]] = {
    "Int64Bit": (
        "always output as a string",
        {"42": 42, 42: 42, "-9223372036854775808": -(2**63)},
        [1.5, "4.0", "abc", True, 2**63, "", None],
    ),
    "Datetime": (
        "ISO8601 format (e.g. 2017-01-01T12:33:12+04:00)",
        {"2017-01-01T12:33:12+04:00": MOMENT, "2017-01-01T08:33:12Z": MOMENT},
        ["2017-01-01", "2017-01-01T12:33:12", "yesterday", 1483259592],
    ),
    "Date": ("YYYY-MM-DD format (e.g. 2017-01-01)", {"2017-01-01": "2017-01-01"},
             ["2017-1-1", "2017-02-30", "01/02/2017", 20170101]),
    "Time": ("Time of day", {"08:30:00": "08:30:00", "08:30": "08:30:00"},
             ["8.30", "25:00:00", 830]),
    "Geopoint": ("geo-point (lat, lon)", {"30.2672,-97.7431": "30.2672,-97.7431"},
                 ["30.2672", "91,0", "north,west"]),
    "EmailAddress": ("user@domain format", {"ann@example.com": "ann@example.com"},
                     ["ann", "ann@", "a b@example.com", 5]),
    "Numeric": ("can have leading 0s, and it is output as a string", {"0042": "0042", 42: "42"},
                ["4a2", "-1", "", 4.2]),
    "Latitude": ("latitude", {30.5: 30.5, -90: -90.0}, [90.5, "30.5", True]),
    "Longitude": ("longitude", {-97.7: -97.7, 180: 180.0}, [180.1, "x"]),
    "HtmlHexColor": ("6 character hexadecimal color", {"1F6FEB": "1F6FEB", "a0b1c2": "a0b1c2"},
                     ["#1F6FEB", "1F6FE", "GGGGGG"]),
    "URL": ("beginning with http:// or https://", {"https://example.net/x": "https://example.net/x"},
            ["ftp://example.net", "example.net", "http://"]),
    "SubnetScalar": ("CIDR notation",
                     {"192.0.2.10/32": "192.0.2.10/32", "2001:db8::/64": "2001:db8::/64"},
                     ["192.0.2.10", "192.0.2.300/32", "banana/8"]),
    "Text": ("maximum length of 100000 characters", {"x" * 100_000: "x" * 100_000},
             ["x" * 100_001, 7]),
    "IpRange": ('represented as "x.x.x.x-y.y.y.y"',
                {"100.64.0.10-100.64.1.254": "100.64.0.10-100.64.1.254"},
                ["100.64.0.10", "100.64.1.254-100.64.0.10", "2001:db8::1-2001:db8::9",
                 "1.2.3.4-1.2.3.999", 5]),
    "MacAddress": ("A MAC address", {"F0:9F:C2:0A:0B:0C": "F0:9F:C2:0A:0B:0C",
                                     "f0:9f:c2:0a:0b:0c": "f0:9f:c2:0a:0b:0c"},
                   ["F0:9F:C2:0A:0B", "F09FC20A0B0C", "G0:9F:C2:0A:0B:0C", 12]),
}  # fmt: skip


def custom_scalars(schema: GraphQLSchema) -> set[str]:
    builtin = {"String", "Int", "Float", "Boolean", "ID"}
    return {
        name
        for name, named in schema.type_map.items()
        if isinstance(named, GraphQLScalarType)
        and name not in builtin
        and not name.startswith("__")
    }


def test_every_custom_scalar_of_the_pruned_schema_has_a_checked_behaviour() -> None:
    assert custom_scalars(pruned_schema()) == set(PROMISES) == set(SCALAR_RULES)


@pytest.mark.parametrize("scalar", sorted(PROMISES))
def test_scalar_keeps_the_promise_of_its_description(
    real_sonar_schema: GraphQLSchema, scalar: str
) -> None:
    words, accepted, refused = PROMISES[scalar]
    description = " ".join((real_sonar_schema.type_map[scalar].description or "").split())
    assert words in description, f"the reference no longer says {words!r} of {scalar}"
    rule = SCALAR_RULES[scalar]
    for given, internal in accepted.items():
        assert rule.input(given) == internal, given
    for given in refused:
        with pytest.raises(ScalarError):
            rule.input(given)


def test_outputs_are_spelled_as_described() -> None:
    assert SCALAR_RULES["Int64Bit"].output(7) == "7" and SCALAR_RULES["Int64Bit"].output("7") == "7"
    assert SCALAR_RULES["Numeric"].output("0042") == "0042"
    assert (
        SCALAR_RULES["Datetime"].output("2017-01-01T12:33:12+04:00") == "2017-01-01T12:33:12+04:00"
    )
    for bad in ("2017-01-01T12:33:12", 1.5):
        with pytest.raises(ScalarError):
            SCALAR_RULES["Datetime"].output(bad)


ISO_WITH_OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d")


def test_served_answers_use_the_described_spellings() -> None:
    context = SonarContext(generate_dataset(20, seed=2), Lister(100))
    query = """{ accounts(include_archived: true) { entities { id created_at account_status_id
                 activation_date activation_time geopoint } }
                 companies { entities { primary_color website_address phone_number } }
                 ip_assignments { entities { subnet } } }"""
    data = execute_request({"query": query}, context)["data"]
    for account in data["accounts"]["entities"]:
        assert isinstance(account["id"], str) and isinstance(account["account_status_id"], str)
        assert ISO_WITH_OFFSET.fullmatch(account["created_at"])
        assert account["activation_date"] is None or re.fullmatch(
            r"\d{4}-\d\d-\d\d", account["activation_date"]
        )
    company = data["companies"]["entities"][0]
    assert re.fullmatch(r"[0-9A-Fa-f]{6}", company["primary_color"])
    assert company["website_address"].startswith(("http://", "https://"))
    assert all("/" in ip["subnet"] for ip in data["ip_assignments"]["entities"])


@pytest.mark.parametrize(
    ("literal", "variable"),
    [("id: 1.5", 1.5), ('created_at: "2021-01-01"', "2021-01-01"), ('id: "x1"', "x1")],
)
def test_bad_inputs_are_graphql_errors_as_literals_and_as_variables(
    literal: str, variable: Any
) -> None:
    context = SonarContext(generate_dataset(3, seed=2), Lister(100))
    as_literal = execute_request(
        {"query": f"{{ accounts({literal}) {{ entities {{ id }} }} }}"}, context
    )
    assert as_literal["errors"][0]["locations"]
    name, kind = ("created_at", "Datetime") if "created_at" in literal else ("id", "Int64Bit")
    as_variable = execute_request(
        {
            "query": f"query Q($v: {kind}) {{ accounts({name}: $v) {{ entities {{ id }} }} }}",
            "variables": {"v": variable},
        },
        context,
    )
    assert kind in as_variable["errors"][0]["message"]


def test_the_simulator_schema_is_its_own_copy() -> None:
    # Attaching Sonar's scalar behaviour must not change the client's pruned schema.
    assert executable_schema() is not pruned_schema()
    client_int64 = pruned_schema().type_map["Int64Bit"]
    assert isinstance(client_int64, GraphQLScalarType)
    assert client_int64.coerce_output_value(5) == 5
