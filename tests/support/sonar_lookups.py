"""Sonar's reference records (account statuses and types) for transform tests, by hand."""

from __future__ import annotations

from migrator.sonar.entities import AccountStatus, AccountType

__all__ = ["account_type", "status"]

_STAMP = "2023-03-01T10:00:00-06:00"
_COMMON = {"sonar_unique_id": "s", "created_at": _STAMP, "updated_at": _STAMP, "_version": "1"}


def status(status_id: int, name: str, *, activates: bool) -> AccountStatus:
    return AccountStatus.model_validate(
        {**_COMMON, "id": str(status_id), "name": name, "activates_account": activates,
         "color": "000000", "icon": "HOUSE759590"}
    )  # fmt: skip


def account_type(type_id: int, name: str, kind: str) -> AccountType:
    return AccountType.model_validate(
        {**_COMMON, "id": str(type_id), "name": name, "type": kind, "color": "000000",
         "icon": "HOUSE759590"}
    )  # fmt: skip
