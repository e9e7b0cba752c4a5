"""Tables behind IP address management (IPAM): IPv4 / IPv6 networks and their addresses.

None was dumped (reference §13 names ``ipv4_networks``, ``ipv4_networks_ip``,
``ip_network_categories`` and ``ip_host_categories``; ``ipv6_networks`` and
``ipv6_networks_ip`` are our names after them, the IPv6 endpoints mirroring the
IPv4 ones). ASSUMPTION (inferred, like ``tables_inferred.py``): columns are the
fields of the blueprint's ``IPv4 network Base`` / ``IPv4 IP Base`` / ``IPv6
network Base`` / ``IPv6 IP Base`` (L6732-L6796) and of the live OPTIONS answers
(``allow_use_network_and_broadcast``); types follow the dumped siblings (ids
``int unsigned``, soft delete ``deleted enum('0','1')``). Fields the blueprint
calls numbers (``is_used``, ``status``, ``last_check``) are integer columns, so
they are answered as JSON numbers as the blueprint shows them. Addresses are
kept as text (``10.0.0.1``), the form the blueprint answers.
"""

from __future__ import annotations

from collections.abc import Iterator

from migrator.sim.splynx.columns import Column
from migrator.sim.splynx.table_layout import Table

__all__ = ["networking_tables"]

FLAG = "enum('0','1')"
ID = "int unsigned"
SMALL = "tinyint unsigned"


def C(name: str, sql_type: str, default: str | None = None) -> Column:
    return Column(name, sql_type, False, default)


def _key() -> Column:
    return Column("id", ID, False, None, True)


def _network(family: str, size: str, usages: str, usage_default: str) -> Table:
    """``ipv4_networks`` / ``ipv6_networks``: ``size`` is ``mask`` or ``prefix``."""
    width = "varchar(15)" if family == "ipv4" else "varchar(39)"
    columns = [
        _key(),
        C("network", width),
        C(size, SMALL, "0"),
        C("title", "varchar(64)"),
        C("comment", "text"),
        C("location_id", ID, "0"),
        C("network_category", ID, "0"),
        C("network_type", "enum('rootnet','endnet')", "endnet"),
        C("type_of_usage", usages, usage_default),
    ]
    if family == "ipv4":
        columns.append(C("allow_use_network_and_broadcast", FLAG, "0"))
    columns.append(C("deleted", FLAG, "0"))
    return Table(f"{family}_networks", tuple(columns), indexes=(("network",),))


def _addresses(family: str) -> Table:
    """``ipv4_networks_ip`` / ``ipv6_networks_ip``: one row per address (IPv4) or per
    prefix in use (IPv6)."""
    width = "varchar(15)" if family == "ipv4" else "varchar(39)"
    owner = f"{family}_networks_id"
    columns = [_key(), C(owner, ID), C("ip", width)]
    if family == "ipv6":
        columns += [C("ip_end", width, ""), C("prefix", SMALL, "64")]
    if family == "ipv4":
        columns.append(C("hostname", "varchar(64)", ""))
    columns += [
        C("location_id", ID, "0"),
        C("title", "varchar(128)", ""),
        C("comment", "text"),
        C("host_category", ID, "0"),
        C("is_used", SMALL, "0"),
    ]
    if family == "ipv4":
        columns += [C("status", SMALL, "9"), C("last_check", ID, "0")]
    columns.append(C("customer_id", ID, "0"))
    if family == "ipv6":
        columns.append(C("service_id", ID, "0"))
    columns += [C("card_id", ID, "0"), C("module", "varchar(64)", ""), C("module_item_id", ID, "0")]
    return Table(f"{family}_networks_ip", tuple(columns), indexes=((owner,), ("ip",)))


def networking_tables() -> Iterator[Table]:
    yield _network("ipv4", "mask", "enum('pool','static','management')", "management")
    yield _addresses("ipv4")
    yield _network("ipv6", "prefix", "enum('static','management')", "static")
    yield _addresses("ipv6")
    for name in ("ip_network_categories", "ip_host_categories"):
        yield Table(name, (_key(), C("title", "varchar(64)")))
