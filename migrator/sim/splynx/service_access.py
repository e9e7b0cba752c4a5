"""How an internet service reaches the network: login, MACs and IP addresses, checked.

The blueprint (``Customer Internet service Base``, L3934-L3955) and Splynx's
documentation (reference ``splynx_docs_facts.md``) settle:

- ``taking_ipv4``: 0 none, 1 a permanent IP "from Static IPs" (``ipv4``), 2 a
  dynamic IP "from IP Pools" (``ipv4_pool_id``, a network id); static IPs come
  from IPAM, so the network must exist first, and an assigned IP is locked.
- the service login is unique among active services; its characters are not
  documented.

What the simulator refuses (each a 422 naming the field; ASSUMPTIONs marked):

- ``ipv4``: not a dotted IPv4 address. With ``taking_ipv4`` 1: blank; in no
  live IPv4 end network; in one whose type of usage is not ``static``
  (ASSUMPTION, from "from Static IPs"); its network or broadcast address where
  the network does not allow them; marked used in IPAM (``ipv4_networks_ip``)
  by another customer, or for another use; held by another active service when
  this one is active (ASSUMPTION: "unique among active services" read as the
  login's rule, so an inactive service may keep an address an active one has).
- ``ipv4_pool_id`` with ``taking_ipv4`` 2: blank, or not a live IPv4 network of
  usage ``pool`` (ASSUMPTION, from "from IP Pools").
- ``ipv4_route`` (ASSUMPTION): not a comma-separated list of IPv4 addresses or
  networks (``a.b.c.d/len``, host bits zero).
- ``ipv6`` / ``ipv6_delegated`` (the blueprint calls them "IPv6 network"): not an
  IPv6 address or network; ``ipv6`` blank with ``taking_ipv6`` 1;
  ``ipv6_pool_id`` with ``taking_ipv6`` 2 blank or not a live IPv6 network.
  ASSUMPTION: an IPv6 address need not be inside a Splynx IPv6 network.
- ``mac`` ("Mac(s,)"): ASSUMPTION, one or more MAC addresses separated by commas
  (spaces around them ignored), each six hex pairs joined by ``:`` or by ``-``,
  either case (``AA:BB:CC:DD:EE:FF``, ``aa-bb-cc-dd-ee-ff``).
- ``login``: ASSUMPTION, printable ASCII (no spaces, quotes or backslashes): a
  RADIUS/PPPoE user name a NAS can carry; non-ASCII is refused. Its length is
  the column's (128). Uniqueness is the generic check among live (not deleted)
  services, ASSUMPTION: stricter than "among active services", because a
  stopped service is started again under the same login.
- ``router_id`` must name a live router (``routers``, empty on a fresh Splynx).

The simulator does not mark the IPAM row used when a service takes an IP
(ASSUMPTION: the blueprint documents assignment through ``ipv4-ip`` only); the
password is stored and answered as sent, and never appears in a message.
"""

from __future__ import annotations

import re
from typing import Any

from migrator.sim.splynx.additional import is_blank
from migrator.sim.splynx.errors import FieldProblem
from migrator.sim.splynx.ipam import (
    IpAddress,
    address_claim,
    containing,
    live_networks,
    parse_address,
    parse_network,
)
from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.resources import Context
from migrator.sim.splynx.store import Row

__all__ = ["access_problems"]

_MAC = re.compile(r"^[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}$")
_LOGIN = re.compile(r"^[!#-&(-\[\]-_a-~]+$")  # 0x21-0x7E less " ' \ `
_BLANK = "{label} cannot be blank."


def _format_problems(record: Row) -> list[FieldProblem]:
    """What is wrong with the fields on their own (no look-ups)."""
    problems = []
    login = record.get("login")
    if isinstance(login, str) and login and not _LOGIN.match(login):
        message = "{label} may contain only printable ASCII without spaces, quotes or backslashes."
        problems.append(FieldProblem("login", message))
    mac = record.get("mac")
    if not is_blank(mac) and not all(_MAC.match(part.strip()) for part in str(mac).split(",")):
        problems.append(FieldProblem("mac", "{label} must be MAC addresses separated by commas."))
    if not is_blank(record.get("ipv4")) and parse_address(record["ipv4"], "ipv4") is None:
        problems.append(FieldProblem("ipv4", "{label} must be a valid IPv4 address."))
    route = record.get("ipv4_route")
    if not is_blank(route) and not all(_ipv4_or_network(p) for p in str(route).split(",")):
        message = "{label} must be IPv4 addresses or networks separated by commas."
        problems.append(FieldProblem("ipv4_route", message))
    for name in ("ipv6", "ipv6_delegated"):
        value = record.get(name)
        if not is_blank(value) and not _ipv6_or_network(value):
            problems.append(FieldProblem(name, "{label} must be an IPv6 address or network."))
    return problems


