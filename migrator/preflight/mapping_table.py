"""The mapping a migration will use, as a table: what each Sonar value becomes in Splynx, and why.

``migrator check`` and ``migrator run --dry-run`` print it before anything is
written, so a status that would come out wrong is seen on the day of the
rehearsal, not on the first bill. Rows are plain data (``MappingRow``) made by
pure functions, one per kind of value; ``mapping_table`` renders any list of
them, so another kind (taxes, say) only adds a function that makes its rows.

Account statuses: one row per status Sonar has, for an account that is not
delinquent, and one more where a delinquent account gets something else; then
one row for archived accounts. Account types: one row per type.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict
from rich.table import Table
from rich.text import Text

from migrator.profile_rules import CustomerRules
from migrator.sonar.entities import AccountStatus, AccountType
from migrator.sonar.extract import Extractor
from migrator.transform.statuses import decide_category, decide_status

__all__ = [
    "MappingRow",
    "customer_mapping",
    "mapping_table",
    "read_customer_references",
]


class MappingRow(BaseModel):
    """One Sonar value and what it becomes: ``kind`` says of what (``account status``...)."""

    model_config = ConfigDict(frozen=True)

    kind: str  # "status", "type"
    sonar: str  # the value's name in Sonar
    detail: str  # what it is in Sonar (activates or not, the type's kind...)
    splynx: str  # what it becomes; "refused" when such records are rejected
    why: str  # the profile option that decided it


def _status_rows(status: AccountStatus, rules: CustomerRules) -> list[MappingRow]:
    detail = "activates" if status.activates_account else "does not activate"
    rows = []
    plain = decide_status(status, rules, delinquent=False, archived=False)
    rows.append(
        MappingRow(
            kind="status",
            sonar=status.name,
            detail=detail,
            splynx=plain.status or "refused",
            why=plain.why,
        )
    )
    owing = decide_status(status, rules, delinquent=True, archived=False)
    if owing != plain:
        rows.append(
            MappingRow(
                kind="status",
                sonar=f"{status.name}, delinquent",
                detail=f"{detail}, delinquent",
                splynx=owing.status or "refused",
                why=owing.why,
            )
        )
    return rows


def customer_mapping(
    statuses: Iterable[AccountStatus], types: Iterable[AccountType], rules: CustomerRules
) -> list[MappingRow]:
    """Every account status and type Sonar has, and the Splynx status / category it gives."""
    rows = [row for s in sorted(statuses, key=lambda s: s.id) for row in _status_rows(s, rules)]
    archived = decide_status(None, rules, delinquent=False, archived=True)
    rows.append(
        MappingRow(
            kind="status",
            sonar="(any), archived",
            detail="archived",
            splynx=archived.status or "refused",
            why=archived.why,
        )
    )
    for kind in sorted(types, key=lambda t: t.id):
        decision = decide_category(kind, rules)
        rows.append(
            MappingRow(
                kind="type",
                sonar=kind.name,
                detail=kind.type.value,
                splynx=decision.category,
                why=decision.why,
            )
        )
    return rows


async def read_customer_references(
    extractor: Extractor,
) -> tuple[list[AccountStatus], list[AccountType]]:
    """Sonar's account statuses and types (a page or two each): what the mapping is made of."""
    statuses = [
        s
        for s in await extractor.read_all("account_statuses", strict=False)
        if isinstance(s, AccountStatus)
    ]
    types = [
        t
        for t in await extractor.read_all("account_types", strict=False)
        if isinstance(t, AccountType)
    ]
    return statuses, types


_STYLE = {"active": "green", "refused": "bold red"}


def mapping_table(rows: Iterable[MappingRow], title: str = "Mapping") -> Table:
    """The rows as a table: Sonar value, what decides, Splynx value, why (plain text)."""
    table = Table(title=title, title_justify="left")
    for column in ("", "in Sonar", "what it does / is", "in Splynx", "decided by"):
        table.add_column(column, overflow="fold")
    for row in rows:
        target = Text(row.splynx, style=_STYLE.get(row.splynx, ""))
        table.add_row(Text(row.kind), Text(row.sonar), Text(row.detail), target, Text(row.why))
    return table
