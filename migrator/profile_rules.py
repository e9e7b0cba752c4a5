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
    "BillingRules",
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


class BillingRules(_Rules):
    """How an account's billing parameters become the customer's billing settings.

    Splynx bills on days 1-28 only: a Sonar bill day of 29-31 becomes
    ``late_bill_day`` (noted per customer).
    """

    late_bill_day: int = Field(default=28, ge=1, le=28)


class NoteRules(_Rules):
    """How notes on accounts become customer comments."""

    type: Literal["comment", "customer", "finance", "service", "message", "support", "call"] = (
        "comment"
    )


class CleanupRules(_Rules):
    """What to do with text that does not fit Splynx as it is."""

    truncate: bool = True  # cut text longer than its column (noted); False: reject the record
