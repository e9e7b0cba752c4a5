"""IP address management: IPv4 / IPv6 networks and the assignment of an IPv4 IP.

Paths: ``admin/networking/ipv4`` and ``ipv6`` (networks, blueprint ``IPv4 network
Base`` / ``IPv6 network Base``), ``admin/networking/ipv4-ip/{network_id}--{id}``
(one IP of a network, ``IPv4 IP Base``; only PUT: IPs are never created one by
one). None of these tables was dumped: no column sizes are known, so texts are
not limited here beyond what an address is.

Addresses are checked for what they are (an IPv4 address is four decimal
octets), nothing more; which network may hold which address is Splynx's rule.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from migrator.splynx.payloads.base import Flag, Id, SplynxPayload

__all__ = [
    "Ipv4Address",
    "Ipv4IpAssignment",
    "Ipv4Network",
    "Ipv6Network",
    "Ipv6Text",
]

NetworkType = Literal["rootnet", "endnet"]


def _ipv4(text: str) -> str:
    """An IPv4 address in dotted form ("" clears a service's address)."""
    if text:
        ipaddress.IPv4Address(text)  # ValueError: pydantic reports it on the field
    return text


def _ipv6(text: str) -> str:
    """An IPv6 address or network (``2001:db8::/48``), as the blueprint's "IPv6 network"."""
    if text:
        try:
            ipaddress.IPv6Address(text)
        except ValueError:
            ipaddress.IPv6Network(text)
    return text


Ipv4Address = Annotated[str, AfterValidator(_ipv4)]
Ipv6Text = Annotated[str, AfterValidator(_ipv6)]


class _Network(SplynxPayload):
    """What IPv4 and IPv6 networks share. ``network_category`` 1 is the blueprint's
    example category; ``location_id`` and the category are sent because the
    blueprint requires them (live OPTIONS does not)."""

    network: str
    title: str = Field(min_length=1)
    comment: str | None = None
    location_id: Id
    network_category: Id = 1
    network_type: NetworkType = "endnet"

    def _aligned(self, size: int) -> None:
        """The network address must start its block (10.0.0.0/24, not 10.0.0.5/24)."""
        network = self.network
        block = ipaddress.ip_network(f"{network}/{size}", strict=False)
        if str(block.network_address) != str(ipaddress.ip_address(network)):
            first = f"is not the first address of a /{size} ({block} is)"
            raise ValueError(f"network {network} {first}")


class Ipv4Network(_Network):
    """``POST admin/networking/ipv4``: an end network holds the IPs customers use.

    ``needCreateIps`` (listed by the live OPTIONS, undocumented) asks Splynx to
    create the network's IP rows, which assigning an IP (``Ipv4IpAssignment``)
    needs: it is sent as "1" so a Splynx that waits to be asked creates them.
    """

    network: Ipv4Address = Field(min_length=7)
    mask: int = Field(ge=0, le=32)
    type_of_usage: Literal["pool", "static", "management"]
    allow_use_network_and_broadcast: Flag | None = None
    need_create_ips: Flag | None = Field("1", alias="needCreateIps")

    @model_validator(mode="after")
    def _network_starts_the_block(self) -> Ipv4Network:
        self._aligned(self.mask)
        return self


class Ipv6Network(_Network):
    """``POST admin/networking/ipv6`` (usage ``static`` or ``management``; no pools)."""

    network: Ipv6Text = Field(min_length=2)
    prefix: int = Field(ge=0, le=128)
    type_of_usage: Literal["static", "management"] = "static"

    @model_validator(mode="after")
    def _network_starts_the_block(self) -> Ipv6Network:
        ipaddress.IPv6Address(self.network)  # an address here, the size is ``prefix``
        self._aligned(self.prefix)
        return self


class Ipv4IpAssignment(SplynxPayload):
    """``PUT admin/networking/ipv4-ip/{network_id}--{id}``: mark one IP used by a customer
    (the blueprint's example: title, host_category, customer_id, is_used)."""

    title: str | None = None
    comment: str | None = None
    hostname: str | None = None
    host_category: Id | None = None
    location_id: Id | None = None
    customer_id: Id | None = None
    is_used: Literal[0, 1] | None = None
