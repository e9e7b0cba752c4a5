"""One nested read of each page of accounts' ledgers, shared by every money entity.

Invoices, payments and transactions are each an entity of their own (their
own id map, checkpoints and writers), and each pages through the same
accounts with their whole ledger: ``SharedPages`` reads each page once for
all of them. Each entity decodes only the relations it is made of
(``SharedLedger.view``): a payment needs the payments and the credits applying
them, not the debits, so less is held per page while its records wait for
their writers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from migrator.errors import Rejected
from migrator.sonar.finance import NestedFinance
from migrator.sonar.models import AccountWithFinance
from migrator.sonar.relations import FINANCE_FIELDS
from migrator.sonar.shared_pages import PageView, SharedPages

__all__ = ["SharedLedger"]


class SharedLedger(SharedPages):
    """Pages of accounts with their ledgers, each read once for ``consumers`` entities."""

    def __init__(self, reader: NestedFinance, consumers: int, *, keep: int = 8) -> None:
        super().__init__(reader, consumers, keep=keep)
        self._finance = reader

    def ledger_view(self, relations: Sequence[str]) -> PageView[AccountWithFinance]:
        """A reader for one entity, decoding only ``relations`` of each account's ledger."""
        unknown = set(relations) - set(FINANCE_FIELDS)
        if unknown:
            raise ValueError(f"not ledger relations: {', '.join(sorted(unknown))}")
        left_out = tuple(field for field in FINANCE_FIELDS if field not in relations)

        def decode(raw: Mapping[str, Any]) -> AccountWithFinance | Rejected:
            if left_out:  # a copy: the raw page is shared
                raw = {key: value for key, value in raw.items() if key not in left_out}
            return self._finance.decode(raw)

        return self.view(decode)
