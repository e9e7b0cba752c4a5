"""Internet and recurring tariffs (``admin/tariffs/internet``, ``admin/tariffs/recurring``).

Required fields are the union of the blueprint's and the live OPTIONS' lists;
``tariffs_internet`` / ``tariffs_custom`` were not dumped, so no sizes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from migrator.splynx.payloads.base import Id, Money, Percent, SplynxPayload

__all__ = ["BillingType", "InternetTariff", "RecurringTariff"]

BillingType = Literal["recurring", "prepaid", "prepaid_monthly"]
CustomerCategory = Literal["person", "company"]


def _recurring() -> list[BillingType]:
    return ["recurring"]


def _everyone() -> list[CustomerCategory]:
    return ["person", "company"]


class _Tariff(SplynxPayload):
    title: str = Field(min_length=1)  # unique per tariff type
    partners_ids: list[Id] = Field(min_length=1)
    billing_types: list[BillingType] = Field(default_factory=_recurring)
    customer_categories: list[CustomerCategory] = Field(default_factory=_everyone)
    available_for_locations: list[Id] = Field(min_length=1)
    with_vat: bool = False
    hide_on_admin_portal: bool = False
    show_on_customer_portal: bool = False
    service_name: str | None = None
    price: Money | None = None
    vat_percent: Percent | None = None
    billing_days_count: int | None = Field(None, ge=1, le=365)  # days, up to 365 (Splynx docs)
    custom_period: Literal[0, 1] | None = None  # 0 monthly, 1 a number of days
    available_for_services: bool | None = None
    customer_labels: list[Id] | None = None
    tax_id: Id | None = None


class InternetTariff(_Tariff):
    """``Internet tariff Base``: speeds are in kbps."""

    speed_download: int = Field(ge=0)
    speed_upload: int = Field(ge=0)
    speed_limit_type: Literal["none", "percent", "fixed"] | None = None
    speed_limit_at: int | None = None
    speed_limit_fixed_down: int | None = None
    speed_limit_fixed_up: int | None = None
    aggregation: int | None = None
    burst_type: Literal["none", "percent", "fixed"] | None = None
    burst_limit: int | None = None
    burst_limit_fixed_down: int | None = None
    burst_limit_fixed_up: int | None = None
    burst_threshold: int | None = None
    burst_threshold_fixed_down: int | None = None
    burst_threshold_fixed_up: int | None = None
    burst_time: int | None = None
    priority: Literal["low", "normal", "high"] | None = None
    exclude_traffic_classes: list[Id] | None = None
    transaction_category_id: Id | None = None


class RecurringTariff(_Tariff):
    """``Recurring tariff Base``."""
