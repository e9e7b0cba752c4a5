"""Root queries that are views over the served tables, not tables: ``account_ip_assignments``.

``account_ip_assignments(account_id, paginator)`` is "IP assignments associated
with account(s)": each IP assignment whose owner belongs to an account, as
``{account_id, subnet}``. An owner belongs to an account when it is

- the ``Account`` itself;
- a ``RadiusAccount`` or an ``UninventoriedMacAddress`` (by its ``account_id``);
- an ``InventoryItem`` delivering one of the account's services (by its
  ``account_service_id``).

Assignments on anything else (tower gear at a network site, an inventory item
serving no account) are not associated with an account.

ASSUMPTIONS (the reference gives only the description above):

- rows come in assignment id order (the view has no id and no sorter, so a
  client can only page through it; a stable order is what makes pages add up);
- an owner, account service or account the data does not hold (a fixture's
  orphan) associates nothing: the view is an inner join;
- archived accounts' addresses are included (the query has no ``include_archived``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from migrator.sim.sonar.resolvers import SonarContext
from migrator.sim.sonar.search import SearchError
from migrator.sim.sonar.table import Dataset, Table

__all__ = ["VIEW_RESOLVERS", "account_ip_rows"]

_BY_ACCOUNT_ID = {
    "RadiusAccount": "radius_accounts",
    "UninventoriedMacAddress": "uninventoried_mac_addresses",
}


def _key(table: Table, record_id: Any, field: str) -> Any:
    """``field`` of the record ``record_id`` names in ``table`` (None when there is none)."""
    row = None if record_id is None else table.row_of(int(record_id))
    return None if row is None else table.value(row, field)


def _account_of(dataset: Dataset, owner_type: str, owner_id: int) -> int | None:
    if owner_type == "Account":
        account_id: Any = owner_id
    elif owner_type in _BY_ACCOUNT_ID:
        account_id = _key(dataset.table(_BY_ACCOUNT_ID[owner_type]), owner_id, "account_id")
    elif owner_type == "InventoryItem":
        held = _key(dataset.table("inventory_items"), owner_id, "account_service_id")
        account_id = _key(dataset.table("account_services"), held, "account_id")
    else:
        return None
    known = account_id is not None and dataset.table("accounts").row_of(account_id) is not None
    return account_id if known else None


def account_ip_rows(dataset: Dataset) -> list[tuple[int, str]]:
    """``(account id, subnet)`` of every assignment associated with an account, by
    assignment id; derived once per dataset."""
    rows: list[tuple[int, str]] | None = dataset.views.get("account_ip_assignments")
    if rows is None:
        table = dataset.table("ip_assignments")
        rows = []
        for row in range(len(table)):
            owner_type = table.value(row, "ipassignmentable_type")
            account_id = _account_of(dataset, owner_type, table.value(row, "ipassignmentable_id"))
            if account_id is not None:
                rows.append((account_id, table.record(row)["subnet"]))
        dataset.views["account_ip_assignments"] = rows
    return rows


def _account_ips(_root: Any, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
    context: SonarContext = info.context
    rows = account_ip_rows(context.dataset)
    wanted = arguments.get("account_id")
    if wanted is not None:
        rows = [row for row in rows if row[0] == wanted]
    try:
        window, page_info = context.lister.window(arguments.get("paginator"), len(rows))
    except SearchError as exc:
        raise GraphQLError(str(exc)) from None
    entities = [{"account_id": account, "subnet": subnet} for account, subnet in rows[window]]
    return {"entities": entities, "page_info": page_info}


VIEW_RESOLVERS: Mapping[str, Callable[..., Any]] = {"account_ip_assignments": _account_ips}
"""The resolver of each derived root query (``DERIVED_QUERIES``)."""
