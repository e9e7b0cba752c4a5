"""Which of an account's internet services holds each of its RADIUS logins, MACs and IPs.

Sonar ties RADIUS accounts, MAC addresses and IP assignments to the account;
Splynx keeps them on an internet service. The rule (``profiles/full.toml``
documents it for the user):

- one DATA service: it takes them all;
- several: RADIUS accounts go to the data services in id order (the first to
  the first, ...); MACs to the first; an IP follows its owner (a RADIUS
  account's IP goes where that RADIUS account went, a MAC's where the MAC
  went), and an IP of the account itself, or of equipment Sonar keeps it on,
  to the first. Every choice made among several services is noted, and so is a
  RADIUS account left over when there are more of them than data services.

The IPs of equipment (an inventory item's) are not read owner by owner: they
are the account's ``account_ip_assignments`` that no assignment read with the
account accounts for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from migrator.sonar.entities import IpAssignment
from migrator.sonar.models import AccountWithRelations, RadiusAccountWithIps
from migrator.transform.networks import Address, parse_address

__all__ = ["HeldAddress", "ServiceAccess", "plan_access"]


@dataclass(frozen=True)
class HeldAddress:
    """One address or block an account holds, and what Sonar says about it."""

    network: Address
    owner: str  # "the account", "RADIUS account 12", ... (for notes)
    subnet_id: int | None = None  # the Sonar subnet the assignment names (None: unknown)
    soft: bool = False  # Sonar assigned it automatically (DHCP / RADIUS): a dynamic address
    order: int = 0  # the assignment's id (0: not read owner by owner): first one wins


@dataclass
class ServiceAccess:
    """What one internet service gets: its RADIUS account, MACs and addresses, and why."""

    radius: RadiusAccountWithIps | None = None
    macs: list[str] = field(default_factory=list)
    addresses: list[HeldAddress] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (field, what happened)


def _held(assignment: IpAssignment, owner: str) -> HeldAddress | None:
    network = parse_address(assignment.subnet)
    if network is None:
        return None
    return HeldAddress(network, owner, assignment.subnet_id, assignment.soft, assignment.id)


def _add_ips(access: ServiceAccess, assignments: Sequence[IpAssignment], owner: str) -> None:
    for assignment in assignments:
        held = _held(assignment, owner)
        if held is None:
            access.notes.append(("ipv4", f"{assignment.subnet!r} of {owner} is not an address"))
        else:
            access.addresses.append(held)


def plan_access(
    account: AccountWithRelations, data_services: Sequence[int], account_ips: Sequence[str] = ()
) -> dict[int, ServiceAccess]:
    """Each data service's share (``data_services``: the account's DATA account services)."""
    ordered = sorted(data_services)
    if not ordered:
        return {}
    plan = {service_id: ServiceAccess() for service_id in ordered}
    first, several = plan[ordered[0]], len(ordered) > 1
    _assign_radius(plan, ordered, sorted(account.radius_accounts, key=lambda r: r.id))
    for mac in sorted(account.uninventoried_mac_addresses, key=lambda m: m.id):
        first.macs.append(mac.mac_address)
        _add_ips(first, mac.ip_assignments, f"MAC {mac.mac_address}")
    if several and account.uninventoried_mac_addresses:
        first.notes.append(("mac", f"MACs given to the first of {len(ordered)} data services"))
    before = len(first.addresses)
    _add_ips(first, account.ip_assignments, "the account")
    _add_equipment(first, account_ips, plan)
    if several and len(first.addresses) > before:
        first.notes.append(
            ("ipv4", f"the account's own IPs given to the first of {len(ordered)} data services")
        )
    return plan


def _assign_radius(
    plan: dict[int, ServiceAccess], ordered: Sequence[int], radius: Sequence[RadiusAccountWithIps]
) -> None:
    """RADIUS accounts to data services in id order; one left over is noted on the first."""
    first = plan[ordered[0]]
    for index, login in enumerate(radius):
        owner = f"RADIUS account {login.id}"
        if index >= len(ordered):
            first.notes.append(
                (
                    "login",
                    f"{owner} ({login.username!r}) not migrated: {len(radius)} RADIUS "
                    f"accounts and {len(ordered)} data service(s), a Splynx service "
                    "holds one login",
                )
            )
            _add_ips(first, login.ip_assignments, owner)
            continue
        access = plan[ordered[index]]
        access.radius = login
        _add_ips(access, login.ip_assignments, owner)
        if len(ordered) > 1:
            access.notes.append(
                (
                    "login",
                    f"{owner} given to data service {ordered[index]}, "
                    f"number {index + 1} of {len(ordered)} in id order",
                )
            )


def _add_equipment(
    first: ServiceAccess, account_ips: Sequence[str], plan: dict[int, ServiceAccess]
) -> None:
    """Addresses Sonar associates with the account that no owner read here holds: equipment's."""
    known = {held.network for access in plan.values() for held in access.addresses}
    for cidr in account_ips:
        network = parse_address(cidr)
        if network is None or network in known:
            continue
        known.add(network)
        first.addresses.append(HeldAddress(network, "equipment of the account"))
