"""What IPv4 / IPv6 networks and their IP rows do beyond the generic rules.

Networks (``admin/networking/ipv4``, ``ipv6``; blueprint L6032-L6230):

- ``network`` must be a valid address of the family and the first address of
  its block (``10.0.0.5`` with mask 24 is refused, naming ``10.0.0.0/24``);
  ``mask`` 0-32, ``prefix`` 0-128. ASSUMPTION (inference: the reference has no
  network-address rule, but Splynx's IPAM computes a network's IPs from it).
- ASSUMPTION: two networks may overlap only when one is a root network holding
  the other ("root networks are parents only", docs); any other overlap, an
  identical network included, is refused naming the network it overlaps.
- ASSUMPTION: an IPv4 end network is at most a /16 (65,534 IPs): every IP of an
  end network is a row of ``ipv4_networks_ip``, and a larger block belongs in a
  root network split into end networks, as Splynx's own split tools suggest.
- Creating an IPv4 end network creates one IP row per host address (without
  the network and broadcast addresses unless ``allow_use_network_and_broadcast``,
  and every address of a /31 or /32). ASSUMPTION: ``needCreateIps`` (listed by the
  live OPTIONS, never documented) set to a false value (0, "0", false) skips that;
  absent, the rows are created. Root networks and IPv6 networks hold no rows: an
  IPv6 row is a prefix taken by ``POST ipv6-ip/{network}`` (blueprint L6174).
- ASSUMPTION: ``network``, the size, ``network_type`` and
  ``allow_use_network_and_broadcast`` cannot change after creation (a 422 naming
  the field): Splynx changes a network's block by splitting or merging it, which
  the simulator does not model, so ``split_to``, ``confirm_merge`` and
  ``save_to_parent`` are accepted only blank.
- Deleting a network (soft, ``deleted = '1'``) deletes its IP rows. ASSUMPTION:
  not refused while services use its addresses (nothing documents a refusal).
- Answers add, from the live OPTIONS, ``parent`` and ``rootnet`` (ASSUMPTION: the
  ids, as text, of the closest and the outermost root network holding it, "0"
  for none) and ``used`` (ASSUMPTION: how many of its IPs are marked used); IPv6
  answers add ``range_from`` / ``range_to``, the block's first and last address.

IP rows (``ipv4-ip``, ``ipv6-ip``): an IP marked used (``is_used`` 1) is locked
to its owner (docs: "an assigned IP is locked; assigning a used IP is refused"):
giving it to another customer is a 422 naming ``customer_id``; marking it unused
frees it (and clears ``customer_id`` unless one is sent).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from migrator.sim.splynx.additional import is_blank
from migrator.sim.splynx.errors import FieldProblem, ValidationFailed
from migrator.sim.splynx.ipam import (
    SIZE_COLUMN,
    Family,
    IpNetwork,
    Network,
    live_networks,
    parse_address,
    within,
)
from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.resources import Behaviour, Context, Payload
from migrator.sim.splynx.store import Row

__all__ = ["NETWORK_FORM", "NetworkBehaviour", "create_ip_rows"]

_FORM_KEYS = frozenset({"split_to", "confirm_merge", "save_to_parent"})
# Attributes the live OPTIONS lists that steer the form rather than being kept, by family.
NETWORK_FORM = {"ipv4": _FORM_KEYS | {"needCreateIps"}, "ipv6": _FORM_KEYS}
_FIXED = ("network", "network_type")
_LARGEST_END_NETWORK = 16
_FALSE = (0, "0", False, "false")


class NetworkBehaviour(Behaviour):
    """An IPv4 or IPv6 network of IPAM."""

    def __init__(self, family: Family) -> None:
        self.family: Family = family
        self.size = SIZE_COLUMN[family]
        self.ip_table = f"{family}_networks_ip"
        self.owner = f"{family}_networks_id"
        self.input_keys = NETWORK_FORM[family]
        ranges = ("range_from", "range_to") if family == "ipv6" else ()
        self.output_keys = ("parent", "rootnet", "used", *ranges)
        fixed = (*_FIXED, self.size)
        self.fixed = (*fixed, "allow_use_network_and_broadcast") if family == "ipv4" else fixed

    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        problems = [
            FieldProblem(key, "{label}: splitting and merging networks is not simulated.")
            for key in sorted(_FORM_KEYS)
            if not is_blank(payload.extra.get(key))
        ]
        if current is not None:
            problems += [
                FieldProblem(name, "{label} cannot be changed.")
                for name in self.fixed
                if name in payload.values and str(payload.values[name]) != str(current[name])
            ]
        record = {**(current or {}), **payload.values}
        block, found = self._block(record)
        problems += found
        if block is not None and not problems:
            await ctx.session.claim(f"{self.family}_networks:layout")
            problems += await self._overlaps(ctx, block, record, current)
        if problems:
            raise ValidationFailed(problems)

    def _block(self, record: Row) -> tuple[IpNetwork | None, list[FieldProblem]]:
        """The block ``network``/size name, or the problems with them (blank: not ours)."""
        text, size = record.get("network"), record.get(self.size)
        if is_blank(text) or size is None:
            return None, []
        bits = 32 if self.family == "ipv4" else 128
        if not 0 <= int(size) <= bits:
            return None, [FieldProblem(self.size, f"{{label}} must be no greater than {bits}.")]
        address = parse_address(text, self.family)
        if address is None:
            name = "IPv4" if self.family == "ipv4" else "IPv6"
            return None, [FieldProblem("network", f"{{label}} must be a valid {name} address.")]
        block = ipaddress.ip_network(f"{address}/{size}", strict=False)
        if block.network_address != address:
            message = f"{{label}} {address} is not the first address of a /{size} ({block} is)."
            return None, [FieldProblem("network", message)]
        end = record.get("network_type", "endnet") == "endnet"
        if self.family == "ipv4" and end and block.prefixlen < _LARGEST_END_NETWORK:
            message = "An end network may be at most a /16; make a larger one a root network."
            return None, [FieldProblem(self.size, message)]
        return block, []

    async def _overlaps(
        self, ctx: Context, block: IpNetwork, record: Row, current: Row | None
    ) -> list[FieldProblem]:
        root = record.get("network_type") == "rootnet"
        others = await live_networks(ctx.session, self.family)
        for other in others:
            if current is not None and other.id == current["id"]:
                continue
            if not block.overlaps(other.block):
                continue
            holds_us = other.is_root and within(block, other.block) and block != other.block
            held = root and within(other.block, block) and block != other.block
            if not (holds_us or held):
                message = f"{{label}} {block} overlaps network {other.describe()}."
                return [FieldProblem("network", message)]
        return []

    async def created(self, ctx: Context, key: int, payload: Payload) -> None:
        values = payload.values
        wanted = payload.extra.get("needCreateIps") not in _FALSE
        if self.family != "ipv4" or values.get("network_type") == "rootnet" or not wanted:
            return
        await create_ip_rows(ctx, key, values)

    async def deleting(self, ctx: Context, row: Row) -> None:
        await ctx.session.delete_where(self.ip_table, self.owner, row["id"])

    async def decorate(self, ctx: Context, rows: list[Row], records: list[dict[str, Any]]) -> None:
        roots = await live_networks(ctx.session, self.family, _ROOT)
        for row, record in zip(rows, records, strict=True):
            mine = Network.of(row, self.family)
            holders = [] if mine is None else _holders(mine, roots)
            record["parent"] = str(holders[-1].id) if holders else "0"
            record["rootnet"] = str(holders[0].id) if holders else "0"
            used = Query((Condition(self.owner, "=", (str(row["id"]),)), _USED))
            record["used"] = str(await ctx.session.count(self.ip_table, used))
            if self.family == "ipv6" and mine is not None:
                record["range_from"] = str(mine.block.network_address)
                record["range_to"] = str(mine.block.broadcast_address)


_USED = Condition("is_used", "=", ("1",))
_ROOT = Condition("network_type", "=", ("rootnet",))


def _holders(network: Network, roots: list[Network]) -> list[Network]:
    """The root networks holding ``network``, outermost first."""
    holding = [
        root for root in roots if root.id != network.id and within(network.block, root.block)
    ]
    return sorted(holding, key=lambda root: root.block.prefixlen)


async def create_ip_rows(ctx: Context, key: int, values: Row) -> None:
    """One ``ipv4_networks_ip`` row per usable address of a new IPv4 end network."""
    block = ipaddress.ip_network(f"{values['network']}/{values['mask']}")
    every = block.prefixlen >= 31 or str(values.get("allow_use_network_and_broadcast")) == "1"
    first, last = int(block.network_address), int(block.broadcast_address)
    if not every:
        first, last = first + 1, last - 1
    location = values.get("location_id") or 0
    rows = [
        {"ipv4_networks_id": key, "ip": str(ipaddress.IPv4Address(n)), "location_id": location}
        for n in range(first, last + 1)
    ]
    await ctx.session.insert_many("ipv4_networks_ip", rows)
