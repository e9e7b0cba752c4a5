"""Sonar records for transform tests, by hand: statuses, types, billing parameters."""

from __future__ import annotations

from typing import Any

from migrator.sonar.entities import AccountBillingParameter, AccountStatus, AccountType

__all__ = ["account_type", "billing_parameters", "status"]

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


def billing_parameters(**overrides: Any) -> AccountBillingParameter:
    """An account's billing parameters: billed on the 1st, due in 14 days; ``overrides`` win."""
    base: dict[str, Any] = {
        "id": "9", "sonar_unique_id": "u", "created_at": _STAMP, "updated_at": _STAMP,
        "_version": "1", "account_id": "42", "aggregate_invoice_taxes": False,
        "aggregate_linked_debits": False, "auto_pay_day": "BILL_DAY", "auto_pay_days": 0,
        "bill_day": 1, "bill_day_mode": "FIXED", "bill_mode": "INVOICE",
        "default_for": "ACCOUNT_TYPE", "due_days": 14, "due_days_day": "BILL_DAY",
        "grace_days": 0, "lifeline": False, "months_to_bill": 1, "print_invoice": False,
        "switch_status_after_delinquency": False, "tax_exempt": False,
    }  # fmt: skip
    base.update(overrides)
    return AccountBillingParameter.model_validate(base)
