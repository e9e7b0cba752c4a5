"""PHP ``http_build_query`` compatibility, checked against the documented encodings."""

from __future__ import annotations

import pytest

from migrator.splynx.query import (
    OPERATORS,
    Condition,
    Search,
    between,
    http_build_query,
    is_in,
    php_pairs,
    php_urlencode,
    where,
)
from tests.support.php_query import DOCUMENTED_QUERY


def test_documented_search_example_is_encoded_byte_for_byte() -> None:
    search = Search(
        main={
            "login": where("LIKE", "durden"),
            "partner_id": between(1, 10),
            "date_add": "2024-01-31",
            "added_by": "api",
        },
        additional={"sex": is_in(["male", "female"])},
        order={"id": "DESC"},
        limit=10,
        offset=20,
    )
    assert search.encode() == DOCUMENTED_QUERY


def test_blueprint_ipv4_search_example() -> None:
    # splynx_api_v2.apib L6088
    params = {"main_attributes": {"is_used": 0, "ipv4_networks_id": 1}}
    assert http_build_query(params) == (
        "main_attributes%5Bis_used%5D=0&main_attributes%5Bipv4_networks_id%5D=1"
    )


@pytest.mark.parametrize("op", OPERATORS)
def test_every_operator_is_encoded_as_operator_then_value(op: str) -> None:
    condition = between(1, 5) if op == "BETWEEN" else where(op, "v")  # type: ignore[arg-type]
    pairs = php_pairs(Search(main={"f": condition}).params())
    assert pairs[0] == ("main_attributes[f][0]", op)
    assert pairs[1][0] == "main_attributes[f][1]"
    assert http_build_query({"x": [op]}) == "x%5B0%5D=" + php_urlencode(op)


def test_operator_symbols_are_percent_encoded_like_php() -> None:
    assert php_urlencode(">=") == "%3E%3D"
    assert php_urlencode("!=") == "%21%3D"
    assert php_urlencode("<>") == "%3C%3E"
    assert php_urlencode("=") == "%3D"


@pytest.mark.parametrize(
    ("text", "php"),
    [
        ("a b", "a+b"),  # RFC 1738: + for a space
        ("~x", "%7Ex"),  # PHP's urlencode escapes the tilde; Python's quote does not
        ("a-b_c.d", "a-b_c.d"),
        ("é", "%C3%A9"),
        ("a&b=c", "a%26b%3Dc"),
        ("[]", "%5B%5D"),
        ("50%", "50%25"),
        ("a+b", "a%2Bb"),
        ("/", "%2F"),
    ],
)
def test_urlencode_matches_php(text: str, php: str) -> None:
    assert php_urlencode(text) == php


def test_scalars_become_text_as_php_writes_them() -> None:
    assert http_build_query({"t": True, "f": False, "n": None, "i": 3, "x": 2.5, "w": 2.0}) == (
        "t=1&f=0&i=3&x=2.5&w=2"
    )


def test_in_with_numbers_and_search_without_filters() -> None:
    assert Search(main={"id": is_in([3, 4])}).encode() == (
        "main_attributes%5Bid%5D%5B0%5D=IN&main_attributes%5Bid%5D%5B1%5D%5B0%5D=3"
        "&main_attributes%5Bid%5D%5B1%5D%5B1%5D=4"
    )
    assert Search().encode() == ""
    assert Search(limit=5).encode() == "limit=5"


def test_page_keeps_filters_and_order() -> None:
    base = Search(additional={"sonar_id": "12"}, order={"id": "ASC"})
    assert base.page(100, 200).encode() == (
        "additional_attributes%5Bsonar_id%5D=12&order%5Bid%5D=ASC&limit=100&offset=200"
    )


@pytest.mark.parametrize(
    ("op", "operands"),
    [("LIKE", ()), ("BETWEEN", (1,)), ("=", (1, 2)), ("CONTAINS", ("x",))],
)
def test_malformed_conditions_are_refused(op: str, operands: tuple[object, ...]) -> None:
    with pytest.raises(ValueError):
        Condition(op, operands)  # type: ignore[arg-type]


def test_unencodable_value_is_refused() -> None:
    with pytest.raises(TypeError, match="cannot encode"):
        http_build_query({"x": object()})
