"""Sonar subnets that hold customer addresses → Splynx IPv4 and IPv6 networks.

Splynx keeps a static IP only inside one of its networks (IPAM), so the
subnets a customer's address lies in are created first, one Splynx end network
per Sonar subnet, matched by network address so a re-run adopts rather than
duplicates. Which subnets hold customer addresses is read off Sonar's
``account_ip_assignments`` (every address associated with an account, whatever
holds it); a subnet with none (infrastructure, an empty block) is not a
customer network and stays behind. A subnet with IP pools becomes a ``pool``
network (dynamic addresses are drawn from it), any other a ``static`` one.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from migrator.profile_rules import NetworkRules
from migrator.records import Cleaned, ParentRef, Resolved
from migrator.sonar.entities import Subnet, Supernet
from migrator.splynx.payloads import Ipv4Network, Ipv6Network
from migrator.splynx.payloads.base import field_limits
from migrator.transform.cleaning import Notes, name_text

__all__ = [
    "Address",
    "CustomerSubnets",
    "NetworkLookups",
    "ipv4_network",
    "ipv6_network",
    "network_of",
    "network_parents",
    "parse_address",
]

Address = ipaddress.IPv4Network | ipaddress.IPv6Network
LIMITS = field_limits(Ipv4Network)


def parse_address(cidr: str) -> Address | None:
    """A Sonar ``SubnetScalar`` (``10.0.0.5/32``, ``2001:db8::/56``) as a network, or None."""
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return None


def network_of(subnet: Subnet) -> Address | None:
    return parse_address(subnet.subnet)


def _holds(network: Address | None, address: Address) -> bool:
    """``address`` (an address or a block) lies inside ``network``."""
    if network is None or network.version != address.version:
        return False
    return address.subnet_of(network)  # type: ignore[arg-type]


@dataclass(frozen=True)
class NetworkLookups:
    """Sonar's subnets, supernets and pools, and the addresses associated with each account."""

    subnets: Mapping[int, Subnet] = field(default_factory=dict)
    supernets: Mapping[int, Supernet] = field(default_factory=dict)
    pooled: frozenset[int] = frozenset()  # subnet ids holding at least one IP pool
    account_ips: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # by account id
    shared_logins: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # username → ids

    @cached_property
    def _parsed(self) -> tuple[tuple[Subnet, Address], ...]:
        """Each subnet that parses, most specific first (a /26 before the /24 around it)."""
        pairs = [(s, n) for s in self.subnets.values() if (n := network_of(s)) is not None]
        return tuple(sorted(pairs, key=lambda pair: (-pair[1].prefixlen, pair[0].id)))

    @cached_property
    def held(self) -> frozenset[int]:
        """The subnets holding at least one customer address: the ones migrated."""
        addresses = (parse_address(cidr) for cidrs in self.account_ips.values() for cidr in cidrs)
        return frozenset(
            subnet.id
            for address in addresses
            if address is not None and (subnet := self._around(address)) is not None
        )

    def _around(self, address: Address, among: Iterable[int] | None = None) -> Subnet | None:
        allowed = None if among is None else set(among)
        for subnet, network in self._parsed:
            if allowed is not None and subnet.id not in allowed:
                continue
            if _holds(network, address):
                return subnet
        return None

    def home(self, address: Address, named: int | None = None) -> Subnet | None:
        """The migrated subnet holding ``address``: the one Sonar names if it does, else the
        most specific migrated one around it; None when no migrated subnet holds it."""
        if named is not None and named in self.held:
            subnet = self.subnets[named]
            if _holds(network_of(subnet), address):
                return subnet
        return self._around(address, self.held)


def network_parents(subnet: Subnet) -> list[ParentRef]:
    """A network needs the default location first."""
    return [ParentRef("locations", 1, "location")]


def _common(
    subnet: Subnet, resolved: Resolved, lookups: NetworkLookups, rules: NetworkRules, notes: Notes
) -> dict[str, Any]:
    network = network_of(subnet)
    assert network is not None, "the source keeps only subnets that parse"
    title = name_text(subnet.name or str(network), "title", LIMITS.get("title"), True, notes)
    supernet = lookups.supernets.get(subnet.supernet_id)
    within = (
        ""
        if supernet is None
        else f"; in Sonar supernet {supernet.name or supernet.subnet} ({supernet.subnet})"
    )
    return {
        "network": str(network.network_address),
        "title": title,
        "comment": f"Sonar subnet {subnet.id} ({subnet.type}){within}",
        "location_id": resolved.parents["location"],
        "network_category": rules.category,
        "network_type": "endnet",
        "type_of_usage": "pool" if subnet.id in lookups.pooled else "static",
    }


def ipv4_network(
    subnet: Subnet, resolved: Resolved, *, lookups: NetworkLookups, rules: NetworkRules
) -> Cleaned[Ipv4Network]:
    notes = Notes()
    fields = _common(subnet, resolved, lookups, rules, notes)
    network = network_of(subnet)
    assert network is not None
    return Cleaned(Ipv4Network(**fields, mask=network.prefixlen), tuple(notes.lines))


def ipv6_network(
    subnet: Subnet, resolved: Resolved, *, lookups: NetworkLookups, rules: NetworkRules
) -> Cleaned[Ipv6Network]:
    notes = Notes()
    fields = _common(subnet, resolved, lookups, rules, notes)
    fields["type_of_usage"] = "static"  # Splynx's IPv6 networks have no pool usage
    network = network_of(subnet)
    assert network is not None
    return Cleaned(Ipv6Network(**fields, prefix=network.prefixlen), tuple(notes.lines))


@dataclass(frozen=True)
class CustomerSubnets:
    """The source's filter: a subnet of one IP version that holds customer addresses."""

    lookups: NetworkLookups
    version: int

    def __call__(self, subnet: Subnet) -> bool:
        network = network_of(subnet)
        if network is None or network.version != self.version:
            return False
        return subnet.id in self.lookups.held
