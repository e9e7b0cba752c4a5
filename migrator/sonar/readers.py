"""Readers: what one keyset page of a partition fetches and how its entities decode.

A reader is a small strategy the ``Extractor`` calls once per page:
``read(...)`` sends the page's document and returns the raw entities with the
page's ``total_count``; ``decode(raw)`` turns one entity into a record (or a
``Rejected``). Raw dicts never leave this module and ``extract.py``.

- ``FlatRecords(query)``: a list query's own entities; typed models by
  default, or ``SerializedRecord``s with ``decode=serialized(query)`` (export).
- ``NestedAccounts()``: accounts with their contacts (and the contacts' phone
  numbers), addresses, account services, custom field data, notes, IP
  assignments, RADIUS accounts and MAC bindings (each with its own IP
  assignments); a parent with more children than one nested page gets the
  rest fetched before the page is handed on, at every depth, so every account
  arrives whole.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Generic, Protocol, TypeVar

from gql import GraphQLRequest

from migrator.errors import ProtocolError, Rejected
from migrator.sonar.client import SonarClient
from migrator.sonar.models import AccountWithRelations, decode_as, typed
from migrator.sonar.queries import (
    Relation,
    account_relations,
    nested_accounts_document,
    page_document,
    relation_page_document,
)
from migrator.sonar.variables import Window, keyset_variables, relation_page_variables

__all__ = ["Batch", "FlatRecords", "NestedAccounts", "NestedRecords", "Reader"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True)
class Batch:
    """One page's raw entities (id ascending) and the count of the whole filtered set."""

    entities: list[dict[str, Any]]
    total_count: int

    @property
    def last_id(self) -> int:
        return int(self.entities[-1]["id"])


class Reader(Protocol[T_co]):
    """Fetches one keyset page and decodes its entities."""

    query: str

    async def read(
        self,
        client: SonarClient,
        after: int,
        upto: int | None,
        page_size: int,
        window: Window | None,
        operation: str,
    ) -> Batch: ...

    def decode(self, raw: Mapping[str, Any]) -> T_co | Rejected: ...


def _connection(data: Mapping[str, Any], key: str, operation: str) -> tuple[list[Any], dict]:
    """``entities`` and ``page_info`` of a connection, checked for shape."""
    try:
        connection = data[key]
        entities, info = connection["entities"], connection["page_info"]
        if not isinstance(entities, list) or not isinstance(info, dict):
            raise TypeError("entities must be a list and page_info an object")
        return entities, info
    except (KeyError, TypeError) as exc:
        raise ProtocolError(f"{operation}: malformed {key!r} connection: {exc!r}") from exc


def _total(info: Mapping[str, Any], operation: str) -> int:
    """``page_info.total_count``, which every document asks for: without it, paging would
    stop after one page and say nothing."""
    try:
        return int(info["total_count"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ProtocolError(f"{operation}: page_info without a usable total_count") from exc


def _batch(data: Mapping[str, Any], query: str, operation: str) -> Batch:
    entities, info = _connection(data, query, operation)
    try:
        ids = [int(entity["id"]) for entity in entities]
    except (KeyError, TypeError, ValueError) as exc:
        raise ProtocolError(f"{operation}: an entity without a readable id: {exc!r}") from exc
    if any(a >= b for a, b in pairwise(ids)):
        raise ProtocolError(f"{operation}: Sonar did not sort by id ascending")
    return Batch(entities, _total(info, operation))


class FlatRecords(Generic[T]):
    """A list query's own entities, one keyset page at a time."""

    def __init__(
        self, query: str, decode: Callable[[Mapping[str, Any]], T | Rejected] | None = None
    ) -> None:
        self.query = query
        self.decode: Callable[[Mapping[str, Any]], T | Rejected] = decode or typed(query)  # type: ignore[assignment]

    async def read(
        self,
        client: SonarClient,
        after: int,
        upto: int | None,
        page_size: int,
        window: Window | None,
        operation: str,
    ) -> Batch:
        variables = keyset_variables(self.query, after, upto, page_size, window=window)
        data = await client.execute(page_document(self.query), variables, operation=operation)
        return _batch(data, self.query, operation)


class NestedRecords:
    """Records of ``query`` with the relations ``document`` nests, each complete: a parent
    with more children than one nested page holds gets the rest before the page is
    handed on. Subclasses say which records, document, relations and model."""

    query: str
    document: GraphQLRequest
    relations: tuple[Relation, ...]
    decode: Callable[[Mapping[str, Any]], Any]
    nested_page_size: int

    async def read(
        self,
        client: SonarClient,
        after: int,
        upto: int | None,
        page_size: int,
        window: Window | None,
        operation: str,
    ) -> Batch:
        variables = keyset_variables(
            self.query,
            after,
            upto,
            page_size,
            window=window,
            nested_page_size=self.nested_page_size,
        )
        data = await client.execute(self.document, variables, operation=operation)
        batch = _batch(data, self.query, operation)
        for record in batch.entities:
            await self._complete(client, self.query, record, self.relations, operation)
        return batch

    async def _complete(
        self,
        client: SonarClient,
        parent_query: str,
        parent: dict[str, Any],
        relations: tuple[Relation, ...],
        operation: str,
    ) -> None:
        """Replace each relation's connection on ``parent`` by the full list of children."""
        for relation in relations:
            label = f"{operation}: {parent_query} {parent.get('id')} {relation.field}"
            children, info = _connection(parent, relation.field, label)
            children = await self._rest(
                client, parent_query, parent, relation, children, info, label
            )
            for child in children:
                await self._complete(client, relation.query, child, relation.children, operation)
            parent[relation.field] = children

    async def _rest(
        self,
        client: SonarClient,
        parent_query: str,
        parent: dict[str, Any],
        relation: Relation,
        children: list[dict[str, Any]],
        info: dict[str, Any],
        label: str,
    ) -> list[dict[str, Any]]:
        """Fetch pages 2.. of one parent's relation when the nested page was not all."""
        total = _total(info, label)
        per_page = int(info.get("records_per_page") or self.nested_page_size)
        by_id = {int(child["id"]): child for child in children}
        page = 1
        while len(by_id) < total:
            page += 1
            if page > -(-total // max(1, per_page)):
                raise ProtocolError(f"{label}: {total} announced, only {len(by_id)} found")
            variables = relation_page_variables(
                parent_query,
                relation.field,
                int(parent["id"]),
                page,
                per_page,
                self.nested_page_size,
            )
            document = relation_page_document(parent_query, relation.field)
            data = await client.execute(document, variables, operation=f"{label} page {page}")
            connection = data.get(parent_query)
            parents = connection.get("entities") if isinstance(connection, dict) else None
            if not isinstance(parents, list) or not parents:
                raise ProtocolError(f"{label}: the parent vanished while its children were read")
            more, _ = _connection(parents[0], relation.field, label)
            by_id.update((int(child["id"]), child) for child in more)
        return [by_id[key] for key in sorted(by_id)]


class NestedAccounts(NestedRecords):
    """Accounts with their relations (all of ``ACCOUNT_RELATIONS``, or those named), each
    complete: a parent with more children than one nested page holds gets the rest."""

    query = "accounts"

    def __init__(
        self, nested_page_size: int = 50, relations: tuple[str, ...] | None = None
    ) -> None:
        self.nested_page_size = nested_page_size
        self.relations = account_relations(relations)
        self.decode = decode_as(AccountWithRelations, "accounts")
        self.document = nested_accounts_document(relations)
