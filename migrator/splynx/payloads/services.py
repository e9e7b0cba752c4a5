"""A customer's internet and recurring ("custom") services.

Path: ``admin/customers/customer/{customer_id}/internet-services`` (and
``recurring-services``). ``services_internet`` / ``services_custom`` were not
dumped; sizes are those of the dumped ``services_voice``, which shares the
service base columns (an inference the reference digest makes too). The
network columns were never dumped anywhere: ``login`` is limited as the dumped
``customers.login`` (varchar(128)) and the password likewise (ASSUMPTION: the
same size as the login; the customer's own is varchar(512)); addresses are
checked for being addresses. The password is a secret (``Secret128``): it
prints as ``**********`` and is only revealed in the body sent to Splynx.
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
    Secret128,
    SplynxPayload,
    Str128,
    Str255,
    Str512,
)
from migrator.splynx.payloads.networking import Ipv4Address, Ipv6Text

__all__ = ["InternetService", "RecurringService", "ServiceStatus"]

ServiceStatus = Literal["active", "stopped", "disabled", "hidden", "pending"]
Period = Literal[
    "-1", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15",
    "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30",
    "31", "32", "33", "34", "35", "36", "37", "38", "39", "40", "41", "42", "43", "44", "45",
    "46", "47", "48", "49", "50", "51", "52", "53", "54", "55", "56", "57", "58", "59", "60",
    "61", "62", "63", "64", "65", "66", "67", "68", "69", "70", "71", "72", "73", "74", "75",
    "76", "77", "78", "79", "80", "81", "82", "83", "84", "85", "86", "87", "88", "89", "90",
    "91", "92", "93", "94", "95", "96", "97", "98", "99",
]  # fmt: skip  # the column's enum: "-1" default, "0" postpaid, 1..99 periods


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

    login: Str128 = Field(min_length=1)  # unique among services; RADIUS/PPPoE user name
    taking_ipv4: Literal[0, 1, 2] = 0  # none (router assigns), permanent, pool
    password: Secret128 | None = None  # empty: Splynx falls back to the customer's
    ipv4: Ipv4Address | None = None  # with taking_ipv4 1: inside a static IPv4 network
    ipv4_route: Str255 | None = None  # additional routed network(s), "a.b.c.d/len"
    ipv4_pool_id: Id | None = None  # with taking_ipv4 2: an IPv4 network id (a pool)
    ipv6: Ipv6Text | None = None  # "IPv6 network": an address or a prefix
    ipv6_delegated: Ipv6Text | None = None
    ipv6_pool_id: Id | None = None
    taking_ipv6: Literal[0, 1, 2] | None = None
    router_id: Id | None = None
    sector_id: Id | None = None
    mac: Str255 | None = None  # MAC(s), comma-separated
    port_id: Id | None = None
    access_device: Id | None = None
    top_up_tariff_id: Id | None = None


class RecurringService(_Service):
    """``Customer Recurring service Base`` (type ``custom`` in answers)."""
