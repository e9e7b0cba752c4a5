"""RADIUS accounts, MAC bindings and account IPs, read over real HTTP from the simulator.

The served data is a generated fixture with one account made crowded on purpose: more
RADIUS accounts than a nested page, a RADIUS account and a MAC with more IPs than a
nested page, so the nested reader must follow overflow at the second level too. The
truth is computed from the dataset's flat tables, independently of the client.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from migrator.sim.harness import serve
from migrator.sim.sonar.app import SonarSimConfig, build_app, export_fixture, load_dataset
from migrator.sim.sonar.table import Dataset
from migrator.sonar.account_ips import AccountIp, read_account_ip_assignments
from migrator.sonar.client import SonarClient, sonar_limiter
from migrator.sonar.extract import Extractor, Page
from migrator.sonar.fixture import dump_record, fixture_path
from migrator.sonar.models import AccountWithRelations
from migrator.sonar.queries import SERVICE_RELATIONS
from migrator.sonar.readers import NestedAccounts
from tests.support.ground_truth import account_ip_assignments, nested_accounts

TOKEN = "access-token"
CROWDED = 3  # RADIUS accounts of the crowded account; IPs of its first one and first MAC


def _lines(directory: Path, query: str) -> list[dict[str, Any]]:
    text = fixture_path(directory, query).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def _append(directory: Path, query: str, records: list[dict[str, Any]]) -> None:
    with fixture_path(directory, query).open("a", encoding="utf-8") as out:
        out.writelines(dump_record(record) + "\n" for record in records)


def _crowd(directory: Path) -> None:
    """Give the first account holding a RADIUS login three more, three IPs on one of them,
    and a MAC with two IPs."""
    radius, macs = (
        _lines(directory, "radius_accounts"),
        _lines(directory, "uninventoried_mac_addresses"),
    )
    ips = _lines(directory, "ip_assignments")
    account = radius[0]["account_id"]
    new_radius = [
        {**radius[0], "id": str(int(radius[-1]["id"]) + n), "username": f"crowded{n}"}
        for n in range(1, CROWDED + 1)
    ]
    mac = {**macs[0], "id": str(int(macs[-1]["id"]) + 1), "account_id": account,
           "mac_address": "02:00:00:00:00:01"}  # fmt: skip
    owners = [("RadiusAccount", new_radius[0]["id"])] * CROWDED + [("UninventoriedMacAddress",
              mac["id"])] * 2  # fmt: skip
    new_ips = [
        {**ips[0], "id": str(int(ips[-1]["id"]) + n), "ipassignmentable_type": kind,
         "ipassignmentable_id": owner, "subnet": f"198.51.100.{200 + n}/32", "ip_pool_id": None,
         "soft": False, "subnet_id": "1"}
        for n, (kind, owner) in enumerate(owners, start=1)
    ]  # fmt: skip
    _append(directory, "radius_accounts", new_radius)
    _append(directory, "uninventoried_mac_addresses", [mac])
    _append(directory, "ip_assignments", new_ips)


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> SonarSimConfig:
    directory = tmp_path_factory.mktemp("crowded")
    export_fixture(SonarSimConfig(scale=80, seed=13), directory)
    _crowd(directory)
    return SonarSimConfig(token=TOKEN, fixture=directory, rate_limit=0, max_page_size=100)


@pytest.fixture(scope="module")
def dataset(config: SonarSimConfig) -> Dataset:
    return load_dataset(config)


@pytest.fixture
async def sonar(config: SonarSimConfig, dataset: Dataset) -> AsyncIterator[SonarClient]:
    app = build_app(config, dataset=dataset)
    async with serve(app) as url, SonarClient(url, TOKEN, limiter=sonar_limiter(0)) as client:
        yield client


async def read_accounts(extractor: Extractor, reader: NestedAccounts) -> list[Any]:
    plan = await extractor.plan("accounts")
    send, receive = anyio.create_memory_object_stream[Page[Any]](2)
    accounts = []
    async with anyio.create_task_group() as group:
        group.start_soon(extractor.run, plan.partitions, reader, send)
        async with receive:
            async for page in receive:
                assert page.rejects == []
                accounts += page.records
    return sorted(accounts, key=lambda account: account.id)


def _view(account: AccountWithRelations) -> dict[str, Any]:
    """What the migration reads of an account's access: logins, MACs, their IPs."""
    return {
        "radius": [(r.id, r.username, r.password, [ip.subnet for ip in r.ip_assignments])
                   for r in account.radius_accounts],
        "macs": [(m.id, m.mac_address, [ip.subnet for ip in m.ip_assignments])
                 for m in account.uninventoried_mac_addresses],
        "ips": [ip.id for ip in account.ip_assignments],
    }  # fmt: skip


async def test_nested_reads_follow_overflow_at_both_levels(
    sonar: SonarClient, dataset: Dataset
) -> None:
    truth = {account.id: _view(account) for account in nested_accounts(dataset)}
    crowded = max(truth, key=lambda a: len(truth[a]["radius"]))
    assert len(truth[crowded]["radius"]) > CROWDED
    assert max(len(r[3]) for r in truth[crowded]["radius"]) == CROWDED
    extractor = Extractor(sonar, page_size=10, producers=2)
    before = sonar.stats.requests
    accounts = await read_accounts(
        extractor, NestedAccounts(nested_page_size=1, relations=SERVICE_RELATIONS)
    )
    assert {account.id: _view(account) for account in accounts} == truth
    assert sum(len(v["radius"]) for v in truth.values()) == dataset.count("radius_accounts")
    assert sum(len(v["macs"]) for v in truth.values()) == dataset.count(
        "uninventoried_mac_addresses"
    )
    overflowing = sum(max(0, len(v["radius"]) - 1) + max(0, len(v["macs"]) - 1)
                      for v in truth.values())  # fmt: skip
    assert sonar.stats.requests - before > overflowing  # an extra request per overflow page


async def test_the_whole_nested_read_carries_credentials_as_secrets(
    sonar: SonarClient, dataset: Dataset
) -> None:
    accounts = await read_accounts(Extractor(sonar, page_size=50), NestedAccounts())
    logins = [login for account in accounts for login in account.radius_accounts]
    assert len(logins) == dataset.count("radius_accounts")
    stored = {r["id"]: r["password"] for r in dataset.records("radius_accounts")}
    for login in logins:
        secret = login.password
        assert (secret and secret.get_secret_value()) == stored[str(login.id)]
        assert secret is None or secret.get_secret_value() not in repr(login)


async def test_account_ip_assignments_are_read_page_by_page(
    sonar: SonarClient, dataset: Dataset
) -> None:
    truth = account_ip_assignments(dataset)
    assert len(truth) > 20
    before = sonar.stats.requests
    rows = await read_account_ip_assignments(Extractor(sonar, page_size=7, producers=3))
    assert all(isinstance(row, AccountIp) for row in rows)
    assert [(row.account_id, row.subnet) for row in rows] == truth
    assert sonar.stats.requests - before == -(-len(truth) // 7)


async def test_account_ip_assignments_follow_the_servers_page_size_clamp(
    config: SonarSimConfig, dataset: Dataset
) -> None:
    clamped = config.model_copy(update={"max_page_size": 5})
    app = build_app(clamped, dataset=dataset)
    async with serve(app) as url, SonarClient(url, TOKEN, limiter=sonar_limiter(0)) as client:
        rows = await read_account_ip_assignments(Extractor(client, page_size=1000))
        assert client.stats.requests == -(-len(rows) // 5)
    assert [(row.account_id, row.subnet) for row in rows] == account_ip_assignments(dataset)
