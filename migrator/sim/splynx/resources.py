"""How one Splynx endpoint is described: its table, rules and behaviour, as data.

``served_endpoints.py`` lists every endpoint as a ``Resource``; the generic handlers
(``handlers.py``), validator (``validation.py``) and renderer (``records.py``)
read these descriptions, and the few things one endpoint does differently
(a customer's sibling rows, an invoice's items, a payment's amount rule) live
in its ``Behaviour`` (``behaviours*.py``).

Which fields are required follows the evidence the reference ranks (live
observation > live OPTIONS > blueprint > inference). Where the live OPTIONS
answer and the blueprint disagree (reference §14.2), the simulator takes the
laxer rule: a field is required only if every source that lists the
endpoint's fields requires it, so a client that satisfies either source is
never refused for it. Rules the live instance showed come on top (a payment's
non-zero amount). Our client must not rely on the laxer rule: it sends what
any source requires. ``tests/conformance/test_splynx_sim_required.py`` checks
each endpoint against the blueprint's data structures and the OPTIONS answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from migrator.sim.splynx.columns import Column

if TYPE_CHECKING:
    from migrator.sim.splynx.additional import AdditionalField
    from migrator.sim.splynx.store import Row, Session

__all__ = [
    "ArrayField",
    "Behaviour",
    "Context",
    "Payload",
    "Reference",
    "Resource",
    "Shape",
    "humanize",
]


def humanize(name: str) -> str:
    """Yii2's generated attribute label: ``customer_id`` -> ``Customer ID``."""
    words = [("ID" if w == "id" else w) for w in name.split("_") if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


class Shape(StrEnum):
    """How the endpoint's URLs look."""

    COLLECTION = "collection"  # path, path/{id}
    CUSTOMER_CHILD = "customer_child"  # customer/{cid}/<segment>, customer/{cid}/<segment>--{id}
    CUSTOMER_KEYED = "customer_keyed"  # path/{customer_id}: one row per customer
    NOTES = "notes"  # path, path/{customer_id}--{id}
    # path (search), path/{parent} (the parent's rows), path/{parent}--{id}: a network's IPs
    NETWORK_CHILD = "network_child"


@dataclass(frozen=True)
class Reference:
    """A foreign key checked on write: the value must name a live row (0 = none, if allowed)."""

    table: str
    column: str = "id"
    zero_ok: bool = True


@dataclass(frozen=True)
class ArrayField:
    """An array attribute, kept in a link table, in a comma-separated column, or nowhere.

    ``always_empty``: labels; a fresh Splynx has none, so any label id is invalid.
    """

    element: Column
    link_table: str | None = None
    owner_column: str = ""
    value_column: str = ""
    csv_column: str | None = None
    references: Reference | None = None
    always_empty: bool = False
    writable: bool = True


@dataclass
class Context:
    """What a request's handling needs besides the payload."""

    session: Session
    now: datetime
    api_key_id: int  # the caller's id: API key, or administrator (``added_by_id``)
    resource: Resource
    parent_id: int | None = None
    additional: tuple[AdditionalField, ...] = ()
    added_by: str = "api"  # "api" for an API key, "admin" for an administrator's token


@dataclass
class Payload:
    """A checked request body, split by where each part goes."""

    values: dict[str, Any] = field(default_factory=dict)  # table columns
    arrays: dict[str, list[Any]] = field(default_factory=dict)
    additional: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # keys only the behaviour understands


class Behaviour:
    """What an endpoint does beyond the generic rules; the default does nothing."""

    input_keys: frozenset[str] = frozenset()  # body keys the behaviour consumes itself
    output_keys: tuple[str, ...] = ()  # computed keys it adds to each record

    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        """Fill derived values, apply endpoint rules (raise ValidationFailed)."""

    async def created(self, ctx: Context, key: int, payload: Payload) -> None:
        """Write what belongs to the new record (sibling rows, items)."""

    async def updated(self, ctx: Context, key: int, payload: Payload) -> None:
        """Write what belongs to the changed record."""

    async def deleting(self, ctx: Context, row: Row) -> None:
        """Refuse a delete by raising SplynxError."""

    async def decorate(self, ctx: Context, rows: list[Row], records: list[dict[str, Any]]) -> None:
        """Add the computed keys to rendered records (one per row, same order)."""

    async def act(self, ctx: Context, item: int, action: str, body: dict[str, Any]) -> None:
        """``PUT path/{id}--{action}`` (e.g. ``--kill``); only for ``Resource.actions``."""
        raise NotImplementedError(action)


Default = Any | Callable[["Context"], Any]


@dataclass(frozen=True)
class Resource:
    """One endpoint of the simulated API."""

    name: str  # its path under /api/2.0/, also its permission name for --deny
    table: str
    label: str
    shape: Shape = Shape.COLLECTION
    segment: str = ""  # CUSTOMER_CHILD: "internet-services"
    verbs: frozenset[str] = frozenset({"GET", "POST", "PUT", "DELETE"})
    options_key: str | None = None  # a live OPTIONS answer in reference.json
    af_module: str | None = None
    required: tuple[str, ...] = ()
    readonly: frozenset[str] = frozenset({"id"})
    hidden: frozenset[str] = frozenset({"deleted"})
    titles: dict[str, str] = field(default_factory=dict)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    unique: tuple[str, ...] = ()
    emails: frozenset[str] = frozenset()
    gps: frozenset[str] = frozenset()  # "lat,lng" columns (validation.py: an assumption)
    accepts_numbers: frozenset[str] = frozenset()  # text columns the blueprint calls numbers
    defaults: dict[str, Default] = field(default_factory=dict)
    arrays: dict[str, ArrayField] = field(default_factory=dict)
    rename: dict[str, str] = field(default_factory=dict)  # column -> key in answers
    behaviour: Behaviour = field(default_factory=Behaviour)
    # A verb the endpoint lacks answers 405, or 404 where the live server did so.
    missing_verb_status: int = 405
    # GET path/{n} answers the list of rows whose column equals n (blueprint: "array[...]").
    item_list_by: str | None = None
    # GET is switched off for the API (405 METHOD_DISABLED); HEAD still counts.
    reads_disabled: bool = False
    # Columns searched with a packed address (PHP inet_pton), blueprint L248-L262.
    packed_ips: frozenset[str] = frozenset()
    actions: frozenset[str] = frozenset()  # PUT path/{id}--{action}
    # NETWORK_CHILD: the parent's table, and the column of this table naming the parent
    parent_table: str = ""
    parent_column: str = ""
    # POST's answer: 201 {"id": N}, or 202 without a body where the blueprint says so
    create_status: int = 201
    # Filters the blueprint documents as plain query parameters (?customer_id=3)
    plain_filters: frozenset[str] = frozenset()

    @property
    def path_verbs(self) -> str:
        return ", ".join(sorted(self.verbs | {"HEAD", "OPTIONS"}))
