"""What the IP rows of a network do: ``admin/networking/ipv4-ip`` and ``ipv6-ip``.

Blueprint L6072-L6230: a network's IPs are listed (``GET ipv4-ip/{network}``),
searched (``GET ipv4-ip?main_attributes[ipv4_networks_id]=1``), read and
changed one by one (``GET|PUT ipv4-ip/{network}--{ip}``). IPv4 rows exist
because their network does (``behaviours_networks``): there is no POST or DELETE.
IPv6 rows are prefixes put to use: ``POST ipv6-ip/{network}`` (L6174, answered
202) takes ``ip`` and ``prefix``; ASSUMPTION: the prefix must lie inside the
network, start on its own boundary, be no shorter than the network's and not
overlap a prefix already taken there; ``ip_end`` is computed.

An IP marked used (``is_used`` 1) is locked to its owner (docs: "an assigned IP
is locked; assigning a used IP is refused"): giving it to another customer (or,
when it is used without a customer, to any) is a 422 naming ``customer_id``.
Marking it unused frees it and, unless ``customer_id`` is sent, clears it.
Re-sending the same assignment is accepted, so a resumed migration may repeat it.
"""

from __future__ import annotations

import ipaddress

from migrator.sim.splynx.errors import FieldProblem, ValidationFailed, network_not_found
from migrator.sim.splynx.ipam import Family, Network, address_claim, parse_address, within
from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.resources import Behaviour, Context, Payload
from migrator.sim.splynx.store import Row

__all__ = ["IpRowBehaviour"]


class IpRowBehaviour(Behaviour):
    def __init__(self, family: Family) -> None:
        self.family: Family = family
        self.owner = f"{family}_networks_id"

    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        values = payload.values
        if current is None:
            await self._new_prefix(ctx, values)
        else:
            address = parse_address(current["ip"], self.family)
            if address is not None:
                await ctx.session.claim(address_claim(address))
            problems = [
                FieldProblem(name, "{label} cannot be changed.")
                for name in ("ip", "prefix")
                if name in values and str(values[name]) != str(current[name])
            ]
            problem = _lock(current, values)
            if problems or problem is not None:
                raise ValidationFailed([*problems, *([problem] if problem else [])])
        if str(values.get("is_used", "")) == "0" and "customer_id" not in values:
            values["customer_id"] = 0

    async def _new_prefix(self, ctx: Context, values: Row) -> None:
        """A prefix taken in an IPv6 network (``POST ipv6-ip/{network}``)."""
        network = await _network(ctx, self.family)
        values[self.owner] = network.id
        if "ip" not in values:
            return  # "cannot be blank", from the required check
        address = parse_address(values["ip"], self.family)
        length = int(values.get("prefix", 64))
        if address is None:
            raise ValidationFailed([FieldProblem("ip", "{label} must be a valid IPv6 address.")])
        if not network.block.prefixlen <= length <= 128:
            message = f"{{label}} must be from {network.block.prefixlen} to 128."
            raise ValidationFailed([FieldProblem("prefix", message)])
        block = ipaddress.ip_network(f"{address}/{length}", strict=False)
        if block.network_address != address or not within(block, network.block):
            message = f"{{label}} {address}/{length} is not a prefix of network {network.block}."
            raise ValidationFailed([FieldProblem("ip", message)])
        await ctx.session.claim(f"{self.family}_networks_ip:{network.id}")
        taken = await ctx.session.select(
            f"{self.family}_networks_ip", Query((Condition(self.owner, "=", (str(network.id),)),))
        )
        for row in taken:
            other = ipaddress.ip_network(f"{row['ip']}/{row['prefix']}", strict=False)
            if block.overlaps(other):
                message = f"{{label}} {block} overlaps {other}, already taken (IP id {row['id']})."
                raise ValidationFailed([FieldProblem("ip", message)])
        values["ip"], values["prefix"] = str(address), length
        values["ip_end"] = str(block.broadcast_address)


def _lock(current: Row, values: Row) -> FieldProblem | None:
    """The refusal to give a used IP to someone else, or None."""
    used = int(values.get("is_used", current["is_used"]) or 0) == 1
    owner = int(values.get("customer_id", current["customer_id"]) or 0)
    if int(current["is_used"]) != 1 or not used or owner == int(current["customer_id"]):
        return None
    holder = current["customer_id"]
    whom = f"customer {holder}" if holder else "another use"
    return FieldProblem("customer_id", f"IP {current['ip']} is already used by {whom}.")


async def _network(ctx: Context, family: Family) -> Network:
    """The live network named in the URL (``ipv6-ip/{network}``), or the live 400."""
    row = await ctx.session.fetch(f"{family}_networks", ctx.parent_id)
    network = None if row is None or row["deleted"] == "1" else Network.of(row, family)
    if network is None:
        raise network_not_found(ctx.parent_id)
    return network
