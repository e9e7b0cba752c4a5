"""What follows an internet service's creation: its static IPv4 marked used in Splynx's IPAM.

Splynx lists every address of a network as a row of ``ipv4-ip`` (no POST: the
rows come with the network) and an address a customer holds is marked used by
that customer with a PUT, so the IPAM screen and the next free-address search
agree with the services. The row is found by network and address, then put; a
PUT is idempotent, so it is simply done again when a service is adopted. A
refusal costs the mark only: it is kept as a reject of ``ipv4_ips`` naming the
address (the service stays migrated).
"""

from __future__ import annotations

from collections.abc import Sequence

from migrator.errors import ConfigError, FieldError, Rejected
from migrator.pipeline.state import StateStore
from migrator.splynx.client import SplynxClient
from migrator.splynx.compare import field_differences
from migrator.splynx.payloads import Ipv4IpAssignment
from migrator.splynx.query import Search
from migrator.transform.services import InternetServicePayload

__all__ = ["StaticIpMarks", "static_ip_marks"]


def _mark(payload: InternetServicePayload, splynx_id: int) -> Ipv4IpAssignment:
    """The row of the service's static address: used, by its customer."""
    service = payload.service
    return Ipv4IpAssignment(
        title=f"{service.login} (service {splynx_id})", customer_id=service.customer_id, is_used=1
    )


class StaticIpMarks:
    """After an internet service exists, mark its static IPv4 used by its customer."""

    def requests(self, payload: InternetServicePayload) -> int:
        return 2 if payload.static_ipv4 and payload.ipv4_network_id else 0

    async def update(
        self,
        client: SplynxClient,
        store: StateStore,
        splynx_id: int,
        payload: InternetServicePayload,
    ) -> tuple[str, ...]:
        """In a delta: mark the address again only if its row does not say so already.
        (An address the service no longer holds stays marked: freeing it is the ISP's.)"""
        address, network = payload.static_ipv4, payload.ipv4_network_id
        if not address or not network:
            return ()
        search = Search(main={"ipv4_networks_id": network, "ip": address}, limit=1)
        rows = await client.list("ipv4_ips", search)
        if rows and not field_differences(_mark(payload, splynx_id).body(), rows[0].fields()):
            return ()
        await self.run(client, store, splynx_id, payload)
        return ("ipv4_ips",)

    async def run(
        self,
        client: SplynxClient,
        store: StateStore,
        splynx_id: int,
        payload: InternetServicePayload,
    ) -> None:
        address, network = payload.static_ipv4, payload.ipv4_network_id
        if not address or not network:
            return
        mark = _mark(payload, splynx_id)
        try:
            await self._mark(client, network, address, mark)
        except Rejected as refused:
            store.rejected(
                "ipv4_ips",
                payload.sonar_id,
                field=refused.field or "ipv4",
                reason=f"service {splynx_id} was created, marking {address} used refused: "
                f"{refused}",
                record=mark.body(),
                answer=refused.raw,
                run_id=store.run_id,
            )

    @staticmethod
    async def _mark(
        client: SplynxClient, network: int, address: str, mark: Ipv4IpAssignment
    ) -> None:
        search = Search(main={"ipv4_networks_id": network, "ip": address}, limit=1)
        rows = await client.list("ipv4_ips", search)
        if not rows:
            message = f"{address} is not an address of Splynx IPv4 network {network}"
            raise Rejected(message, [FieldError("ipv4", message)])
        await client.update("ipv4_ips", rows[0].id, mark, network_id=network)


def static_ip_marks(endpoints: Sequence[str]) -> StaticIpMarks | None:
    """The follow-up of the entity map's ``then`` (``ipv4_ips``), if it names one."""
    unknown = set(endpoints) - {"ipv4_ips"}
    if unknown:
        raise ConfigError(f"internet services have no follow-up for {', '.join(sorted(unknown))}")
    return StaticIpMarks() if endpoints else None
