"""verify's field comparison: Splynx's spellings forgiven, real differences named (pure)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from migrator.splynx.compare import FieldDiff, field_differences, same
from migrator.verify.report import Difference, EntityReport, Missing, VerifyReport


@pytest.mark.parametrize(
    ("expected", "actual", "equal"),
    [
        ("Alice", "Alice", True),
        ("Alice", "alice", False),
        ("", None, True),  # an empty string Splynx keeps as null
        ("x", None, False),
        (10, "10", True),
        (10, "10.0000", True),  # money and prices come back with 4 decimals
        (Decimal("9.99"), "9.9900", True),
        (9.99, "9.98", False),
        (3, "three", False),
        (True, "1", True),
        (True, "0", False),
        (False, "0", True),
        (False, "1", False),
        (["a", "b"], ["b", "a"], True),  # order of a list is not a difference
        (["a", "b"], "a,b", True),  # a comma-joined column
        (["a"], ["a", "b"], False),
        ({"sonar_id": "7"}, {"sonar_id": "7", "other": 1}, True),
        ({"sonar_id": "7"}, [], False),  # PHP's empty array where an object is meant
        (None, "", True),
        (None, "x", False),
    ],
)
def test_same(expected: Any, actual: Any, equal: bool) -> None:
    assert same(expected, actual) is equal


@pytest.mark.parametrize(
    ("expected", "actual", "skip", "diffs"),
    [
        ({"name": "A", "billing_type": "recurring"}, {"name": "A", "billing_type": "recurring"},
         (), []),
        ({"name": "A"}, {"name": "B"}, (), [FieldDiff("name", "A", "B")]),
        ({"name": "A"}, {}, (), [FieldDiff("name", "A", None)]),
        ({"needCreateIps": "1"}, {}, ("needCreateIps",), []),
        ({"additional_attributes": {"sonar_id": "5"}},
         {"additional_attributes": {"sonar_id": "6"}}, (),
         [FieldDiff("additional_attributes.sonar_id", "5", "6")]),
        ({"password": "s3cret"}, {"password": "other"}, (), [FieldDiff("password", "***", "***")]),
        ({"name": "A", "email": "a@x"}, {"name": "A", "email": "b@x"}, (),
         [FieldDiff("email", "a@x", "b@x")]),
    ],
)  # fmt: skip
def test_field_differences(
    expected: dict[str, Any], actual: dict[str, Any], skip: tuple[str, ...], diffs: list[FieldDiff]
) -> None:
    assert field_differences(expected, actual, skip=skip, secrets={"password"}) == diffs


@pytest.mark.parametrize(
    ("entity", "balances", "equal"),
    [
        (EntityReport(entity="customers", sonar=2, splynx=2), None, True),
        (EntityReport(entity="customers", missing=[Missing(sonar_id=1)]), None, False),
        (
            EntityReport(
                entity="customers",
                differences=[Difference(sonar_id=1, splynx_id=2, field="x", sonar=1, splynx=2)],
            ),
            None,
            False,
        ),
        (EntityReport(entity="customers"), {"checked": 1, "equal": 1, "different": []}, True),
        (EntityReport(entity="customers"), {"checked": 1, "equal": 0, "different": [{}]}, False),
    ],
)
def test_the_verdict(entity: EntityReport, balances: dict[str, Any] | None, equal: bool) -> None:
    report = VerifyReport(sample=None, entities=[entity], balances=balances)
    assert report.equal is equal
    assert report.as_dict()["equal"] is equal
    assert report.as_dict()["entities"][0]["equal"] is entity.equal


def test_rows_are_held_in_order_less_their_skipped_fields() -> None:
    expected = {"items": [{"price": 9.99, "categoryIdForTransaction": 1}, {"price": 1}]}
    kept = {"items": [{"id": 1, "price": "9.9900"}, {"id": 2, "price": "1.0000"}]}
    skip = {"items.categoryIdForTransaction"}
    assert field_differences(expected, kept, skip=skip) == []
    swapped = {"items": list(reversed(kept["items"]))}
    [diff] = field_differences(expected, swapped, skip=skip)
    assert diff.field == "items"
    assert field_differences(expected, {"items": kept["items"][:1]}, skip=skip) != []
