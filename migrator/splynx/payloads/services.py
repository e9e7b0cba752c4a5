"""A customer's internet and recurring ("custom") services.

Path: ``admin/customers/customer/{customer_id}/internet-services`` (and
``recurring-services``). ``services_internet`` / ``services_custom`` were not
dumped; sizes are those of the dumped ``services_voice``, which shares the
service base columns (an inference the reference digest makes too).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from migrator.splynx.payloads.base import (
    AdditionalAttributes,
    Date,
    Flag,
    Id,
    Money,
    SplynxPayload,
    Str512,
)

__all__ = ["InternetService", "RecurringService", "ServiceStatus"]

ServiceStatus = Literal["active", "stopped", "disabled", "hidden", "pending"]
Period = Literal[
    "-1", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
]  # fmt: skip  # "-1" default, "0" postpaid, 1..99 periods (the rest are rarely used)


class _Service(SplynxPayload):
    """``Service Base``: what every service type shares."""

    customer_id: Id
    tariff_id: Id
    status: ServiceStatus
    description: Str512
    quantity: int = Field(1, ge=1)
    start_date: Date
    end_date: Date = "0000-00-00"  # endless
    unit: int | None = None
    unit_price: Money | None = None
    discount: Flag | None = None
    discount_type: Literal["percent", "fixed"] | None = None
    discount_value: Money | None = None
    discount_start_date: Date | None = None
    discount_end_date: Date | None = None
    discount_text: Str512 | None = None
    bundle_service_id: Id | None = None
    status_new: str | None = None
    parent_id: Id | None = None
    on_approve: Flag | None = None
    period: Period | None = None
    additional_attributes: AdditionalAttributes | None = None


class InternetService(_Service):
    """``Customer Internet service Base``: login and how the service gets its IPv4."""

    login: str = Field(min_length=1)
    taking_ipv4: Literal[0, 1, 2] = 0  # none (router assigns), permanent, pool
    password: str | None = None
    ipv4: str | None = None
    ipv4_route: str | None = None
    ipv4_pool_id: Id | None = None
    ipv6: str | None = None
    ipv6_delegated: str | None = None
    ipv6_pool_id: Id | None = None
    taking_ipv6: Literal[0, 1, 2] | None = None
    router_id: Id | None = None
    sector_id: Id | None = None
    mac: str | None = None  # comma-separated
    port_id: Id | None = None
    access_device: Id | None = None
    top_up_tariff_id: Id | None = None


class RecurringService(_Service):
    """``Customer Recurring service Base`` (type ``custom`` in answers)."""
