"""Where an entity's records go: Splynx's API, or nowhere (a dry run).

``ApiSink`` adapts the Splynx client to the engine's ``Sink``. Entities with
a natural key (a partner's name, a tariff's title) are always looked up first
and an existing record is used as it is; entities with a Sonar marker (the
``sonar_id`` additional field) are looked up only inside the resume window,
and the client's ``create_once`` never re-sends a create whose answer was
lost without looking first. A ``FollowUp`` (given where the entity is wired,
e.g. a customer's info row) runs once the record exists, idempotently, so it
is re-done on adoption too. Where the marker is an additional field, a
``MarkerProof`` reads the first record created back once (``markers.py``).

In a delta sync ``ApiSink.update`` brings a record migrated before up to date:
it reads it back and changes only the mapped fields that differ (``Updatable``).

``DryRunSink`` validates what would be sent and sends nothing. Both know
endpoints and payloads, never a particular entity. Money goes to a
``TableSink`` (``table_sinks``) instead when the database path is on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import Any, Generic, Protocol, TypeVar

from migrator.errors import ConfigError, Rejected
from migrator.pipeline.entities import Delivered, Sink
from migrator.pipeline.markers import MarkerProof
from migrator.pipeline.state import StateStore
from migrator.pipeline.support_sinks import TicketMessageSink
from migrator.pipeline.table_sinks import TABLE_CONCURRENCY, TableSink, WriteRows
from migrator.splynx.client import SplynxClient
from migrator.splynx.compare import differing_part, field_differences, unreturned_fields
from migrator.splynx.decode import parent_ids
from migrator.splynx.endpoints import Marker, build_payload, endpoint
from migrator.splynx.payloads import SplynxPayload
from migrator.splynx.query import Search, where
from migrator.splynx.records import Created

__all__ = ["ApiSink", "DryRunSink", "FollowUp", "SinkFactory"]

P = TypeVar("P")
P_contra = TypeVar("P_contra", contravariant=True)
After = Callable[[int, Any], Awaitable[None]]
AfterUpdate = Callable[[int, Any], Awaitable[tuple[str, ...]]]


class FollowUp(Protocol[P_contra]):
    """A step once a record exists in Splynx (e.g. a customer's info row).

    Idempotent: it runs again when a record is adopted rather than created.
    """

    def requests(self, payload: P_contra) -> int:
        """The Splynx requests it sends for ``payload`` (what a dry run counts)."""
        ...

    async def update(
        self, client: SplynxClient, store: StateStore, splynx_id: int, payload: P_contra
    ) -> tuple[str, ...]:
        """In a delta: change what differs (reading first); the fields it changed."""
        ...

    async def run(
        self, client: SplynxClient, store: StateStore, splynx_id: int, payload: P_contra
    ) -> None: ...


def _itself(payload: Any) -> SplynxPayload:
    assert isinstance(payload, SplynxPayload)
    return payload


class ApiSink(Generic[P]):
    """Creates records of one Splynx endpoint (unless they are already there)."""

    def __init__(
        self,
        client: SplynxClient,
        endpoint_name: str,
        *,
        body: Callable[[P], SplynxPayload] = _itself,
        natural_key: bool = False,
        after: After | None = None,
        after_update: AfterUpdate | None = None,
        link_fields: Mapping[str, str] | None = None,
        also_by: Sequence[Marker] = (),
    ) -> None:
        self._client = client
        self._after_update = after_update
        self._also_by = tuple(also_by)
        self._endpoint = endpoint(endpoint_name)
        if self._endpoint.marker is None:
            raise ConfigError(f"{endpoint_name} has no marker: it cannot be written once-only")
        self._marker = self._endpoint.marker
        additional = self._marker.additional
        self._proof = MarkerProof(client, self._endpoint) if additional else None
        self._body = body
        self._natural_key = natural_key
        self._after = after
        self._link_fields = dict(link_fields or {})
        self.can_update = "PUT" in self._endpoint.verbs

    async def deliver(self, payload: P, *, verify: bool) -> Delivered:
        model = self._body(payload)
        if verify or self._natural_key:
            found = await self._existing(model, payload)
            if found is not None:
                return found
        try:
            # MarkerNotKept passes straight through, with no await on the way, so the writer
            # keeps the unmarked record in its id map before the run stops
            created = await self._create(model)
        except Rejected:
            # Refused: perhaps because a record with this marker is already there (made by a
            # run whose state was lost, or, for a natural key, by somebody since the look-up).
            found = await self._existing(model, payload)
            if found is None:
                raise
            return found
        await self._finish(created.id, payload)
        return Delivered(created.id, "adopted" if created.adopted else "created")

    async def _create(self, model: SplynxPayload) -> Created:
        if self._proof is None:
            return await self._client.create_once(self._endpoint, model)
        create = partial(self._client.create_once, self._endpoint, model)
        return await self._proof.create(create, model.body())

    async def _existing(self, model: SplynxPayload, payload: P) -> Delivered | None:
        """The record already carrying this one's marker, finished; None if there is none.

        Found by a natural key it is the ISP's own ("existing"); by our marker, ours
        ("adopted").
        """
        found = None
        for marker in (self._marker, *self._also_by):
            value = marker.value_of(model.body())
            if value is not None:
                found = await self._client.find_by_marker(self._endpoint, value, marker=marker)
            if found is not None:
                break
        if found is None:
            return None
        await self._finish(found, payload)
        return Delivered(found, "existing" if self._natural_key else "adopted")

    async def _finish(self, splynx_id: int, payload: P) -> None:
        if self._after is not None:
            await self._after(splynx_id, payload)

    async def update(self, splynx_id: int, payload: P) -> tuple[str, ...]:
        """Change the fields of record ``splynx_id`` that differ from what ``payload`` makes.

        Its follow-up is brought up to date too (a customer's billing row follows its
        account). Secrets are never sent again: a password changed in Splynx since is the
        customer's.
        """
        model = self._body(payload)
        body = model.body()
        parents = parent_ids(self._endpoint, body)
        found = await self._client.get(self._endpoint, splynx_id, **parents)
        if found is None:
            raise Rejected(
                f"{self._endpoint.name} {splynx_id} is no longer in Splynx (deleted there?): "
                "not updated"
            )
        skip = unreturned_fields(self._endpoint.name) | model.secret_fields()
        differ = field_differences(body, found.fields(), skip=skip)
        if differ:
            changes = differing_part(body, differ)
            await self._client.update(self._endpoint, splynx_id, changes, **parents)
        changed = tuple(d.field for d in differ)
        if self._after_update is not None:
            changed += await self._after_update(splynx_id, payload)
        return changed

    async def occupied(self) -> bool:
        """Any record at all in this endpoint (natural keys are always looked up anyway)."""
        if self._natural_key:
            return False
        return await self._client.count(self._endpoint, Search(main={"id": where(">", 0)})) > 0

    async def link(self, splynx_id: int, field: str, target_id: int) -> None:
        target_field = self._link_fields.get(field)
        if target_field is None:
            raise ConfigError(f"{self._endpoint.name} cannot link {field}")
        await self._client.update(self._endpoint, splynx_id, {target_field: target_id})


class DryRunSink(Generic[P]):
    """Checks each payload against its endpoint, as a real write would, and keeps nothing."""

    def __init__(
        self,
        endpoint_name: str,
        *,
        body: Callable[[P], SplynxPayload] = _itself,
        after: FollowUp[P] | None = None,
    ) -> None:
        self._endpoint = endpoint(endpoint_name)
        self._body = body
        self._after = after
        self.writes = 0  # requests the real run would send (its follow-ups' included)

    async def deliver(self, payload: P, *, verify: bool) -> Delivered:
        build_payload(self._endpoint, self._body(payload))
        self.writes += 1 + (self._after.requests(payload) if self._after else 0)
        return Delivered(0, "checked")

    async def link(self, splynx_id: int, field: str, target_id: int) -> None:
        return None

    async def occupied(self) -> bool:
        return False


# A ticket's conversation may be split over two batches: with both in flight the later
# could commit first and Splynx would list its messages out of order. One at a time.
_BATCHES_IN_FLIGHT = {"ticket_messages": 1}


class SinkFactory:
    """Makes each entity's sink: the API (no client: a dry run's validation), or, for the
    endpoints ``tables`` writes (``SPLYNX_DB_DSN`` set), Splynx's tables."""

    def __init__(
        self,
        client: SplynxClient | None,
        store: StateStore,
        tables: Mapping[str, WriteRows] | None = None,
    ) -> None:
        self._client = client
        self._store = store
        self._tables = dict(tables or {})
        self._dry: list[DryRunSink[Any]] = []

    def __call__(
        self,
        name: str,
        *,
        natural_key: bool = False,
        body: Callable[[Any], SplynxPayload] = _itself,
        after: FollowUp[Any] | None = None,
        link_fields: Mapping[str, str] | None = None,
        also_by: Sequence[Marker] = (),
    ) -> Sink[Any]:
        """The sink creating records at Splynx endpoint ``name``, then running ``after``.

        The one place that picks a path: Splynx's tables for the endpoints ``tables``
        writes, else a dry run's validation, else the API (a ticket message, which has
        no marker field, through ``TicketMessageSink``).
        """
        if self._client is not None and name in self._tables:
            if after is not None:
                raise ConfigError(f"{name}: rows written to the database run no follow-up")
            return TableSink(
                self._tables[name], concurrency=_BATCHES_IN_FLIGHT.get(name, TABLE_CONCURRENCY)
            )
        if self._client is None:
            self._dry.append(DryRunSink(name, body=body, after=after))
            return self._dry[-1]
        if name == "ticket_messages":
            return TicketMessageSink(self._client)
        follow = None if after is None else partial(after.run, self._client, self._store)
        follow_update = None if after is None else partial(after.update, self._client, self._store)
        return ApiSink(
            self._client,
            name,
            body=body,
            natural_key=natural_key,
            after=follow,
            after_update=follow_update,
            link_fields=link_fields,
            also_by=also_by,
        )

    @property
    def dry_writes(self) -> int:
        """Requests the real run would send, as counted by a dry run's sinks."""
        return sum(sink.writes for sink in self._dry)