def _ipv4_or_network(text: str) -> bool:
    part = text.strip()
    return parse_address(part, "ipv4") is not None or parse_network(part, "ipv4") is not None


def _ipv6_or_network(value: Any) -> bool:
    return parse_address(value, "ipv6") is not None or parse_network(value, "ipv6") is not None


async def access_problems(ctx: Context, record: Row, current: Row | None) -> list[FieldProblem]:
    """Every refusal of the service's network access, ``record`` being the row as it
    would be saved (the current row with the request's changes)."""
    problems = _format_problems(record)
    refused = {p.field for p in problems}
    if int(record.get("taking_ipv4") or 0) == 1 and "ipv4" not in refused:
        problems += await _static_ipv4(ctx, record, current)
    if int(record.get("taking_ipv4") or 0) == 2:
        problems += await _pool(ctx, record, "ipv4", "pool")
    if int(record.get("taking_ipv6") or 0) == 1 and is_blank(record.get("ipv6")):
        problems.append(FieldProblem("ipv6", _BLANK))
    if int(record.get("taking_ipv6") or 0) == 2:
        problems += await _pool(ctx, record, "ipv6", None)
    return problems


async def _pool(ctx: Context, record: Row, family: str, usage: str | None) -> list[FieldProblem]:
    name = f"{family}_pool_id"
    pool = record.get(name)
    if is_blank(pool) or int(pool or 0) == 0:
        return [FieldProblem(name, _BLANK)]
    conditions = [Condition("id", "=", (str(pool),))]
    if usage is not None:
        conditions += [
            Condition("network_type", "=", ("endnet",)),
            Condition("type_of_usage", "=", (usage,)),
        ]
    found = await live_networks(ctx.session, family, *conditions)  # type: ignore[arg-type]
    return [] if found else [FieldProblem(name, "{label} is invalid.")]


async def _static_ipv4(ctx: Context, record: Row, current: Row | None) -> list[FieldProblem]:
    address = parse_address(record.get("ipv4"), "ipv4")
    if address is None:
        return [FieldProblem("ipv4", _BLANK)]
    await ctx.session.claim(address_claim(address))
    problem = await _in_static_network(ctx, address, int(record["customer_id"]))
    if problem is None and record.get("status") == "active":
        problem = await _held_by_active(ctx, address, current)
    return [] if problem is None else [FieldProblem("ipv4", problem)]


async def _in_static_network(ctx: Context, address: IpAddress, customer: int) -> str | None:
    """Why ``address`` cannot be this customer's static IP, or None."""
    ends = [n for n in await containing(ctx.session, address) if not n.is_root]
    if not ends:
        return f"{{label}} {address} is not inside any IPv4 end network."
    network = ends[0]
    if network.row["type_of_usage"] != "static":
        usage = network.row["type_of_usage"]
        return f"{{label}} {address} is in network {network.describe()}, of usage {usage}."
    edges = (network.block.network_address, network.block.broadcast_address)
    allowed = network.row["allow_use_network_and_broadcast"] == "1"
    if address in edges and network.block.prefixlen < 31 and not allowed:
        return f"{{label}} {address} is the network or broadcast address of {network.block}."
    owner = Condition("ipv4_networks_id", "=", (str(network.id),))
    rows = await ctx.session.select(
        "ipv4_networks_ip", Query((owner, Condition("ip", "=", (str(address),))), limit=1)
    )
    if rows and int(rows[0]["is_used"]) == 1 and int(rows[0]["customer_id"]) != customer:
        holder = rows[0]["customer_id"]
        whom = f"customer {holder}" if holder else "another use"
        return f"{{label}} {address} is already used by {whom} (IPAM)."
    return None


async def _held_by_active(ctx: Context, address: IpAddress, current: Row | None) -> str | None:
    conditions = [
        Condition("ipv4", "=", (str(address),)),
        Condition("status", "=", ("active",)),
        Condition("deleted", "=", ("0",)),
    ]
    if current is not None:
        conditions.append(Condition("id", "!=", (str(current["id"]),)))
    rows = await ctx.session.select("services_internet", Query(tuple(conditions), limit=1))
    if rows:
        return f"{{label}} {address} is already used by internet service {rows[0]['id']}."
    return None
