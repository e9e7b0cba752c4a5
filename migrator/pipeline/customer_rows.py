"""What follows a customer's creation: its per-customer rows, info and billing.

Splynx makes a ``customer_info`` and a ``customer_billing`` row with every
customer; the migration fills them with a PUT each once the customer exists
(``CustomerRows``, the customers' ``FollowUp``). A PUT is idempotent, so it is
simply done again when a customer is adopted rather than created. A refusal
costs that row only: it is kept as a reject of its own endpoint (the customer
stays migrated), with Splynx's answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from migrator.errors import Rejected
from migrator.pipeline.state import StateStore
from migrator.splynx.client import SplynxClient
from migrator.splynx.compare import differing_part, field_differences, unreturned_fields
from migrator.splynx.payloads import SplynxPayload
from migrator.splynx.records import SplynxRow
from migrator.transform.customers import CustomerPayload

__all__ = ["CustomerRow", "CustomerRows", "customer_rows"]


@dataclass(frozen=True)
class CustomerRow:
    """One per-customer row: its endpoint, how a refusal names it, its part of the payload."""

    endpoint: str
    what: str
    part: Callable[[CustomerPayload], SplynxPayload | None]


_ROWS = {
    "customer_info": CustomerRow("customer_info", "info was", lambda payload: payload.info),
    "customer_billing": CustomerRow(
        "customer_billing", "billing settings were", lambda payload: payload.billing
    ),
}


class CustomerRows:
    """After a customer exists, put each of its rows that has something to say."""

    def __init__(self, rows: Sequence[CustomerRow]) -> None:
        self._rows = tuple(rows)

    def requests(self, payload: CustomerPayload) -> int:
        return sum(row.part(payload) is not None for row in self._rows)

    async def run(
        self, client: SplynxClient, store: StateStore, splynx_id: int, payload: CustomerPayload
    ) -> None:
        for row in self._rows:
            body = row.part(payload)
            if body is not None:
                await self._put(client, store, splynx_id, payload, row, body)

    async def update(
        self, client: SplynxClient, store: StateStore, splynx_id: int, payload: CustomerPayload
    ) -> tuple[str, ...]:
        """In a delta: read each row and put only the fields that differ; those fields."""
        changed: list[str] = []
        for row in self._rows:
            body = row.part(payload)
            if body is None:
                continue
            found = await client.get_as(SplynxRow, row.endpoint, splynx_id)
            expected = body.body()
            differ = field_differences(
                expected, found.fields() if found else {}, skip=unreturned_fields(row.endpoint)
            )
            if differ:
                part = differing_part(expected, differ)
                await self._put(client, store, splynx_id, payload, row, part)
                changed += [f"{row.endpoint}.{diff.field}" for diff in differ]
        return tuple(changed)

    @staticmethod
    async def _put(
        client: SplynxClient,
        store: StateStore,
        splynx_id: int,
        payload: CustomerPayload,
        row: CustomerRow,
        body: SplynxPayload | dict[str, Any],
    ) -> None:
        """Put one row; a refusal is kept as a reject of the row's endpoint."""
        try:
            await client.update(row.endpoint, splynx_id, body)
        except Rejected as refused:
            store.rejected(
                row.endpoint,
                payload.sonar_id,
                field=refused.field,
                reason=f"customer {splynx_id} was created, its {row.what} refused: {refused}",
                record=body.body() if isinstance(body, SplynxPayload) else body,
                answer=refused.raw,
                run_id=store.run_id,
            )


def customer_rows(endpoints: Sequence[str]) -> CustomerRows:
    """The follow-up putting the rows of these endpoints (the entity map's ``then``)."""
    return CustomerRows([_ROWS[name] for name in endpoints])
