"""The ISP's address plan: supernets, the subnets carved from them, the DHCP/RADIUS pools.

A small regional ISP's plan, in documentation and shared address space:

- a public block ``198.51.100.0/22`` (two residential static /24s and a
  business /23, MIXED) and ``203.0.113.0/24`` (routed customer blocks, a
  static overflow /26 and an EXCLUDED /26 kept for the upstream hand-off);
- the CGNAT shared space ``100.64.0.0/10``: two /23s with a dynamic pool each;
- ``10.20.0.0/16`` for infrastructure: the tower management NETWORK subnet;
- IPv6 ``2001:db8::/32``: a /40 of /56 delegations and a /48 of customer /64s.

``AddressPlan.allocate(purpose, prefix, draw)`` hands out the next free block
of a purpose, in a subnet drawn by weight (so a small dataset still spreads
over several subnets); when every subnet of a purpose is full a new one is
carved from its spill supernet, so any scale fits. Pools and the free space
figures (``largest_cidr_available``, ``ips_available``) are computed from what
was handed out, after every assignment is placed.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from migrator.sim.sonar.draw import Draw
from migrator.sim.sonar.generate.common import Salt, World
from migrator.sim.sonar.generate.reference import reference_table, shaped
from migrator.sim.sonar.table import Table

__all__ = ["AddressPlan", "Purpose", "largest_free_prefix"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Purpose(IntEnum):
    STATIC = 0  # single public (or, spilled, shared-space) addresses
    ROUTED = 1  # /30 and /29 blocks routed to a customer's router
    POOL = 2  # dynamic (soft) addresses handed out by DHCP or RADIUS
    DELEGATION = 3  # IPv6 /56 prefix delegations
    LAN64 = 4  # IPv6 /64s
    INFRA = 5  # tower and backhaul gear
    RESERVED = 6  # never assigned


# (id, name, CIDR)
_SUPERNETS = (
    (1, "Public 198.51.100.0/22", "198.51.100.0/22"),
    (2, "Public 203.0.113.0/24", "203.0.113.0/24"),
    (3, "CGNAT shared space", "100.64.0.0/10"),
    (4, "Infrastructure", "10.20.0.0/16"),
    (5, "IPv6 allocation", "2001:db8::/32"),
)
# (supernet, name, CIDR, SubnetType, purpose, weight among its purpose's subnets)
_SUBNETS = (
    (1, "Residential static A", "198.51.100.0/24", "ACCOUNT", Purpose.STATIC, 4),
    (1, "Residential static B", "198.51.101.0/24", "ACCOUNT", Purpose.STATIC, 3),
    (1, "Business static", "198.51.102.0/23", "MIXED", Purpose.STATIC, 3),
    (2, "Routed customer blocks", "203.0.113.0/25", "MIXED", Purpose.ROUTED, 1),
    (2, "Static overflow", "203.0.113.128/26", "ACCOUNT", Purpose.STATIC, 1),
    (2, "Upstream hand-off (reserved)", "203.0.113.192/26", "EXCLUDED", Purpose.RESERVED, 0),
    (3, "CGNAT dynamic A", "100.64.0.0/23", "ACCOUNT", Purpose.POOL, 1),
    (3, "CGNAT dynamic B", "100.64.2.0/23", "ACCOUNT", Purpose.POOL, 1),
    (4, "Tower management", "10.20.0.0/24", "NETWORK", Purpose.INFRA, 1),
    (5, "Prefix delegation", "2001:db8:100::/40", "ACCOUNT", Purpose.DELEGATION, 1),
    (5, "Customer LANs", "2001:db8:200::/48", "ACCOUNT", Purpose.LAN64, 1),
)  # fmt: skip
# Where a purpose spills when its subnets are full: (supernet, first CIDR, type, name).
_SPILL = {
    Purpose.STATIC: (3, "100.64.64.0/24", "ACCOUNT", "CGNAT static"),
    Purpose.ROUTED: (3, "100.64.64.0/24", "MIXED", "CGNAT routed blocks"),
    Purpose.POOL: (3, "100.64.64.0/23", "ACCOUNT", "CGNAT dynamic"),
    Purpose.DELEGATION: (5, "2001:db8:100::/40", "ACCOUNT", "Prefix delegation"),
    Purpose.LAN64: (5, "2001:db8:200::/48", "ACCOUNT", "Customer LANs"),
    Purpose.INFRA: (4, "10.20.0.0/24", "NETWORK", "Tower management"),
}
_POOL_START = 10  # pools leave the first addresses of a subnet to routers and servers
# The first offset handed out per purpose: .0 is the network (a routed block may start
# there: it is routed whole), .1 the gateway.
_FIRST = {Purpose.STATIC: 2, Purpose.INFRA: 2, Purpose.POOL: _POOL_START}


def largest_free_prefix(network: Network, used: list[tuple[int, int]]) -> int | None:
    """The prefix length of the largest aligned block of ``network`` that overlaps none of
    the ``used`` address ranges (inclusive ints); ``None`` when nothing is free."""
    low, high = int(network.network_address), int(network.broadcast_address)
    best = 0
    cursor = low
    for start, stop in sorted([*used, (high + 1, high + 1)]):
        while cursor < start:
            size = cursor & -cursor if cursor else 1 << network.max_prefixlen
            while size > start - cursor:
                size >>= 1
            best = max(best, size)
            cursor += size
        cursor = max(cursor, stop + 1)
    return None if best == 0 else network.max_prefixlen - best.bit_length() + 1


@dataclass
class _Subnet:
    id: int
    supernet: int
    name: str
    network: Network
    type: str
    purpose: Purpose
    weight: int
    next: int = 0  # the next offset to hand out
    full: bool = False
    used: list[tuple[int, int]] = field(default_factory=list)

    def take(self, prefix: int) -> int | None:
        """The first address of the next aligned block of ``prefix`` bits; None (and the
        subnet is marked full) when it does not fit."""
        size = 1 << (self.network.max_prefixlen - prefix)
        first = _FIRST.get(self.purpose, 0)
        offset = -(-max(self.next, first) // size) * size
        last = self.network.num_addresses - (2 if self.network.version == 4 else 1)
        if offset + size - 1 > last:
            self.full = True
            return None
        self.next = offset + size
        start = int(self.network.network_address) + offset
        self.used.append((start, start + size - 1))
        return start


class AddressPlan:
    """Supernets, subnets and pools, filled as assignments are placed."""

    def __init__(self) -> None:
        self.subnets: list[_Subnet] = []
        self._cursor: dict[int, int] = {}  # supernet → next free address for spills
        for supernet, name, cidr, kind, purpose, weight in _SUBNETS:
            self._add(supernet, name, ipaddress.ip_network(cidr), kind, purpose, weight)

    def _add(
        self, supernet: int, name: str, network: Network, kind: str, purpose: Purpose, weight: int
    ) -> _Subnet:
        subnet = _Subnet(len(self.subnets) + 1, supernet, name, network, kind, purpose, weight)
        self.subnets.append(subnet)
        end = int(network.broadcast_address) + 1
        self._cursor[supernet] = max(self._cursor.get(supernet, 0), end)
        return subnet

    def _spill(self, purpose: Purpose) -> _Subnet:
        supernet, first, kind, name = _SPILL[purpose]
        template = ipaddress.ip_network(first)
        size = template.num_addresses
        start = max(self._cursor.get(supernet, 0), int(template.network_address))
        start = -(-start // size) * size
        network = ipaddress.ip_network((start, template.prefixlen))
        count = sum(1 for s in self.subnets if s.name.startswith(name + " ")) + 1
        return self._add(supernet, f"{name} {count}", network, kind, purpose, 1)

    def allocate(self, purpose: Purpose, prefix: int, draw: Draw) -> tuple[int, str]:
        """``(subnet id, CIDR)`` of the next free ``/prefix`` block for ``purpose``: in a
        subnet drawn by weight, else the next one with room, else a new one."""
        choices = [s for s in self.subnets if s.purpose is purpose and not s.full]
        pick = draw.below(max(1, sum(s.weight for s in choices)))
        for index, subnet in enumerate(choices):  # the drawn one first, then the others
            if pick < subnet.weight:
                choices = choices[index:] + choices[:index]
                break
            pick -= subnet.weight
        for subnet in choices:
            start = subnet.take(prefix)
            if start is not None:
                return subnet.id, _cidr(subnet.network, start, prefix)
        subnet = self._spill(purpose)
        start = subnet.take(prefix)
        assert start is not None, f"a new {purpose.name} subnet cannot hold a /{prefix}"
        return subnet.id, _cidr(subnet.network, start, prefix)

    def tables(self, world: World, soft_by_pool: dict[int, int]) -> dict[str, Table]:
        """The supernets, subnets and ip_pools tables, once every assignment is placed."""
        return {
            "supernets": reference_table("supernets", self._supernets(world)),
            "subnets": reference_table("subnets", [self._subnet(world, s) for s in self.subnets]),
            "ip_pools": reference_table("ip_pools", self._pools(world, soft_by_pool)),
        }

    def pool_subnets(self) -> list[_Subnet]:
        """The subnets holding a pool, in id order: pool ``n`` is in the ``n``-th of them."""
        return [s for s in self.subnets if s.purpose is Purpose.POOL]

    def _supernets(self, world: World) -> list[dict[str, Any]]:
        records = []
        for supernet_id, name, cidr in _SUPERNETS:
            network = ipaddress.ip_network(cidr)
            carved = [
                (int(s.network.network_address), int(s.network.broadcast_address))
                for s in self.subnets
                if s.supernet == supernet_id
            ]
            records.append(
                shaped("supernets", world, Salt.SUPERNET, supernet_id,
                       largest_cidr_available=largest_free_prefix(network, carved),
                       name=name, subnet=cidr)
            )  # fmt: skip
        return records

    def _subnet(self, world: World, subnet: _Subnet) -> dict[str, Any]:
        return shaped(
            "subnets", world, Salt.SUBNET, subnet.id,
            largest_cidr_available=largest_free_prefix(subnet.network, subnet.used),
            name=subnet.name, poller_id=None,
            polling_priority=1 if subnet.type == "NETWORK" else 3,
            subnet=str(subnet.network), supernet_id=str(subnet.supernet), type=subnet.type,
        )  # fmt: skip

    def _pools(self, world: World, soft_by_pool: dict[int, int]) -> list[dict[str, Any]]:
        records = []
        for pool_id, subnet in enumerate(self.pool_subnets(), start=1):
            first = subnet.network.network_address + _POOL_START
            last = subnet.network.broadcast_address - 1
            free = int(last) - int(first) + 1 - soft_by_pool.get(pool_id, 0)
            records.append(
                shaped("ip_pools", world, Salt.IP_POOL, pool_id, dhcp_server_identifier_id=None,
                       ip_range=f"{first}-{last}", ips_available=free,
                       name=f"{subnet.name} pool", subnet_id=str(subnet.id))
            )  # fmt: skip
        return records


def _cidr(network: Network, start: int, prefix: int) -> str:
    return f"{type(network.network_address)(start)}/{prefix}"
