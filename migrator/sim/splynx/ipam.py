"""IP address management as the simulator keeps it: parsing addresses, finding networks.

Splynx's documentation (reference ``splynx_docs_facts.md``, "Services and
network access"): static IPs come from IPAM, so IPv4 networks must exist before
the services that use their addresses; root networks are parents only; end
networks hold the IPs, with usage "static" or "pool"; an assigned IP is locked.
The behaviours of the network, IP and service endpoints share what is here.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal

from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.store import Row, Session

__all__ = [
    "Family",
    "Network",
    "address_claim",
    "containing",
    "live_networks",
    "parse_address",
    "parse_network",
    "within",
]

Family = Literal["ipv4", "ipv6"]
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_LIVE = Condition("deleted", "=", ("0",))
_VERSION = {"ipv4": 4, "ipv6": 6}
SIZE_COLUMN = {"ipv4": "mask", "ipv6": "prefix"}
# Only dotted quads and RFC 4291 text: no integers, no zone ids, no surrounding spaces.
_TEXT = re.compile(r"^[0-9A-Fa-f:.]+$")


def parse_address(text: object, family: Family) -> IpAddress | None:
    """The address ``text`` names in this family, or None (leading zeros are refused)."""
    if not isinstance(text, str) or not _TEXT.match(text):
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address if address.version == _VERSION[family] else None


def parse_network(text: object, family: Family) -> IpNetwork | None:
    """``a.b.c.d/len`` (host bits zero) in this family, or None."""
    if not isinstance(text, str) or "/" not in text:
        return None
    address, _, length = text.partition("/")
    if parse_address(address, family) is None or not length.isdigit():
        return None
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError:
        return None
    return network if network.version == _VERSION[family] else None


def within(inner: IpNetwork, outer: IpNetwork) -> bool:
    """Whether ``inner`` lies in ``outer`` (False across families)."""
    if isinstance(inner, ipaddress.IPv4Network) and isinstance(outer, ipaddress.IPv4Network):
        return inner.subnet_of(outer)
    if isinstance(inner, ipaddress.IPv6Network) and isinstance(outer, ipaddress.IPv6Network):
        return inner.subnet_of(outer)
    return False


@dataclass(frozen=True)
class Network:
    """A network row with its parsed address block."""

    row: Row
    block: IpNetwork

    @property
    def id(self) -> int:
        return int(self.row["id"])

    @property
    def is_root(self) -> bool:
        return self.row["network_type"] == "rootnet"

    def describe(self) -> str:
        return f'{self.block} "{self.row["title"]}" (id {self.id})'

    @classmethod
    def of(cls, row: Row, family: Family) -> Network | None:
        try:
            block = ipaddress.ip_network(f"{row['network']}/{row[SIZE_COLUMN[family]]}")
        except ValueError:  # a row written by SQL outside the API: not a network we can use
            return None
        return cls(row, block)


async def live_networks(session: Session, family: Family, *conditions: Condition) -> list[Network]:
    """Every live network of the family matching ``conditions``."""
    rows = await session.select(f"{family}_networks", Query((*conditions, _LIVE)))
    return [n for row in rows if (n := Network.of(row, family)) is not None]


async def containing(session: Session, address: IpAddress) -> list[Network]:
    """The live networks holding ``address``, smallest first.

    One look-up by network address: the candidates are the address's network
    at every prefix length (33 for IPv4, 129 for IPv6).
    """
    family: Family = "ipv4" if address.version == 4 else "ipv6"
    candidates = {
        str(ipaddress.ip_network(f"{address}/{length}", strict=False).network_address)
        for length in range(address.max_prefixlen + 1)
    }
    found = await live_networks(session, family, Condition("network", "IN", tuple(candidates)))
    holding = [n for n in found if address in n.block]
    return sorted(holding, key=lambda n: n.block.prefixlen, reverse=True)


def address_claim(address: IpAddress) -> str:
    """The claim a write takes on an address it assigns (services and IPAM rows alike)."""
    return f"address={address}"
