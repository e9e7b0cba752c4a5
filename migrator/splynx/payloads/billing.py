"""A customer's billing settings: ``PUT admin/customers/customer-billing/{customer_id}``.

The row exists per customer (Splynx makes it with the customer); a PUT changes
the fields sent (blueprint ``Customer Billing``, reference §4.3). The ranges
are Splynx's documented ones (``splynx_docs_facts.md``, "Customers and billing
settings"): billing day 1-28, payment due 1-28 days after it, grace
(deactivation) period 1-99 days or none (0 here: an ASSUMPTION, the reference
does not say how "none" is written).
"""

from __future__ import annotations

from pydantic import Field

from migrator.splynx.payloads.base import SplynxPayload

__all__ = ["BILLING_DAYS", "DUE_DAYS", "GRACE_DAYS", "CustomerBilling"]

BILLING_DAYS = (1, 28)
DUE_DAYS = (1, 28)
GRACE_DAYS = (0, 99)


class CustomerBilling(SplynxPayload):
    """The billing settings the migration carries over from Sonar."""

    billing_date: int | None = Field(None, ge=BILLING_DAYS[0], le=BILLING_DAYS[1])
    billing_due: int | None = Field(None, ge=DUE_DAYS[0], le=DUE_DAYS[1])
    grace_period: int | None = Field(None, ge=GRACE_DAYS[0], le=GRACE_DAYS[1])
