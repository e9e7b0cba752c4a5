"""A customer's billing settings keep to the ranges Splynx documents.

``splynx_docs_facts.md`` ("Customers and billing settings"): billing day 1-28,
payment due 1-28 days after it, blocking period 0-99 days, grace (deactivation)
period 1-99 days or none. A value outside is refused with a 422 naming the
field, in Yii2's NumberValidator words ("{label} must be no less than 1.").
ASSUMPTION: "none" is stored as 0 (the column is a number; the reference does
not say how it is written), so 0 is accepted for the grace period.
"""

from __future__ import annotations

from migrator.sim.splynx.errors import FieldProblem, ValidationFailed
from migrator.sim.splynx.resources import Behaviour, Context, Payload, humanize
from migrator.sim.splynx.store import Row

__all__ = ["BILLING_RANGES", "CustomerBillingBehaviour"]

BILLING_RANGES: dict[str, tuple[int, int]] = {
    "billing_date": (1, 28),
    "billing_due": (1, 28),
    "blocking_period": (0, 99),
    "grace_period": (0, 99),
}


class CustomerBillingBehaviour(Behaviour):
    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        problems = []
        for name, (low, high) in BILLING_RANGES.items():
            value = payload.values.get(name)
            if value is None:
                continue
            label = humanize(name)
            if int(value) < low:
                problems.append(FieldProblem(name, f"{label} must be no less than {low}."))
            elif int(value) > high:
                problems.append(FieldProblem(name, f"{label} must be no greater than {high}."))
        if problems:
            raise ValidationFailed(problems)
