"""A service's share of its account's network access → the internet service's fields.

``login`` / ``password`` come from its RADIUS account (Sonar's username as it is,
which is what the subscriber's router sends, or with the profile's prefix),
``mac`` from its MACs, and its addresses:

- a static IPv4 (Sonar did not assign it automatically, or its subnet has no
  pool to draw from) is ``taking_ipv4 = 1`` with ``ipv4`` inside the Splynx
  network made from its Sonar subnet; a routed block (a /29) goes to
  ``ipv4_route``; a service holds one address, so further ones are noted;
- a dynamic one (Sonar's ``soft`` assignment in a subnet with pools) is
  ``taking_ipv4 = 2`` with that network as ``ipv4_pool_id``;
- IPv6: a /64 or longer is the service's ``ipv6``, a shorter prefix its
  ``ipv6_delegated`` network.

What Splynx would refuse is refused here, naming the record and the field: an
address in no migrated network, a login held by several accounts (never
renamed silently: both account ids are named), a login with characters
Splynx does not take. A password is a secret: it is carried, never named.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from migrator.errors import FieldError, Rejected
from migrator.profile_rules import ServiceRules
from migrator.records import ParentRef, Resolved
from migrator.splynx.payloads import InternetService
from migrator.splynx.payloads.base import field_limits
from migrator.transform.cleaning import Notes
from migrator.transform.network_access import HeldAddress, ServiceAccess
from migrator.transform.networks import NetworkLookups

__all__ = [
    "LOGIN",
    "AccessFields",
    "access_fields",
    "access_parents",
    "addresses_of",
    "service_login",
]

# ASSUMPTION: Splynx does not document a service login's characters; RADIUS servers and
# routers take ASCII letters, digits and . _ - @ : + (user@realm). Anything else is refused.
LOGIN = re.compile(r"[A-Za-z0-9._@:+\-]+")
_MAC = re.compile(r"[0-9A-Fa-f]{2}(?:([:-]?)[0-9A-Fa-f]{2})(?:\1[0-9A-Fa-f]{2}){4}")
IPV4_PARENT, IPV6_PARENT = "ipv4_subnet_id", "ipv6_subnet_id"
LIMITS = field_limits(InternetService)


@dataclass(frozen=True)
class Chosen:
    """The addresses a service will carry and the Sonar subnets holding them."""

    ipv4: tuple[HeldAddress, ...] = ()  # static: the address first, then routed blocks
    pool: HeldAddress | None = None  # dynamic
    ipv6: HeldAddress | None = None
    delegated: HeldAddress | None = None
    ipv4_subnet: int | None = None
    ipv6_subnet: int | None = None


@dataclass(frozen=True)
class AccessFields:
    """The internet service's access fields, and the static IPv4 to mark used in its network."""

    fields: dict[str, Any]
    static_ipv4: str | None = None


def _refuse(field_name: str, headline: str, detail: str) -> Rejected:
    """A refusal: ``headline`` says what, the field's error says why in full."""
    return Rejected(headline, [FieldError(field_name, detail)])


def _home(held: HeldAddress, lookups: NetworkLookups, field_name: str) -> int:
    subnet = lookups.home(held.network, held.subnet_id)
    if subnet is None:
        raise _refuse(
            field_name,
            "an address outside every customer subnet",
            f"{held.network} ({held.owner}) lies in no Sonar subnet holding customer addresses, "
            "and Splynx keeps a static address only inside one of its networks",
        )
    return subnet.id


def _dynamic(held: HeldAddress, lookups: NetworkLookups) -> bool:
    """Sonar assigned it automatically, in a subnet with pools Splynx can draw it from."""
    if not held.soft:
        return False
    home = lookups.home(held.network, held.subnet_id)
    return home is not None and home.id in lookups.pooled


def addresses_of(access: ServiceAccess, lookups: NetworkLookups, notes: Notes) -> Chosen:
    """Pick the service's addresses (noting those left out); refuse one outside every subnet."""
    ordered = sorted(access.addresses, key=lambda held: (held.order == 0, held.order))
    v4 = [held for held in ordered if held.network.version == 4]
    dynamic = [held for held in v4 if _dynamic(held, lookups)]
    static = [held for held in v4 if held not in dynamic]
    hosts = [held for held in static if held.network.num_addresses == 1]
    blocks = [held for held in static if held.network.num_addresses > 1]
    chosen = ([hosts[0]] if hosts else []) + blocks
    for held in hosts[1:]:
        notes.add("ipv4", f"{held.network} ({held.owner}) not migrated: a service holds one IPv4")
    ipv4_subnet = _home(chosen[0], lookups, "ipv4") if chosen else None
    pool = None
    if dynamic and chosen:
        notes.add("ipv4", f"dynamic {dynamic[0].network} left to its pool: the service is static")
    elif dynamic:
        pool, ipv4_subnet = dynamic[0], _home(dynamic[0], lookups, "ipv4")
    ipv6, delegated, ipv6_subnet = _v6(ordered, lookups, notes)
    return Chosen(tuple(chosen), pool, ipv6, delegated, ipv4_subnet, ipv6_subnet)


