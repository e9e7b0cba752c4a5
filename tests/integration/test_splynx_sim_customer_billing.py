"""A customer's billing settings in the Splynx simulator keep to Splynx's documented ranges
(``splynx_docs_facts.md``: billing day 1-28, due 1-28, blocking 0-99, grace 1-99 or none)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.splynx_sim import running

BILLING = "admin/customers/customer-billing"


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        ({"billing_date": 1, "billing_due": 28, "grace_period": 99}, None),
        ({"billing_date": 28, "billing_due": 1, "grace_period": 0, "blocking_period": 99}, None),
        ({"billing_date": 29}, "Billing date must be no greater than 28."),
        ({"billing_date": 0}, "Billing date must be no less than 1."),
        ({"billing_due": 30}, "Billing due must be no greater than 28."),
        ({"grace_period": 100}, "Grace period must be no greater than 99."),
        ({"blocking_period": 120}, "Blocking period must be no greater than 99."),
    ],
)
async def test_billing_settings_outside_the_documented_ranges_are_refused(
    change: dict[str, Any], refused: str | None
) -> None:
    async with running() as sim:
        customer = await sim.customer()
        before = (await sim.client.get(f"{BILLING}/{customer}")).json()
        answer = await sim.client.put(f"{BILLING}/{customer}", json=change)
        after = (await sim.client.get(f"{BILLING}/{customer}")).json()
    if refused is None:
        assert answer.status_code == 202, answer.text
        assert {k: str(after[k]) for k in change} == {k: str(v) for k, v in change.items()}
        return
    assert answer.status_code == 422
    [problem] = answer.json()
    assert problem == {"field": next(iter(change)), "message": refused}
    assert after == before  # nothing of a refused change is kept
