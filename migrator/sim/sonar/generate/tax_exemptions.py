"""Accounts Sonar exempts from tax: ~2% (non-profits, schools, government).

One ``tax_exemptions`` row per exempt account, and the same accounts carry
``tax_exempt`` on their billing parameters. Whether an account is exempt is
its own keyed draw, so this table changes no other generated record.
"""

from __future__ import annotations

from typing import Any

from migrator.sim.sonar.generate.accounts import AccountFacts
from migrator.sim.sonar.generate.common import Columns, Salt, World, common_fields
from migrator.sim.sonar.table import Table

__all__ = ["EXEMPT_SHARE", "generate_tax_exemptions", "is_exempt"]

EXEMPT_SHARE = 0.02
_REASONS = (("Non-profit 501(c)(3)", ["STATE", "CITY"]), ("Public school district", ["STATE"]),
            ("Government agency", None))  # fmt: skip


def is_exempt(world: World, account_id: int) -> bool:
    """Whether the account is tax-exempt (its own draw: nothing else moves)."""
    return world.draw(Salt.TAX_EXEMPTION, account_id).chance(EXEMPT_SHARE)


def generate_tax_exemptions(world: World, accounts: AccountFacts) -> Table:
    """A row per exempt account, in account order, created with the account."""
    cols = Columns()
    owners = cols.column("account_id")
    for row, account_id in enumerate(accounts.table.ids):
        if is_exempt(world, account_id):
            cols.ids.append(len(cols.ids) + 1)
            cols.created.append(accounts.created[row])
            cols.updated.append(accounts.created[row])
            owners.append(account_id)
    return cols.table("tax_exemptions", lambda row: _exemption(world, cols, row), ("account_id",))


def _exemption(world: World, cols: Columns, row: int) -> dict[str, Any]:
    record_id = cols.ids[row]
    draw = world.draw(Salt.TAX_EXEMPTION, record_id, 1)
    name, jurisdictions = draw.pick(_REASONS)
    record = common_fields(draw, record_id, cols.created[row], cols.updated[row])
    record.update(
        account_id=str(cols.extra["account_id"][row]),
        jurisdictions=jurisdictions,
        name=name,
        tax_provider_id="1",
    )
    return record
