"""The Splynx API client the migration engine calls.

``async with SplynxClient.open(settings) as client`` builds one shared
``httpx.AsyncClient`` (keep-alive pool sized to the writers), the configured
auth strategy, and the shared rate limiter and retry policy; every writer uses
that one client. Endpoints are named as in ``endpoints.ENDPOINTS``.

Creates and effectively-once delivery:

- ``create`` sends once per attempt and retries only what surely did not take
  effect (refused connections, 5xx, 429). A create sent without an answer raises
  ``OutcomeUnknown``; call ``find_by_marker`` before sending it again.
- ``create_once`` does that itself: when an attempt's outcome is unknown, the
  next attempt looks the record up by its marker first and adopts it if found.
  Because of that look-up, and only there, the retry policy is told to retry
  ``OutcomeUnknown`` as well.

Secrets: a refusal of a body carrying a password (an internet service, a
customer's portal password) has the password's value scrubbed from Splynx's
quoted answer before it leaves the client (``decode.scrub``).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from functools import partial
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from migrator.errors import (
    ConfigError,
    OutcomeUnknown,
    ProtocolError,
    Rejected,
    ServerError,
)
from migrator.events import Emit, ignore
from migrator.policy.clock import SYSTEM_CLOCK, Clock
from migrator.policy.ratelimit import RateLimiter
from migrator.policy.retry import RetryPolicy, is_retriable
from migrator.settings import Settings
from migrator.splynx.classify import NotFound, Request
from migrator.splynx.connect import auth_for, http_client
from migrator.splynx.decode import (
    carries,
    check_encodable,
    check_fields,
    parent_ids,
    parsed,
    records_of,
    scrub,
    secrets_in,
)
from migrator.splynx.endpoints import Endpoint, Marker, build_payload, endpoint
from migrator.splynx.forms import multipart_form
from migrator.splynx.nonces import WallClock
from migrator.splynx.payloads import SplynxPayload
from migrator.splynx.query import Condition, Scalar, Search, where
from migrator.splynx.records import ApiCheck, Created, EntityOptions, SplynxRecord
from migrator.splynx.session import SplynxSession, SplynxStats, retry_events

M = TypeVar("M", bound=BaseModel)

__all__ = ["SplynxClient"]

log = logging.getLogger(__name__)
EndpointRef = str | Endpoint


class _Id(BaseModel):
    id: int


class SplynxClient:
    """Create, read, search, count, update and delete Splynx records by endpoint name."""

    def __init__(self, session: SplynxSession) -> None:
        self.session = session

    @property
    def stats(self) -> SplynxStats:
        return self.session.stats

    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        wall: WallClock = time.time,
        clock: Clock = SYSTEM_CLOCK,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        emit: Emit = ignore,
    ) -> AsyncIterator[SplynxClient]:
        """A client for ``settings`` (SPLYNX_URL, key, secret, auth, rate, writers, timeout).

        ``transport`` replaces the network (``httpx.MockTransport`` in tests).
        """
        http = http_client(settings, transport)
        try:
            auth = auth_for(settings, http, wall)
            limiter = limiter or RateLimiter(settings.splynx_rate, period=1.0, clock=clock)
            retry = retry or RetryPolicy(
                budget=settings.retry_budget, clock=clock, on_retry=retry_events(emit)
            )
            session = SplynxSession(
                http, auth, limiter=limiter, retry=retry, emit=emit, clock=clock
            )
            yield cls(session)
        finally:
            await http.aclose()

    # -- writes ---------------------------------------------------------------

    async def create(self, ref: EndpointRef, payload: SplynxPayload | Mapping[str, Any]) -> int:
        """POST one record; its new id. ``OutcomeUnknown`` if sent without an answer."""
        target, body = self._prepared(ref, payload)
        request = Request("POST", target.collection_path(**body), target, create=True)
        with _scrubbing(secrets_in(target, body)):
            created = await self.session.call(
                f"create {target.name}", lambda: self._post(request, body)
            )
        self.stats.created += 1
        return created

    async def create_once(
        self,
        ref: EndpointRef,
        payload: SplynxPayload | Mapping[str, Any],
        *,
        marker: Marker | None = None,
    ) -> Created:
        """Create unless it already exists: after an unknown outcome, look up before re-sending.

        The marker is the endpoint's (``ENDPOINTS[...].marker``) unless one is given.
        """
        target, body = self._prepared(ref, payload)
        marker = marker or target.marker
        value = marker.value_of(body) if marker else None
        if marker is None or value is None:
            return Created(id=await self.create(target, body))
        request = Request("POST", target.collection_path(**body), target, create=True)
        attempt = _LookFirst(self, request, body, partial(self._lookup, target, marker, value))
        with _scrubbing(secrets_in(target, body)):
            created = await self.session.call(
                f"create {target.name} {marker}={value}", attempt, retry_if=_looked_up_first
            )
        if created.adopted:
            self.stats.adopted += 1
        else:
            self.stats.created += 1
        return created

    async def create_found_by(
        self,
        ref: EndpointRef,
        payload: SplynxPayload | Mapping[str, Any],
        find: Callable[[], Awaitable[int | None]],
    ) -> Created:
        """``create_once`` for a record with no marker field: ``find`` looks it up by its
        natural key (a ticket message's ticket, date, time, author and text)."""
        target, body = self._prepared(ref, payload)
        request = Request("POST", target.collection_path(**body), target, create=True)
        attempt = _LookFirst(self, request, body, find)
        created = await self.session.call(
            f"create {target.name}", attempt, retry_if=_looked_up_first
        )
        if created.adopted:
            self.stats.adopted += 1
        else:
            self.stats.created += 1
        return created

    async def update(
        self,
        ref: EndpointRef,
        id: int,
        changes: SplynxPayload | Mapping[str, Any],
        **parents: int,
    ) -> None:
        """PUT a partial change (202). Keys must be fields of the endpoint's payload."""
        target = endpoint(ref)
        body = changes.body() if isinstance(changes, SplynxPayload) else dict(changes)
        check_fields(target, body)
        check_encodable(body)
        path = target.item_path(id, **{**parent_ids(target, body), **parents})
        request = Request("PUT", path, target)
        with _scrubbing(secrets_in(target, body)):
            await self.session.call(
                f"update {target.name} {id}", lambda: self._send_body(request, body)
            )

    async def delete(self, ref: EndpointRef, id: int, **parents: int) -> bool:
        """DELETE one record; False when it was already gone (404)."""
        target = endpoint(ref)
        request = Request("DELETE", target.item_path(id, **parents), target)
        try:
            await self.session.call(
                f"delete {target.name} {id}", lambda: self.session.send(request)
            )
        except NotFound:
            return False
        return True

    # -- reads ----------------------------------------------------------------

    async def get(self, ref: EndpointRef, id: int, **parents: int) -> SplynxRecord | None:
        """One record by id, or None when Splynx has no such record."""
        return await self.get_as(SplynxRecord, ref, id, **parents)

    async def get_as(self, model: type[M], ref: EndpointRef, id: int, **parents: int) -> M | None:
        """One record by id read as ``model`` (a row keyed by another id: a customer's
        billing), or None when Splynx has no such record."""
        target = endpoint(ref)
        request = Request("GET", target.item_path(id, **parents), target)
        try:
            response = await self.session.call(
                f"get {target.name}", lambda: self.session.send(request)
            )
        except NotFound:
            return None
        return parsed(model, response, request)

    async def list(
        self, ref: EndpointRef, search: Search | None = None, **parents: int
    ) -> list[SplynxRecord]:
        """One page of records matching ``search`` (limit/offset inside it)."""
        target = endpoint(ref)
        path = target.collection_path(**parents) if parents else target.list_path()
        request = Request("GET", path, target)
        query = (search or Search()).encode()
        response = await self.session.call(
            f"list {target.name}", lambda: self.session.send(request, query=query)
        )
        return records_of(response, request)

    async def iterate(
        self, ref: EndpointRef, search: Search | None = None, *, page_size: int = 100
    ) -> AsyncIterator[SplynxRecord]:
        """Every record matching ``search``, page by page (ordered by id unless told).

        In id order, each page asks for the ids after the last one it got (``id >``):
        Splynx answers that from its primary key, where an offset makes the database
        step over every record before the page (at a million transactions, most of the
        time a listing took). Another order pages by offset.
        """
        base = search or Search()
        if not base.order:
            base = Search(base.main, base.additional, {"id": "ASC"})
        after = _keyset_start(base)
        offset = 0
        while True:
            if after is None:
                window = base.page(page_size, offset)
            else:
                window = Search({**base.main, "id": where(">", after)}, base.additional,
                                base.order, page_size, 0)  # fmt: skip
            page = await self.list(ref, window)
            for record in page:
                yield record
            if len(page) < page_size:
                return
            if after is None:
                offset += len(page)
            else:
                after = page[-1].id

    async def count(self, ref: EndpointRef, search: Search | None = None) -> int:
        """How many records match (``HEAD``, ``X-total-count``)."""
        target = endpoint(ref)
        request = Request("HEAD", target.list_path(), target)
        query = (search or Search()).encode()
        response = await self.session.call(
            f"count {target.name}", lambda: self.session.send(request, query=query)
        )
        total = response.headers.get("X-total-count")
        if total is None or not total.strip().isdigit():
            raise ProtocolError(f"{request.describe()} answered without a usable X-total-count")
        return int(total)

    async def options(self, ref: EndpointRef) -> EntityOptions:
        """The attributes and additional attributes Splynx lists for the endpoint."""
        target = endpoint(ref)
        request = Request("OPTIONS", target.list_path(), target)
        response = await self.session.call(
            f"options {target.name}", lambda: self.session.send(request)
        )
        return parsed(EntityOptions, response, request)

    async def find_by_marker(
        self, ref: EndpointRef, value: Scalar, *, marker: Marker | None = None
    ) -> int | None:
        """The id of the record carrying this marker value, or None."""
        target = endpoint(ref)
        chosen = marker or target.marker
        if chosen is None:
            raise ConfigError(f"{target.name} has no marker to search by")
        return await self.session.call(
            f"find {target.name} {chosen}", lambda: self._lookup(target, chosen, value)
        )

    async def check(self, *, verify_credentials: bool = False, anonymous: bool = False) -> ApiCheck:
        """``GET admin/api/check``: is this a Splynx API (that accepts our credentials)?

        Splynx checks the credentials only when asked (``checkAuth``, blueprint
        "API Check"); ``anonymous`` sends none at all, so a wrong URL is not
        mistaken for a refused key (the token strategy would ask for a token first).
        """
        request = Request("GET", "admin/api/check")
        query = "checkAuth=1" if verify_credentials else ""
        response = await self.session.call(
            "api check",
            lambda: self.session.send(request, query=query, anonymous=anonymous),
        )
        return parsed(ApiCheck, response, request)

    # -- internals ------------------------------------------------------------

    def _prepared(
        self, ref: EndpointRef, payload: SplynxPayload | Mapping[str, Any]
    ) -> tuple[Endpoint, dict[str, Any]]:
        target = endpoint(ref)
        try:
            body = build_payload(target, payload).body()
            check_encodable(body)
            return target, body
        except Rejected:
            self.stats.rejects += 1
            raise

    async def _post(self, request: Request, body: dict[str, Any]) -> int:
        response = await self._send_body(request, body)
        return parsed(_Id, response, request).id

    async def _send_body(self, request: Request, body: dict[str, Any]) -> httpx.Response:
        if request.verb == "POST" and request.endpoint is not None and request.endpoint.multipart:
            content, content_type = multipart_form(body)
            headers = {"Content-Type": content_type}
            return await self.session.send(request, content=content, headers=headers)
        return await self.session.send(request, json=body)

    async def _lookup(self, target: Endpoint, marker: Marker, value: Scalar) -> int | None:
        request = Request("GET", target.list_path(), target)
        response = await self.session.send(request, query=marker.search(value).encode())
        matching = [r for r in records_of(response, request) if carries(r, marker, value)]
        if len(matching) > 1:
            log.warning("%s: %d records carry %s=%s", target.name, len(matching), marker, value)
        return min((r.id for r in matching), default=None)


@contextlib.contextmanager
def _scrubbing(secrets: list[str]) -> Iterator[None]:
    """A refusal raised inside no longer quotes these secret values."""
    try:
        yield
    except Rejected as refused:
        scrub(refused, secrets)
        raise


def _looked_up_first(error: BaseException) -> bool:
    """What a create-once may retry: the retriable, and an unknown outcome, because
    its next attempt looks the record up by marker before sending it again."""
    return is_retriable(error) or isinstance(error, OutcomeUnknown)


class _LookFirst:
    """One attempt of a create-once: after an unknown outcome, look up before re-sending.

    A refusal after an unknown outcome is checked too: the first attempt may
    have landed late and the copy been refused as a duplicate of it.
    """

    def __init__(
        self,
        client: SplynxClient,
        request: Request,
        body: dict[str, Any],
        find: Callable[[], Awaitable[int | None]],
    ) -> None:
        self._client, self._request, self._body = client, request, body
        self._found = find
        self._uncertain = False

    async def __call__(self) -> Created:
        if self._uncertain and (found := await self._found()) is not None:
            return Created(id=found, adopted=True)
        try:
            return Created(id=await self._client._post(self._request, self._body))
        except (OutcomeUnknown, ServerError):
            self._uncertain = True  # it may have been done: look before sending again
            raise
        except Rejected:
            found = await self._found() if self._uncertain else None
            if found is None:
                raise
            return Created(id=found, adopted=True)


def _keyset_start(search: Search) -> int | None:
    """Where keyset paging starts (ids above it), or None when ``search`` cannot be paged
    by id: another order, or a condition on the id other than ``id > n``."""
    if dict(search.order) != {"id": "ASC"}:
        return None
    condition = search.main.get("id")
    if condition is None:
        return 0
    if isinstance(condition, Condition) and condition.op == ">":
        [operand] = condition.operands
        if isinstance(operand, int) and not isinstance(operand, bool):
            return operand
    return None
