"""A public Sonar client nobody here wrote, against ``migrator sim sonar`` as a user runs it.

PyPI ``sonar-software-api`` 0.1.8 (a pinned test dependency; its code stays in its
package) makes three ordinary list calls: account statuses, account services with their
service and its data details, and accounts with their status, services, addresses and the
equipment at them. It asks for 1,000,000 records per page. Before issue 11 only the first
worked: the pruned schema had dropped the to-one relations and the clamp cut pages at 100.

Its answers are compared with the dataset the simulator serves, regenerated here from the
same scale and seed.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sonar_software_api import Sonar

from migrator.sim.sonar.app import DEFAULT_TOKEN, GRAPHQL_PATH
from migrator.sim.sonar.generate import generate_dataset
from migrator.sim.sonar.table import Dataset

ROOT = Path(__file__).resolve().parents[2]
SCALE, SEED = 150, 4  # more than 100 account services: a clamp at 100 would show


@pytest.fixture(scope="module")
def sonar_url() -> Iterator[str]:
    """``migrator sim sonar`` with its default limits, in its own process."""
    command = [sys.executable, "-m", "migrator", "sim", "sonar", "--port", "0"]
    command += ["--scale", str(SCALE), "--seed", str(SEED), "--log-level", "WARNING"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        yield url
    finally:
        process.terminate()
        process.communicate(timeout=30)


@pytest.fixture(scope="module")
def client(sonar_url: str) -> Sonar:
    return Sonar(sonar_url + GRAPHQL_PATH, DEFAULT_TOKEN)


@pytest.fixture(scope="module")
def truth() -> Dataset:
    return generate_dataset(SCALE, SEED)


def by_id(dataset: Dataset, query: str) -> dict[str, dict[str, Any]]:
    return {record["id"]: record for record in dataset.records(query)}


def test_account_statuses(client: Sonar, truth: Dataset) -> None:
    expected = [
        {key: status[key] for key in ("id", "name", "activates_account")}
        for status in truth.records("account_statuses")
    ]
    assert client.getAccountStatuses() == expected


def test_account_services_with_their_service_on_one_page(client: Sonar, truth: Dataset) -> None:
    services = by_id(truth, "services")
    details = {d["service_id"]: d for d in truth.records("data_service_details")}
    held = list(truth.records("account_services"))
    assert len(held) > 100
    answer = client.getAccountServices()
    assert len(answer) == len(held)
    for holding, got in zip(held, answer, strict=True):
        service = services[holding["service_id"]]
        detail = details.get(service["id"])
        assert got["service"] == {
            "name": service["name"], "id": service["id"], "type": service["type"],
            "amount": service["amount"], "enabled": service["enabled"],
            "company_id": service["company_id"],
            "data_service_detail": detail and {
                "download_speed_kilobits_per_second": detail["download_speed_kilobits_per_second"],
                "upload_speed_kilobits_per_second": detail["upload_speed_kilobits_per_second"],
            },
        }  # fmt: skip


def test_accounts_with_status_services_addresses_and_equipment(
    client: Sonar, truth: Dataset
) -> None:
    live = [a for a in truth.records("accounts") if a["archived_at"] is None][:40]
    answer = client.getAccounts(qty=40)  # its only working form: without qty it sends no query
    assert [a["id"] for a in answer] == [a["id"] for a in live]
    statuses = by_id(truth, "account_statuses")
    models = by_id(truth, "inventory_models")
    held: dict[str, list[str]] = {}
    for holding in truth.records("account_services"):
        held.setdefault(holding["account_id"], []).append(holding["id"])
    devices = 0
    for account, got in zip(live, answer, strict=True):
        assert got["name"] == account["name"]
        status = statuses[account["account_status_id"]]
        assert got["account_status"] == {
            "id": status["id"],
            "activates_account": status["activates_account"],
        }
        got_held = [s["id"] for s in got["account_services"]["entities"]]
        assert got_held == held.get(account["id"], [])
        for address in got["addresses"]["entities"]:
            for item in address["inventory_items"]["entities"]:
                devices += 1
                model = item["inventory_model"]
                assert model["name"] == models[model["id"]]["name"]
                assert model["manufacturer"]["name"]
                names = [v["inventory_model_field"]["name"]
                         for v in item["inventory_model_field_data"]["entities"]]  # fmt: skip
                assert names == ["MAC Address", "Serial Number"]
    assert devices > 20
