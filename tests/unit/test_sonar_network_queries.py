"""The simulator's network relations and the ``account_ip_assignments`` view, against the
dataset's own tables."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from migrator.sim.sonar.generate import generate_dataset
from migrator.sim.sonar.graph import SonarContext, execute_request
from migrator.sim.sonar.listing import Lister
from migrator.sim.sonar.table import Dataset
from tests.support.ground_truth import account_ip_assignments

PAGE = "paginator: {page: 1, records_per_page: 1000}"
VIEW = """query V($account: Int64Bit, $paginator: Paginator) {
  account_ip_assignments(account_id: $account, paginator: $paginator) {
    entities { account_id subnet } page_info { page records_per_page total_count total_pages }
  } }"""


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_dataset(400, seed=17)


def answer(dataset: Dataset, query: str, max_page: int = 1000, **variables: Any) -> Any:
    return execute_request(
        {"query": query, "variables": variables}, SonarContext(dataset, Lister(max_page))
    )


def run(dataset: Dataset, query: str, **variables: Any) -> dict[str, Any]:
    result = answer(dataset, query, **variables)
    assert "errors" not in result, result["errors"]
    return result["data"]  # type: ignore[no-any-return]


def test_the_address_plan_nests_supernet_subnet_pool_assignment(dataset: Dataset) -> None:
    data = run(
        dataset,
        f"""{{ supernets {{ entities {{ id subnets({PAGE}) {{ entities {{ id supernet {{ id }}
        ip_pools {{ entities {{ id subnet {{ id }} }} }}
        ip_assignments({PAGE}) {{ entities {{ id subnet_id parent_subnet {{ id }}
        ip_pool_id ip_pool {{ id }} }} }} }} }} }} }} }}""",
    )
    seen = 0
    for supernet in data["supernets"]["entities"]:
        for subnet in supernet["subnets"]["entities"]:
            assert subnet["supernet"] == {"id": supernet["id"]}
            for pool in subnet["ip_pools"]["entities"]:
                assert pool["subnet"] == {"id": subnet["id"]}
            for ip in subnet["ip_assignments"]["entities"]:
                assert ip["subnet_id"] == subnet["id"] and ip["parent_subnet"] == {
                    "id": subnet["id"]
                }
                assert (ip["ip_pool"] and ip["ip_pool"]["id"]) == ip["ip_pool_id"]
                seen += 1
    assert seen == dataset.count("ip_assignments")


def test_logins_and_macs_carry_their_own_ips(dataset: Dataset) -> None:
    data = run(
        dataset,
        f"""{{ accounts(include_archived: true, {PAGE}) {{ entities {{ id
        radius_accounts {{ entities {{ id account {{ id }}
          ip_assignments {{ entities {{ id }} }} }} }}
        uninventoried_mac_addresses {{ entities {{ id ip_assignments {{ entities {{ id }} }} }} }}
        }} }} }}""",
    )
    owned: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ip in dataset.records("ip_assignments"):
        owned[(ip["ipassignmentable_type"], ip["ipassignmentable_id"])].append(ip["id"])
    found = 0
    for account in data["accounts"]["entities"]:
        for login in account["radius_accounts"]["entities"]:
            assert login["account"] == {"id": account["id"]}
            got = [ip["id"] for ip in login["ip_assignments"]["entities"]]
            assert got == owned[("RadiusAccount", login["id"])]
            found += len(got)
        for mac in account["uninventoried_mac_addresses"]["entities"]:
            got = [ip["id"] for ip in mac["ip_assignments"]["entities"]]
            assert got == owned[("UninventoriedMacAddress", mac["id"])]
            found += len(got)
    assert found > 0


def test_the_view_lists_every_ip_associated_with_an_account_in_assignment_order(
    dataset: Dataset,
) -> None:
    truth = account_ip_assignments(dataset)
    data = run(dataset, VIEW, paginator={"page": 1, "records_per_page": 1000})
    view = data["account_ip_assignments"]
    assert [(int(e["account_id"]), e["subnet"]) for e in view["entities"]] == truth
    assert all(isinstance(e["account_id"], str) for e in view["entities"])  # Int64Bit
    assert view["page_info"] == {"page": 1, "records_per_page": 1000,
                                 "total_count": len(truth), "total_pages": 1}  # fmt: skip
    owners = {ip["ipassignmentable_type"] for ip in dataset.records("ip_assignments")}
    assert len(truth) < dataset.count("ip_assignments") and "InventoryItem" in owners  # towers


def test_the_view_filters_by_account_and_pages_like_a_list_query(dataset: Dataset) -> None:
    truth = account_ip_assignments(dataset)
    account = max({a for a, _ in truth}, key=lambda a: sum(b == a for b, _ in truth))
    mine = run(dataset, VIEW, account=str(account))["account_ip_assignments"]
    assert [e["subnet"] for e in mine["entities"]] == [s for a, s in truth if a == account]
    pages = [
        run(dataset, VIEW, paginator={"page": n, "records_per_page": 9})["account_ip_assignments"]
        for n in range(1, -(-len(truth) // 9) + 2)
    ]
    assert [(int(e["account_id"]), e["subnet"]) for p in pages for e in p["entities"]] == truth
    assert pages[-1]["entities"] == [] and pages[0]["page_info"]["total_pages"] == len(pages) - 1
    clamped = answer(dataset, VIEW, max_page=4, paginator={"page": 1, "records_per_page": 50})
    assert clamped["data"]["account_ip_assignments"]["page_info"]["records_per_page"] == 4
    refused = answer(dataset, VIEW, paginator={"page": 0, "records_per_page": 5})
    assert "paginator.page" in refused["errors"][0]["message"]
    nothing = run(dataset, VIEW, account="999999")["account_ip_assignments"]
    assert nothing["entities"] == [] and nothing["page_info"]["total_count"] == 0
