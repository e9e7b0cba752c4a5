"""Issue 13 end to end: subscribers keep their RADIUS logins, MACs and addresses.

Both simulators over real HTTP (and the Splynx one on MariaDB too), the whole
migration, then every internet service read back through Splynx's API and held
against the Sonar simulator's own tables (``tests/support/access_checks``); the
clashes and the addresses outside every subnet are rejected with their reasons;
a re-run, a lost state file and a killed run create no second network, service
or IP assignment.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from pathlib import Path

import pytest

from migrator.exitcodes import ExitCode
from migrator.pipeline.state import StateStore
from migrator.splynx.client import SplynxClient
from tests.support.access_checks import ANY, sonar_access
from tests.support.migration_checks import everything, rejects_of, run, verify_splynx
from tests.support.pair import running_pair
from tests.support.splynx_db import splynx_storage

pytestmark = pytest.mark.slow

# Scale 400 holds every messy case of the generator (shared usernames, non-ASCII ones,
# addresses outside every subnet, several data services) at least once.
SCALE, SEED = 400, 3


def _state_bytes(state: Path) -> bytes:
    """The state file and its journal, as they lie on disk."""
    return b"".join(f.read_bytes() for f in state.parent.glob(f"{state.name}*"))


def _reasons(state: Path) -> dict[tuple[str, int], tuple[str | None, str]]:
    store = StateStore.open(state)
    try:
        return {(r.entity, r.sonar_id): (r.field, r.reason) for r in store.rejects()}
    finally:
        store.close()


def _expected_rejects(dataset: object) -> tuple[dict[int, str], set[int]]:
    """Data services Sonar's data must get rejected: shared logins (with the other account
    named), and those whose only static address lies outside every subnet."""
    holders: dict[str, set[int]] = defaultdict(set)
    for radius in dataset.records("radius_accounts"):  # type: ignore[attr-defined]
        holders[radius["username"]].add(int(radius["account_id"]))
    shared: dict[int, str] = {}
    for account, access in sonar_access(dataset).items():
        for service_id, radius in zip(access.data_services, access.radius, strict=False):
            others = holders[radius["username"]] - {account}
            if others:
                shared[service_id] = str(min(others))
    nonascii = {
        service_id
        for access in sonar_access(dataset).values()
        for service_id, radius in zip(access.data_services, access.radius, strict=False)
        if not radius["username"].isascii()
    }
    return shared, nonascii


@pytest.mark.parametrize("storage", ["memory", "mariadb"])
async def test_every_subscriber_keeps_its_login_macs_and_addresses(
    tmp_path: Path, storage: str, request: pytest.FixtureRequest
) -> None:
    with splynx_storage(storage, request, prefix="migrator_access") as splynx:
        async with running_pair({"scale": SCALE, "seed": SEED}, splynx) as pair:
            state = tmp_path / "state.sqlite3"
            result, settings, _ = await run(pair, state)
            assert result.exit_code in (ExitCode.OK, ExitCode.REJECTS), result.message
            rejected = rejects_of(state)
            checked = await verify_splynx(pair, settings, rejected)
            assert min(checked.get(k, 0) for k in ("logins", "macs", "static_ips")) > 10, checked
            reasons = _reasons(state)
            shared, nonascii = _expected_rejects(pair.dataset)
            assert shared and nonascii, "the generated data lost its clashes"
            for service_id, other in shared.items():
                field, reason = reasons[("internet_services", service_id)]
                assert field == "login" and other in reason, reason
            for service_id in nonascii:
                assert reasons[("internet_services", service_id)][0] == "login"
            outside = [
                r
                for (e, _), r in reasons.items()
                if e == "internet_services" and r[0] == "ipv4" and "no Sonar subnet" in r[1]
            ]
            assert outside, "no address outside every subnet was rejected"
            # no RADIUS password anywhere in the state file (rejects, notes, records)
            kept = _state_bytes(state)
            secrets = {r["password"] for r in pair.dataset.records("radius_accounts")}
            assert not [p for p in secrets if p and len(p) > 5 and p.encode() in kept]


async def _counts(settings: object) -> tuple[int, int, int]:
    async with SplynxClient.open(settings) as client:  # type: ignore[arg-type]
        networks = await everything(client, "ipv4_networks")
        services = await everything(client, "internet_services", ANY)
        used = 0
        for network in networks:
            rows = await client.list("ipv4_ips", network_id=network.id)
            used += sum(1 for row in rows if int(row["is_used"]) == 1)
        return len(networks), len(services), used


async def test_a_rerun_and_a_lost_state_file_make_no_second_network_service_or_ip(
    tmp_path: Path,
) -> None:
    async with running_pair({"scale": 150, "seed": 5}) as pair:
        first = tmp_path / "first.sqlite3"
        result, settings, _ = await run(pair, first)
        assert result.exit_code in (ExitCode.OK, ExitCode.REJECTS), result.message
        before = await _counts(settings)
        assert min(before) > 0, before
        _, _, events = await run(pair, first)
        assert not [e for e in events if getattr(e, "outcome", None) == "created"]
        lost, _, events = await run(pair, tmp_path / "second.sqlite3")
        assert lost.exit_code in (ExitCode.OK, ExitCode.REJECTS), lost.message
        assert not [e for e in events if getattr(e, "outcome", None) == "created"]
        adopted = {
            e.stream for e in events if getattr(e, "outcome", None) in ("adopted", "existing")
        }
        assert {"ipv4_networks", "internet_services"} <= adopted, adopted
        assert await _counts(settings) == before
        spans = [
            ipaddress.ip_network(f"{n['network']}/{n['mask']}") for n in await _networks(settings)
        ]
        assert len(spans) == len(set(spans))


async def _networks(settings: object) -> list:
    async with SplynxClient.open(settings) as client:  # type: ignore[arg-type]
        return await everything(client, "ipv4_networks")
