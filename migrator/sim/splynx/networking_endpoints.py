"""IP address management endpoints, described as data (continues ``served_endpoints.py``).

- ``admin/networking/ipv4`` and ``ipv6`` (blueprint L6032-L6125, L6126-L6172):
  networks, full CRUD; the live OPTIONS answers are served. Laxer rule
  (``resources.py``): OPTIONS requires only ``network`` and ``title``, the
  blueprint (L6732, L6772) also ``mask``/``prefix``, ``location_id``,
  ``network_category``, ``network_type`` and ``type_of_usage`` (the last two with
  defaults). ASSUMPTION (inference, like a ticket message's text): the size is
  required too, a network without it means nothing. ``POST {}`` was 422 live on
  both (reference §2.3).
- ``admin/networking/ipv4-ip`` (L6072-L6125): a network's IPs; GET and PUT only,
  a POST or DELETE answers 405 as every endpoint here does for a verb it lacks.
- ``admin/networking/ipv6-ip`` (L6174-L6230): the same, plus ``POST
  ipv6-ip/{network}`` (202) to take a prefix.

Rules and their assumptions are in ``behaviours_networks`` and
``behaviours_ip_rows``. ASSUMPTION: a fresh Splynx has one network category and
one IP host category, id 1 "Default" (``seed.py``): the blueprint points at
pages listing them but no source records their rows.
"""

from __future__ import annotations

from migrator.sim.splynx.behaviours_ip_rows import IpRowBehaviour
from migrator.sim.splynx.behaviours_networks import NetworkBehaviour
from migrator.sim.splynx.ipam import Family
from migrator.sim.splynx.resources import Reference, Resource, Shape

__all__ = ["SERVICE_TITLES", "networking_resources"]

# Labels in an internet service's messages (no live OPTIONS titles were recorded for
# services; these follow the blueprint's descriptions, L3934-L3955).
SERVICE_TITLES = {
    "ipv4": "IPv4",
    "ipv4_route": "IPv4 route",
    "ipv4_pool_id": "IPv4 pool",
    "taking_ipv4": "Taking IPv4",
    "ipv6": "IPv6",
    "ipv6_delegated": "IPv6 delegated",
    "ipv6_pool_id": "IPv6 pool",
    "taking_ipv6": "Taking IPv6",
    "mac": "MAC(s)",
    "router_id": "Router",
}
_IP_TITLES = {
    "ipv4_networks_id": "IPv4 network",
    "ipv6_networks_id": "IPv6 network",
    "ip": "IP",
    "is_used": "Is used",
    "customer_id": "Customer",
    "host_category": "Host category",
}


def _network(family: Family) -> Resource:
    size = "mask" if family == "ipv4" else "prefix"
    usages = ("pool", "static", "management") if family == "ipv4" else ("static", "management")
    return Resource(
        f"admin/networking/{family}",
        f"{family}_networks",
        f"{'IPv4' if family == 'ipv4' else 'IPv6'} network",
        options_key=f"admin/networking/{family}",
        af_module=f"{family}_networks",
        required=("network", size, "title"),
        choices={"network_type": ("rootnet", "endnet"), "type_of_usage": usages},
        references={
            "location_id": Reference("locations"),
            "network_category": Reference("ip_network_categories"),
        },
        behaviour=NetworkBehaviour(family),
    )


def _addresses(family: Family) -> Resource:
    owner = f"{family}_networks_id"
    ipv6 = family == "ipv6"
    return Resource(
        f"admin/networking/{family}-ip",
        f"{family}_networks_ip",
        "IPv6 IP" if ipv6 else "IPv4 IP",
        shape=Shape.NETWORK_CHILD,
        verbs=frozenset({"GET", "PUT", "POST"} if ipv6 else {"GET", "PUT"}),
        required=("ip",) if ipv6 else (),
        readonly=frozenset({"id", owner, "ip_end"} if ipv6 else {"id", owner, "ip"}),
        titles=_IP_TITLES,
        choices={"is_used": ("0", "1")},
        references={
            "customer_id": Reference("customers"),
            "location_id": Reference("locations"),
            "host_category": Reference("ip_host_categories"),
            **({"service_id": Reference("services_internet")} if ipv6 else {}),
        },
        parent_table=f"{family}_networks",
        parent_column=owner,
        create_status=202,
        behaviour=IpRowBehaviour(family),
    )


def networking_resources() -> list[Resource]:
    return [_network("ipv4"), _addresses("ipv4"), _network("ipv6"), _addresses("ipv6")]
