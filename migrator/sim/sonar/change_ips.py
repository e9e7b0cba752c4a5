"""Fresh addresses for a new account's IP assignments: a free block like another's.

A new account copies an existing one's shape, and an IP assignment of it gets
the lowest free block of the same size in the same subnet (inside the same
pool for a dynamic one), so no address is handed out twice and every
address lies in its subnet, as the generator's plan keeps them. An
assignment whose address lies outside its own subnet (the generator's
deliberate mess), or a full subnet, gives none.

The free-space figures follow: the pool's ``ips_available`` counts one less,
the subnet's ``largest_cidr_available`` is worked out again. ASSUMPTION: Sonar
computes those from the assignments ("the number of IP addresses available"),
so they change without the subnet or pool being modified: no ``updated_at`` or
``_version`` bump, and they are not in a batch's summary.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from migrator.sim.sonar.change_batch import Batch, Record
from migrator.sim.sonar.generate.network import largest_free_prefix

__all__ = ["fresh_block"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Span = tuple[int, int]  # first and last address of a block, as ints


def _span(network: Network) -> Span:
    return int(network.network_address), int(network.broadcast_address)


def _used(batch: Batch, subnet_id: int, network: Network) -> list[Span]:
    """The blocks of the subnet held by assignments (kept for the batch, and grown by it)."""

    def read() -> list[Span]:
        table = batch.table("ip_assignments")
        spans = []
        for row in table.index("subnet_id").lookup(subnet_id):
            block = ipaddress.ip_network(table.record(row)["subnet"], strict=False)
            if block.version == network.version and block.subnet_of(network):  # type: ignore[arg-type]
                spans.append(_span(block))
        return spans

    used: list[Span] = batch.memo(f"ip-used:{subnet_id}", read)
    return used


def _lowest_free(used: list[Span], size: int, first: int, last: int) -> int | None:
    """The lowest ``size``-aligned block start in ``[first, last]`` overlapping no span."""
    start = -(-first // size) * size
    for low, high in sorted(used):
        if start + size - 1 < low:
            break
        if high >= start:
            start = -(-(high + 1) // size) * size
    return start if start + size - 1 <= last else None


def _bounds(batch: Batch, ip: Record, network: Network, prefix: int) -> tuple[int, int] | None:
    """Where the block may go: the pool's range for a dynamic address, else the subnet
    less its network and gateway addresses (IPv4 singles) and broadcast (IPv4)."""
    if ip["soft"]:
        pool = batch.dataset.get("ip_pools", int(ip["ip_pool_id"] or 0))
        if pool is None or not pool["ip_range"]:
            return None
        first, last = (int(ipaddress.ip_address(a)) for a in pool["ip_range"].split("-"))
        return first, last
    low, high = _span(network)
    if network.version == 4:
        return low + (2 if prefix == 32 else 0), high - 1
    return low, high


def _recount(batch: Batch, ip: Record, network: Network, used: list[Span]) -> None:
    subnet = batch.dataset.get("subnets", int(ip["subnet_id"]))
    assert subnet is not None
    old, now = subnet["largest_cidr_available"], largest_free_prefix(network, used)
    figure = now if old is None or now is None else max(old, now)  # free space only shrinks
    if figure != old:
        batch.dataset.put("subnets", {**subnet, "largest_cidr_available": figure})
    pool = batch.dataset.get("ip_pools", int(ip["ip_pool_id"])) if ip["soft"] else None
    if pool is not None and pool["ips_available"] is not None:
        batch.dataset.put("ip_pools", {**pool, "ips_available": pool["ips_available"] - 1})


def fresh_block(batch: Batch, ip: Record) -> str | None:
    """A free block like ``ip``'s (same subnet, size and pool) as a CIDR, now taken; ``None``
    when there is none or ``ip`` does not lie in its subnet."""
    subnet = batch.dataset.get("subnets", int(ip["subnet_id"] or 0))
    if subnet is None:
        return None
    network: Any = ipaddress.ip_network(subnet["subnet"], strict=False)
    block = ipaddress.ip_network(ip["subnet"], strict=False)
    if block.version != network.version or not block.subnet_of(network):
        return None
    bounds = _bounds(batch, ip, network, block.prefixlen)
    if bounds is None:
        return None
    used = _used(batch, int(ip["subnet_id"]), network)
    size = block.num_addresses
    start = _lowest_free(used, size, *bounds)
    if start is None:
        return None
    used.append((start, start + size - 1))
    _recount(batch, ip, network, used)
    return f"{type(network.network_address)(start)}/{block.prefixlen}"
