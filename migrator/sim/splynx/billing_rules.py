"""Rules on a tariff's billing period and a service's discount beyond column types.

The column types (``tariffs_voice`` / ``services_voice`` layouts) already
refuse what MySQL would: a ``period`` outside its enum '-1'..'99', a
``discount_type`` other than percent|fixed, a negative ``billing_days_count``
(smallint unsigned). On top, what Splynx's documentation says:

- ``billing_days_count`` is "a number of days up to 365" (splynx_docs_facts
  "Tariff custom period"); the blueprint's default is 1, so 0 is refused too.
- A percent discount lies in 0..100 and no discount value is negative
  (ASSUMPTION: the references give no range; a discount is a reduction, and a
  percentage above 100 would turn a charge into a credit).
- Prices (``price``, ``unit_price``) are signed ``decimal(19,4)`` columns and
  no reference gives them a minimum: a negative price is accepted (what a
  credit service becomes), as the columns would store it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from migrator.sim.splynx.additional import is_blank
from migrator.sim.splynx.errors import FieldProblem

__all__ = ["discount_problems", "period_problems"]

MAX_DAYS = 365


def _number(value: Any) -> Decimal | None:
    if is_blank(value):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def period_problems(values: dict[str, Any]) -> list[FieldProblem]:
    """A tariff's ``billing_days_count`` (1..365) when its custom period is in days."""
    days = _number(values.get("billing_days_count"))
    if days is None:
        return []
    if days < 1:
        return [FieldProblem("billing_days_count", "{label} must be no less than 1.")]
    if days > MAX_DAYS:
        message = f"{{label}} must be no greater than {MAX_DAYS}."
        return [FieldProblem("billing_days_count", message)]
    return []


def discount_problems(values: dict[str, Any]) -> list[FieldProblem]:
    """A service's ``discount_value`` for its ``discount_type``."""
    amount = _number(values.get("discount_value"))
    if amount is None:
        return []
    if amount < 0:
        return [FieldProblem("discount_value", "{label} must be no less than 0.")]
    if str(values.get("discount_type") or "percent") == "percent" and amount > 100:
        return [FieldProblem("discount_value", "{label} must be no greater than 100.")]
    return []