def _v6(
    ordered: Sequence[HeldAddress], lookups: NetworkLookups, notes: Notes
) -> tuple[HeldAddress | None, HeldAddress | None, int | None]:
    v6 = [held for held in ordered if held.network.version == 6]
    wan = [held for held in v6 if held.network.prefixlen >= 64]
    delegated = [held for held in v6 if held.network.prefixlen < 64]
    for held in wan[1:] + delegated[1:]:
        notes.add("ipv6", f"{held.network} ({held.owner}) not migrated: one of each per service")
    first_wan = wan[0] if wan else None
    first_delegated = delegated[0] if delegated else None
    subnet = None
    for candidate in (first_delegated, first_wan):
        if candidate is not None:
            subnet = _home(candidate, lookups, "ipv6")
    return first_wan, first_delegated, subnet


def access_parents(chosen: Chosen) -> list[ParentRef]:
    """The Splynx networks a service's addresses need first."""
    refs = []
    if chosen.ipv4_subnet is not None:
        refs.append(ParentRef("ipv4_networks", chosen.ipv4_subnet, IPV4_PARENT))
    if chosen.ipv6_subnet is not None:
        refs.append(ParentRef("ipv6_networks", chosen.ipv6_subnet, IPV6_PARENT))
    return refs


def service_login(
    access: ServiceAccess, service_id: int, lookups: NetworkLookups, rules: ServiceRules
) -> str:
    """The login (its RADIUS username, or generated); refused when Splynx could not take it."""
    radius = access.radius
    if radius is None:
        return f"{rules.login_prefix}{service_id}"
    holders = lookups.shared_logins.get(radius.username, ())
    if len(holders) > 1:
        accounts = " and ".join(str(a) for a in sorted(holders))
        raise _refuse(
            "login",
            "a RADIUS username several accounts share",
            f"RADIUS username {radius.username!r} is held by Sonar accounts {accounts}; "
            "a Splynx service login is unique, so neither is renamed: rename one in Sonar",
        )
    login = radius.username if rules.login == "radius" else f"{rules.login_prefix}{radius.username}"
    limit = LIMITS.get("login")
    if limit is not None and len(login) > limit:
        raise _refuse(
            "login", "a login too long for Splynx", f"{login!r} is over {limit} characters"
        )
    if not LOGIN.fullmatch(login):
        raise _refuse(
            "login",
            "a login with characters Splynx does not take",
            f"RADIUS username {radius.username!r} (RADIUS account {radius.id}) has characters a "
            "Splynx login does not take (ASCII letters, digits and . _ - @ : +); renaming it "
            "would lock the subscriber out, so rename it in Sonar and the router together",
        )
    return login


def _password(secret: str) -> str:
    """The RADIUS password, if Splynx can keep it; a refusal never quotes it."""
    limit = LIMITS.get("password")
    if limit is not None and len(secret) > limit:
        raise _refuse(
            "password",
            "a password too long for Splynx",
            f"the RADIUS password is over {limit} characters (its value is not shown)",
        )
    return secret


def _macs(macs: Sequence[str], drop: bool, notes: Notes) -> str | None:
    kept: list[str] = []
    for mac in macs:
        if not _MAC.fullmatch(mac.strip()):
            if not drop:
                raise _refuse("mac", "an invalid MAC address", f"{mac!r} is not a MAC address")
            notes.add("mac", f"{mac!r} is not a MAC address; left out")
            continue
        digits = re.sub(r"[^0-9A-Fa-f]", "", mac).upper()
        normal = ":".join(digits[i : i + 2] for i in range(0, 12, 2))
        if normal not in kept:
            kept.append(normal)
    return ",".join(kept) or None


def _ipv4_fields(chosen: Chosen, resolved: Resolved) -> tuple[dict[str, Any], str | None]:
    if chosen.ipv4:
        first = chosen.ipv4[0].network
        address = (
            str(first.network_address)
            if first.num_addresses == 1
            else str(next(iter(first.hosts()), first.network_address))
        )
        fields: dict[str, Any] = {"taking_ipv4": 1, "ipv4": address}
        routes = [str(held.network) for held in chosen.ipv4 if held.network.num_addresses > 1]
        if routes:
            fields["ipv4_route"] = ",".join(routes)
        return fields, address
    if chosen.pool is not None:
        return {"taking_ipv4": 2, "ipv4_pool_id": resolved.parents[IPV4_PARENT]}, None
    return {"taking_ipv4": 0}, None


def access_fields(
    access: ServiceAccess,
    service_id: int,
    chosen: Chosen,
    resolved: Resolved,
    *,
    lookups: NetworkLookups,
    rules: ServiceRules,
    drop_invalid: bool,
    notes: Notes,
) -> AccessFields:
    """The service's login, password, MACs and addresses (``chosen`` by ``addresses_of``)."""
    for field_name, message in access.notes:
        notes.add(field_name, message)
    fields: dict[str, Any] = {"login": service_login(access, service_id, lookups, rules)}
    if access.radius is not None:
        secret = access.radius.password
        if secret is not None and secret.get_secret_value():
            fields["password"] = _password(secret.get_secret_value())
        else:
            notes.add("password", "none in Sonar: Splynx uses the customer's password")
    mac = _macs(access.macs, drop_invalid, notes)
    if mac is not None:
        fields["mac"] = mac
    ipv4, static = _ipv4_fields(chosen, resolved)
    fields.update(ipv4)
    if chosen.ipv6 is not None:
        fields.update(taking_ipv6=1, ipv6=str(chosen.ipv6.network))
    if chosen.delegated is not None:
        fields["ipv6_delegated"] = str(chosen.delegated.network)
    return AccessFields(fields, static)
