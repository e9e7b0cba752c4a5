"""The choices a migration makes that a user may change, as the profile states them.

Every table here is a section of a profile (``profiles/*.toml``); the
defaults are what ``profiles/full.toml`` documents. The transforms read these
and nothing else, so a rehearsal can be re-run with a different mapping by
editing one file.
"""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "CleanupRules",
    "CustomerRules",
    "CustomerStatus",
    "DefaultsRules",
    "NoteRules",
    "ServiceRules",
    "ServiceStatus",
]

CustomerStatus = Literal["new", "active", "blocked", "disabled"]
ServiceStatus = Literal["active", "stopped", "disabled", "hidden", "pending"]
Category = Literal["person", "company"]

# What Sonar's usual account statuses mean in Splynx terms.
DEFAULT_STATUS_MAP: dict[str, CustomerStatus] = {
    "Active": "active",
    "Inactive": "disabled",
    "Delinquent": "active",
    "Suspended": "blocked",
    "Pending Install": "new",
    "Cancelled": "disabled",
    "Collections": "blocked",
    "Prospect": "new",
    "On Hold": "blocked",
    "Seasonal": "active",
    "Staff / Free": "active",
    "Non-payment Disconnect": "disabled",
    "Moved": "disabled",
}
DEFAULT_CATEGORY_MAP: dict[str, Category] = {
    "Residential": "person",
    "Business": "company",
    "Government": "company",
}
DEFAULT_SERVICE_STATUS: dict[CustomerStatus, ServiceStatus] = {
    "new": "pending",
    "active": "active",
    "blocked": "stopped",
    "disabled": "disabled",
}
INFO_FIELDS = Literal["vat_id", "company_id", "passport", "birthday", "contact_person"]


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DefaultsRules(_Rules):
    """Where records without a Sonar counterpart go, and which clock Splynx keeps."""

    location: str = Field(default="Sonar import", min_length=1)
    partner: str | None = None  # None: the partner made from Sonar's default company
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name, e.g. UTC)") from None
        return value


class CustomerRules(_Rules):
    """How accounts become customers."""

    status: dict[str, CustomerStatus] = Field(default_factory=lambda: dict(DEFAULT_STATUS_MAP))
    unknown_status: CustomerStatus | Literal["reject"] = "active"  # "reject": refuse such accounts
    archived_status: CustomerStatus = "disabled"
    category: dict[str, Category] = Field(default_factory=lambda: dict(DEFAULT_CATEGORY_MAP))
    unknown_category: Category = "person"
    login: Literal["sonar_id", "splynx"] = "sonar_id"
    login_prefix: str = "sonar"
    custom_fields: dict[str, INFO_FIELDS] = Field(default_factory=dict)


class ServiceRules(_Rules):
    """How account services become internet and recurring services."""

    login_prefix: str = "sonar-svc"
    status: dict[CustomerStatus, ServiceStatus] = Field(
        default_factory=lambda: dict(DEFAULT_SERVICE_STATUS)
    )
    # How a plan billed every N months is billed in Splynx: "service_period" (monthly
    # tariff price = Sonar amount / N, each service charged N months at once through its
    # ``period``) or "tariff_days" (tariff at the full amount, ``custom_period`` 1 with
    # ``billing_days_count`` of N months in days, up to 365: Splynx's prepaid custom period).
    billing_period: Literal["service_period", "tariff_days"] = "service_period"
    # A RECURRING CREDIT service: "negative_price" (a recurring tariff and services at
    # minus its amount) or "reject" (each account service holding one rejected, named).
    credits: Literal["negative_price", "reject"] = "negative_price"
    # A taxed service whose Sonar tax(es) are not in the profile's [taxes]: "rate_only"
    # (the tariff carries the summed percentage as vat_percent, no tax_id, noted) or "reject".
    unmapped_tax: Literal["rate_only", "reject"] = "rate_only"
    # A tax-exempt account's service on a taxed tariff (Splynx has no per-customer
    # exemption field): "note" (migrated with a cleanup note) or "reject".
    tax_exempt: Literal["note", "reject"] = "note"


class NoteRules(_Rules):
    """How notes on accounts become customer comments."""

    type: Literal["comment", "customer", "finance", "service", "message", "support", "call"] = (
        "comment"
    )


class CleanupRules(_Rules):
    """What to do with text that does not fit Splynx as it is."""

    truncate: bool = True  # cut text longer than its column (noted); False: reject the record
