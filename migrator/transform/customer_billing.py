"""An account's billing parameters become its customer's billing settings. Pure.

Sonar keeps one ``AccountBillingParameter`` per account (read nested under
the account); Splynx keeps one ``customer_billing`` row per customer, changed
with a PUT after the customer exists. What carries over, and how:

- ``bill_day`` -> ``billing_date``: the day Splynx bills the customer. Splynx
  has days 1-28 only, so 29-31 become the profile's ``[billing]
  late_bill_day`` (default 28), noted per customer. No bill day (Sonar's
  default for the account type applies): Splynx's default is kept.
- ``due_days`` -> ``billing_due``: days after billing the payment is due,
  1-28 in Splynx; outside that it is brought inside, noted.
- ``grace_days`` -> ``grace_period``: days of grace before Splynx deactivates
  the customer, 0 (none) to 99; more is 99, noted.

Auto-pay (``auto_pay_day`` / ``auto_pay_days``) and invoice delivery
(``print_invoice``) have no per-customer setting in Splynx's customer billing
(blueprint ``Customer Billing``): they are not carried over.
"""

from __future__ import annotations

from dataclasses import replace

from migrator.profile_rules import BillingRules
from migrator.records import Cleaned
from migrator.sonar.entities import AccountBillingParameter
from migrator.sonar.models import AccountWithRelations
from migrator.splynx.payloads.billing import BILLING_DAYS, DUE_DAYS, GRACE_DAYS, CustomerBilling
from migrator.transform.customers import CustomerPayload

__all__ = ["customer_billing", "with_billing"]


def _bill_day(day: int | None, rules: BillingRules, notes: list[str]) -> int | None:
    low, high = BILLING_DAYS
    if day is None or low <= day <= high:
        return day
    if day > high:
        notes.append(
            f"billing_date: Sonar bills on day {day}, Splynx on days {low}-{high} only: "
            f"billed on day {rules.late_bill_day} ([billing] late_bill_day)"
        )
        return rules.late_bill_day
    notes.append(f"billing_date: Sonar's bill day {day} is not a day; Splynx's default kept")
    return None


def _within(value: int | None, field: str, bounds: tuple[int, int], notes: list[str]) -> int | None:
    if value is None:
        return None
    low, high = bounds
    kept = min(max(value, low), high)
    if kept != value:
        notes.append(f"{field}: Sonar's {value} days is outside Splynx's {low}-{high}: {kept}")
    return kept


def customer_billing(
    parameters: AccountBillingParameter | None, rules: BillingRules
) -> Cleaned[CustomerBilling | None]:
    """The customer's billing settings (None: nothing to set), with notes on what changed."""
    if parameters is None:
        return Cleaned(None)
    notes: list[str] = []
    billing = CustomerBilling(
        billing_date=_bill_day(parameters.bill_day, rules, notes),
        billing_due=_within(parameters.due_days, "billing_due", DUE_DAYS, notes),
        grace_period=_within(parameters.grace_days, "grace_period", GRACE_DAYS, notes),
    )
    if not billing.body():
        return Cleaned(None, tuple(notes))
    return Cleaned(billing, tuple(notes))


def with_billing(
    customer: Cleaned[CustomerPayload], account: AccountWithRelations, rules: BillingRules
) -> Cleaned[CustomerPayload]:
    """The customer's payload with its billing settings added, and their notes."""
    billing = customer_billing(account.account_billing_parameter, rules)
    payload = replace(customer.payload, billing=billing.payload)
    return Cleaned(payload, customer.notes + billing.notes)
