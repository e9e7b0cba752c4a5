"""How often a service bills, and which way its money goes.

Sonar prices a plan per billing period (``billing_frequency`` months on its
data or recurring service details) and a service either charges (DEBIT) or
credits (CREDIT) the customer. Splynx prices a tariff per month and charges a
service ``period`` months at once ("number of period, from 1 to 99",
blueprint ``Service Base``), or, for prepaid custom billing, every
``billing_days_count`` days up to 365 (``custom_period`` 1; splynx_docs_facts
"Tariff custom period"). The profile's ``[services] billing_period`` chooses.

Monthly prices are kept to Splynx's four decimals (``decimal(19,4)``): for a
period of n <= 99 months, n times the rounded price is within n x 0.00005 <
0.005 of the Sonar amount, so a bill for the whole period rounds back to it
to the cent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Literal

from migrator.errors import FieldError, Rejected
from migrator.sonar.entities import Service

__all__ = [
    "MAX_PERIOD_DAYS",
    "MAX_SERVICE_PERIOD",
    "BillingPeriod",
    "Frequencies",
    "credit_sign",
    "period_days",
    "period_price",
    "service_period",
    "tariff_period",
]

BillingPeriod = Literal["service_period", "tariff_days"]
MAX_SERVICE_PERIOD = 99  # service ``period``: "from 1 to 99" (blueprint)
MAX_PERIOD_DAYS = 365  # ``billing_days_count``: "a number of days up to 365" (Splynx docs)
_CENT4 = Decimal("0.0001")


@dataclass(frozen=True)
class Frequencies:
    """Sonar's ``billing_frequency`` (months) by service id, from both kinds of details."""

    months: Mapping[int, int]

    def of(self, service_id: int) -> int:
        """The service's billing period in months (1 when Sonar holds no detail for it)."""
        months = self.months.get(service_id, 1)
        if months < 1:
            message = f"billing_frequency {months} is not a number of months"
            raise Rejected(message, [FieldError("billing_frequency", message)])
        return months


def credit_sign(service: Service | None) -> int:
    """-1 for a service that credits the customer, 1 for one that charges."""
    return -1 if service is not None and service.application == "CREDIT" else 1


def period_days(months: int) -> int:
    """N months as a number of days (a year is 365; a quarter 91)."""
    return round(months * MAX_PERIOD_DAYS / 12)


def _check(months: int, rule: BillingPeriod) -> None:
    limit = MAX_SERVICE_PERIOD if rule == "service_period" else 12
    if months > limit:
        message = (
            f"billed every {months} months; Splynx's {rule.replace('_', ' ')} "
            f"holds at most {limit} months"
        )
        raise Rejected(message, [FieldError("billing_frequency", message)])


def period_price(amount: Decimal | None, months: int, rule: BillingPeriod) -> Decimal | None:
    """A price for Sonar's period as Splynx wants it: per month, or (days) as it is."""
    _check(months, rule)
    if amount is None or rule == "tariff_days" or months == 1:
        return amount
    return (amount / months).quantize(_CENT4, rounding=ROUND_HALF_EVEN)


def tariff_period(months: int, rule: BillingPeriod) -> dict[str, Any]:
    """The tariff's ``custom_period`` / ``billing_days_count`` (only for ``tariff_days``)."""
    _check(months, rule)
    if rule == "service_period" or months == 1:
        return {}
    return {"custom_period": 1, "billing_days_count": period_days(months)}


def service_period(months: int, rule: BillingPeriod) -> dict[str, Any]:
    """The service's ``period`` (only for ``service_period`` and more than a month)."""
    _check(months, rule)
    if rule == "tariff_days" or months == 1:
        return {}
    return {"period": str(months)}
