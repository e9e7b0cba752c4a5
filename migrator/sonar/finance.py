"""Reading every account's ledger nested: a page of accounts with their invoices, debits,
credits and payments in one request.

Flat, the generated ISP's 940,000 finance records are 9,400 pages of 100:
24 minutes of a 400/min budget. Nested, a page of 100 accounts carries the
first nested page (``nested_page_size`` records) of each of the four
connections of each account, and only an account whose connection held more
gets follow-up requests for the rest: about a hundred pages plus a few
follow-ups per thousand accounts.

``NestedFinance`` is a reader for ``Extractor`` (``extractor.stream("accounts",
NestedFinance(...))``) yielding ``AccountWithFinance``, each list complete and
in id order. The size of its documents is a ``DocumentSizer``'s: a document
Sonar fails twice in a row (5xx, timeout), or refuses once as too complex, is
asked again at once as a smaller one (fewer accounts per page, then smaller
nested pages), down to a floor below which the client's ordinary retries and
GaveUp apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from migrator.errors import ConfigError, MigratorError, ProtocolError, Rejected
from migrator.policy.retry import is_retriable
from migrator.settings import Settings
from migrator.sonar.client import SonarClient
from migrator.sonar.models import AccountWithFinance, decode_as
from migrator.sonar.queries import nested_accounts_document, relation_page_document
from migrator.sonar.readers import Batch, _batch, _connection, _total
from migrator.sonar.relations import FINANCE_FIELDS, FINANCE_RELATIONS, Relation
from migrator.sonar.sizing import DocumentSize, DocumentSizer, retry_unless_oversize, shrinks_on
from migrator.sonar.variables import Window, keyset_variables, relation_page_variables

__all__ = ["NestedFinance"]


class NestedFinance:
    """Accounts with their invoices, debits, credits and payments, read nested (see the
    module's docstring); ``sizer`` decides each document's size and is shared by every
    partition read through this reader."""

    query = "accounts"

    def __init__(self, nested_page_size: int = 100, *, sizer: DocumentSizer | None = None) -> None:
        self.sizer = sizer or DocumentSizer(nested=nested_page_size)
        self.document = nested_accounts_document(FINANCE_FIELDS)
        self._decode = decode_as(AccountWithFinance, "accounts")

    @classmethod
    def from_settings(cls, settings: Settings) -> NestedFinance:
        """A reader with the configured nested page size (MIGRATOR_NESTED_PAGE_SIZE)."""
        return cls(settings.nested_page_size)

    def decode(self, raw: Mapping[str, Any]) -> AccountWithFinance | Rejected:
        return self._decode(raw)

    async def read(
        self,
        client: SonarClient,
        after: int,
        upto: int | None,
        page_size: int,
        window: Window | None,
        operation: str,
    ) -> Batch:
        if window is not None and window.changed:
            # an account's own updated_at says nothing of its ledger: a delta names the
            # accounts whose ledgers changed (``Window.changed`` False), never filters by it
            raise ConfigError(
                "finance is read nested under accounts: a delta of it names the accounts "
                "whose invoices, debits, credits or payments changed"
            )
        data = await self._first_page(client, after, upto, page_size, window, operation)
        batch = _batch(data, "accounts", operation)
        for account in batch.entities:
            for relation in FINANCE_RELATIONS:
                await self._complete(client, account, relation, page_size, operation)
        return batch

    async def _first_page(
        self,
        client: SonarClient,
        after: int,
        upto: int | None,
        page_size: int,
        window: Window | None,
        operation: str,
    ) -> dict[str, Any]:
        """The page of accounts after ``after``, in documents as small as Sonar needs."""
        failures: dict[DocumentSize, int] = {}
        while True:
            size = self.sizer.size(page_size)
            variables = keyset_variables(
                "accounts", after, upto, size.accounts, window=window, nested_page_size=size.nested
            )
            last_chance = self.sizer.at_floor(size)
            try:
                data = await client.execute(
                    self.document,
                    variables,
                    operation=f"{operation} ({size})",
                    retry_if=is_retriable if last_chance else retry_unless_oversize,
                )
            except MigratorError as error:
                failures[size] = times = failures.get(size, 0) + 1
                if last_chance or not shrinks_on(error):
                    raise
                if not self.sizer.failed(size, error, times):
                    raise
                continue
            self.sizer.succeeded(size)
            return data

    async def _complete(
        self,
        client: SonarClient,
        account: dict[str, Any],
        relation: Relation,
        page_size: int,
        operation: str,
    ) -> None:
        """Replace ``relation``'s connection on ``account`` by its full list, in id order."""
        label = f"{operation}: account {account.get('id')} {relation.field}"
        children, info = _connection(account, relation.field, label)
        total = _total(info, label)
        by_id = {int(child["id"]): child for child in children}
        if len(by_id) < total:  # a flat page, or the nested one's size if larger
            per_page = max(page_size, int(info.get("records_per_page") or 0))
            await self._rest(client, int(account["id"]), relation, by_id, total, per_page, label)
        account[relation.field] = [by_id[key] for key in sorted(by_id)]

    async def _rest(
        self,
        client: SonarClient,
        account_id: int,
        relation: Relation,
        by_id: dict[int, dict[str, Any]],
        total: int,
        per_page: int,
        label: str,
    ) -> None:
        """Fetch what the nested page left out, in flat-sized pages of one account's relation.

        What is held is always the first ``len(by_id)`` children by id, so the next page
        to ask for is the one holding child number ``len(by_id) + 1``; a page Sonar clamped
        to fewer records (its ``records_per_page`` says) is paged by that size from then on.
        """
        document = relation_page_document("accounts", relation.field)
        while len(by_id) < total:
            page = len(by_id) // per_page + 1
            variables = relation_page_variables(
                "accounts", relation.field, account_id, page, per_page, per_page
            )
            data = await client.execute(document, variables, operation=f"{label} page {page}")
            more, info = _connection(_parent(data, label), relation.field, label)
            held = len(by_id)
            by_id.update((int(child["id"]), child) for child in more)
            clamped = int(info.get("records_per_page") or per_page)
            if len(by_id) == held and clamped >= per_page:
                raise ProtocolError(f"{label}: {total} announced, only {held} found")
            per_page = min(per_page, clamped)


def _parent(data: Mapping[str, Any], label: str) -> Mapping[str, Any]:
    """The one account a relation page was asked for."""
    connection = data.get("accounts")
    parents = connection.get("entities") if isinstance(connection, dict) else None
    if not isinstance(parents, list) or not parents or not isinstance(parents[0], dict):
        raise ProtocolError(f"{label}: the account vanished while its records were read")
    return parents[0]
