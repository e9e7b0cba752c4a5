"""Splynx search parameters as PHP encodes them, read as Splynx reads them (reference §2.4)."""

from __future__ import annotations

import pytest

from migrator.sim.splynx.auth import signature
from migrator.sim.splynx.columns import Column
from migrator.sim.splynx.matching import matcher
from migrator.sim.splynx.query import (
    Condition,
    MalformedSearch,
    SearchError,
    parse_php_query,
    parse_search,
)
from tests.support.php_query import DOCUMENTED_PARAMS, DOCUMENTED_QUERY, http_build_query
from tests.support.splynx_sim import sign


def test_the_php_clone_encodes_the_documented_example_exactly() -> None:
    assert http_build_query(DOCUMENTED_PARAMS) == DOCUMENTED_QUERY


def test_the_documented_example_parses_into_its_conditions() -> None:
    search = parse_search(parse_php_query(DOCUMENTED_QUERY))
    assert search.main == (
        Condition("login", "LIKE", ("durden",)),
        Condition("partner_id", "BETWEEN", ("1", "10")),
        Condition("date_add", "=", ("2024-01-31",)),
        Condition("added_by", "=", ("api",)),
    )
    assert search.additional == (Condition("sex", "IN", ("male", "female")),)
    assert search.order == (("id", True),)
    assert (search.limit, search.offset) == (10, 20)


def test_the_blueprints_own_encoded_example_parses() -> None:
    raw = "main_attributes%5Bis_used%5D=0&main_attributes%5Bipv4_networks_id%5D=1"
    search = parse_search(parse_php_query(raw))
    assert search.main == (
        Condition("is_used", "=", ("0",)),
        Condition("ipv4_networks_id", "=", ("1",)),
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"f": ["=", "x"]}, Condition("f", "=", ("x",))),
        ({"f": ["!=", "x"]}, Condition("f", "!=", ("x",))),
        ({"f": [">=", 5]}, Condition("f", ">=", ("5",))),
        ({"f": ["<=", 5]}, Condition("f", "<=", ("5",))),
        ({"f": [">", 5]}, Condition("f", ">", ("5",))),
        ({"f": ["<", 5]}, Condition("f", "<", ("5",))),
        ({"f": ["<>", "x"]}, Condition("f", "<>", ("x",))),
        ({"f": ["IS", None]}, Condition("f", "IS", (None,))),  # PHP drops the null
        ({"f": ["IS", "NOT NULL"]}, Condition("f", "IS", ("NOT NULL",))),
        ({"f": ["REGEXP", "^a.c$"]}, Condition("f", "REGEXP", ("^a.c$",))),
        ({"f": ["BETWEEN", 1, 9]}, Condition("f", "BETWEEN", ("1", "9"))),
        ({"f": ["like", "x y"]}, Condition("f", "LIKE", ("x y",))),
        ({"f": ["IN", [1, 2, 3]]}, Condition("f", "IN", ("1", "2", "3"))),
        ({"f": ["FIND_IN_SET", "7"]}, Condition("f", "FIND_IN_SET", ("7",))),
        ({"f": ["active", "new"]}, Condition("f", "IN", ("active", "new"))),
    ],
)
def test_every_operator_form(params: dict[str, object], expected: Condition) -> None:
    raw = http_build_query({"main_attributes": params})
    assert parse_search(parse_php_query(raw)).main == (expected,)


def test_php_bracket_rules() -> None:
    assert parse_php_query("a%5B%5D=1&a%5B%5D=2&b.c=3&a%5Bx%5D=4") == {
        "a": {"0": "1", "1": "2", "x": "4"},
        "b_c": "3",
    }
    assert parse_php_query("q=a+b%26c") == {"q": "a b&c"}


@pytest.mark.parametrize(
    "raw",
    [
        "main_attributes%5Bf%5D%5B0%5D=BETWEEN&main_attributes%5Bf%5D%5B1%5D=1",
        "main_attributes%5Bf%5D%5Bx%5D=1",
        "limit=-1",
        "offset=ten",
        "order%5Bid%5D=UP",
    ],
)
def test_unreadable_searches_are_refused(raw: str) -> None:
    with pytest.raises(SearchError):
        parse_search(parse_php_query(raw))


def test_search_attributes_as_a_json_string_are_the_observed_500_case() -> None:
    with pytest.raises(MalformedSearch):
        parse_search(parse_php_query('main_attributes={"tariff_id":1}'))


def test_the_signature_test_vector() -> None:
    vector = "5ADF0AEE66140A5B0F95320C4AC3D5A85752D63985757E031295CF2C877C05D2"
    assert sign(1234567890, "API_KEY", "API_SECRET") == vector
    assert signature("API_SECRET", 1234567890, "API_KEY") == vector


@pytest.mark.parametrize(
    ("sql_type", "op", "operands", "value", "expected"),
    [
        ("varchar(32)", "=", ("ANN  ",), "ann", True),  # _ci collation, PAD SPACE
        ("varchar(32)", "!=", ("x",), None, False),  # NULL matches nothing
        ("varchar(32)", "IS", (None,), None, True),
        ("varchar(32)", "IS", ("not null",), None, False),
        ("int", "=", ("12abc",), 12, True),  # MySQL's numeric prefix
        ("int", ">", ("9",), 10, True),  # numbers, not strings
        ("varchar(32)", ">", ("9",), "10", False),  # strings, not numbers
        ("decimal(19,4)", "BETWEEN", ("1", "10"), "10.0000", True),
        ("varchar(32)", "LIKE", ("50%",), "x50%y", True),  # the value is literal
        ("varchar(32)", "LIKE", ("50%",), "x50y", False),
        ("varchar(512)", "FIND_IN_SET", ("3",), "1,3,5", True),
        ("varchar(512)", "FIND_IN_SET", ("3",), "13,35", False),
        ("varchar(32)", "REGEXP", ("^du",), "Durden", True),
        ("enum('new','active')", "IN", ("Active", "x"), "active", True),
    ],
)
def test_conditions_follow_mysql(
    sql_type: str, op: str, operands: tuple[str | None, ...], value: object, expected: bool
) -> None:
    test = matcher(Column("f", sql_type, nullable=True), Condition("f", op, operands))
    assert test(value) is expected
