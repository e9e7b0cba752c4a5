"""Each account's billing parameters: the day it is billed, when payment is due, grace.

Sonar keeps one ``account_billing_parameters`` row per account (10,159 for
10,158 accounts in ``reference/sonar_volumes.md``). Most ISPs bill everyone
on the 1st; some bill on the sign-up day (anniversary billing), which puts a
few accounts on the 29th to the 31st, days a Splynx billing day cannot hold.

Every value comes from the record's own keyed draw, so adding this table
leaves every other generated record as it was.
"""

from __future__ import annotations

from typing import Any

from migrator.sim.sonar.generate.accounts import AccountFacts
from migrator.sim.sonar.generate.common import Columns, Salt, World, common_fields
from migrator.sim.sonar.table import Table

__all__ = ["generate_billing_parameters"]

_DUE_DAYS = (14, 14, 21, 30, 10)
_GRACE_DAYS = (0, 0, 3, 5, 10)


def generate_billing_parameters(world: World, accounts: AccountFacts) -> Table:
    """One row per account, ids in account order, created with the account."""
    cols = Columns()
    owners = cols.column("account_id")
    for row, account_id in enumerate(accounts.table.ids):
        cols.ids.append(row + 1)
        cols.created.append(accounts.created[row])
        cols.updated.append(accounts.created[row])
        owners.append(account_id)
    return cols.table(
        "account_billing_parameters", lambda row: _parameters(world, cols, row), ("account_id",)
    )


def _bill_day(draw: Any) -> int:
    if draw.chance(0.7):
        return 1
    if draw.chance(0.5):
        return 15
    return 1 + draw.below(31)  # anniversary billing: any day of the month, 29-31 included


def _parameters(world: World, cols: Columns, row: int) -> dict[str, Any]:
    record_id = cols.ids[row]
    draw = world.draw(Salt.BILLING_PARAMETERS, record_id)
    record = common_fields(draw, record_id, cols.created[row], cols.updated[row])
    bill_day = _bill_day(draw)
    record.update(
        account_id=str(cols.extra["account_id"][row]),
        aggregate_invoice_taxes=False,
        aggregate_linked_debits=False,
        anchor_delinquency_logic=None,
        auto_pay_day="BILL_DAY",
        auto_pay_days=0,
        bill_day=bill_day,
        bill_day_mode="FIXED" if bill_day in (1, 15) else "ANNIVERSARY_BILL_DAY",
        bill_mode="INVOICE",
        billing_default_id="1",
        days_of_delinquency_for_status_switch=None,
        default_for="ACCOUNT_TYPE",
        delinquency_account_status_id=None,
        delinquency_removal_account_status_id=None,
        due_days=draw.pick(_DUE_DAYS),
        due_days_day="BILL_DAY",
        grace_days=draw.pick(_GRACE_DAYS),
        grace_until=None,
        invoice_day=None,
        lifeline=draw.chance(0.01),
        months_to_bill=1,
        print_invoice=draw.chance(0.1),
        switch_status_after_delinquency=False,
        tax_exempt=False,
    )
    return record
