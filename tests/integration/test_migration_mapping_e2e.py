"""End to end over real HTTP, case by case: what a status, a type and an email mean in Splynx.

Both simulators, the whole migration with the bundled ``full`` profile, then
Splynx read back through its API and held against the Sonar simulator's own
tables (not against the transform): a customer whose Sonar status does not
activate the account is never active, nor are its services; a delinquent one
is blocked; the category follows the account type's kind; a customer with an
email Splynx refuses arrives without it, with a cleanup note, never rejected
for it. In CI the Splynx simulator also runs on the local MariaDB.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from migrator.exitcodes import ExitCode
from migrator.pipeline.state import StateStore
from migrator.splynx.client import SplynxClient
from migrator.splynx.query import Search, where
from tests.support.migration_checks import everything, rejects_of, run
from tests.support.pair import running_pair
from tests.support.splynx_db import splynx_storage

pytestmark = pytest.mark.slow

COMPANY_KINDS = {"COMMERCIAL", "GOVERNMENT", "INDUSTRIAL"}


def refused_as_written(email: str) -> bool:
    """The generator's messes (contacts.py): what Splynx's validator refuses as written."""
    domain = email.rpartition("@")[2]
    return not email.isascii() or ".." in email or "_" in domain


async def splynx_side(settings: Any) -> tuple[dict[int, Any], dict[int, list[str]]]:
    """Customers by Sonar id, and the statuses of each customer's services (by Splynx id)."""
    async with SplynxClient.open(settings) as client:
        customers = {
            int(c.additional_attributes["sonar_id"]): c
            for c in await everything(client, "customers")
        }
        services: dict[int, list[str]] = {}
        any_id = Search(main={"id": where(">", 0)})
        for endpoint in ("internet_services", "recurring_services"):
            for service in await everything(client, endpoint, any_id):
                services.setdefault(int(service["customer_id"]), []).append(service["status"])
    return customers, services


@pytest.mark.parametrize("storage", ["memory", "mariadb"])
async def test_statuses_categories_and_emails_mean_the_same_in_splynx(
    tmp_path: Path, storage: str, request: pytest.FixtureRequest
) -> None:
    with splynx_storage(storage, request, prefix="migrator_map") as splynx:
        async with running_pair({"scale": 150, "seed": 21}, splynx) as pair:
            state = tmp_path / "state.sqlite3"
            result, settings, _ = await run(pair, state)
            assert result.exit_code in (ExitCode.OK, ExitCode.REJECTS), result.message
            customers, services = await splynx_side(settings)
            dataset = pair.dataset
    rejected = rejects_of(state).get("customers", set())
    store = StateStore.open(state)
    notes = [(sonar_id, note) for _, sonar_id, note in store.cleanups("customers")]
    store.close()

    statuses = {int(s["id"]): s for s in dataset.records("account_statuses")}
    kinds = {int(t["id"]): t["type"] for t in dataset.records("account_types")}
    seen: dict[str, int] = dict.fromkeys(("not activating", "delinquent", "odd email"), 0)
    seen.update(dict.fromkeys(kinds.values(), 0))
    for account in dataset.records("accounts"):
        sonar_id = int(account["id"])
        customer = customers.get(sonar_id)
        if customer is None or account["archived_at"] is not None:
            continue
        status = statuses[int(account["account_status_id"])]
        held = services.get(customer.id, [])
        if not status["activates_account"]:
            seen["not activating"] += 1
            assert customer["status"] != "active", (sonar_id, status["name"])
            assert "active" not in held, (sonar_id, status["name"], held)
        elif account["is_delinquent"]:
            seen["delinquent"] += 1
            assert customer["status"] == "blocked", (sonar_id, status["name"])
            assert set(held) <= {"stopped"}, (sonar_id, held)
        kind = kinds[int(account["account_type_id"])]
        seen[kind] += 1
        assert customer["category"] == ("company" if kind in COMPANY_KINDS else "person"), kind

    for contact in dataset.records("contacts"):
        email = contact["email_address"]
        if contact["contactable_type"] != "Account" or not email or not refused_as_written(email):
            continue
        sonar_id = int(contact["contactable_id"])
        seen["odd email"] += 1
        assert sonar_id not in rejected, f"account {sonar_id} was rejected for {email!r}"
        customer = customers[sonar_id]
        assert customer["email"] != email and customer["billing_email"] != email
        assert any(n == sonar_id and email in note for n, note in notes), (sonar_id, email)
    assert all(seen.values()), seen  # every case was exercised
