"""The generated network: RADIUS logins, MACs and IPs in realistic shares, inside an address
plan that holds them, with the mess a migration must name."""

from __future__ import annotations

import ipaddress
from collections import Counter, defaultdict
from typing import Any

import pytest

from migrator.sim.sonar.generate import generate_dataset
from migrator.sim.sonar.generate.network import largest_free_prefix
from migrator.sim.sonar.table import Dataset
from tests.support.ground_truth import account_ip_assignments

SCALE = 1500


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_dataset(SCALE, seed=31)


def records(dataset: Dataset, query: str) -> list[dict[str, Any]]:
    return list(dataset.records(query))


def data_accounts(dataset: Dataset) -> dict[str, int]:
    """Account id → how many DATA services it holds."""
    kinds = {s["id"]: s["type"] for s in dataset.records("services")}
    held: Counter[str] = Counter()
    for service in dataset.records("account_services"):
        if kinds[service["service_id"]] == "DATA":
            held[service["account_id"]] += 1
    return dict(held)


def test_logins_and_macs_belong_to_data_accounts_in_realistic_shares(dataset: Dataset) -> None:
    data = data_accounts(dataset)
    logins = records(dataset, "radius_accounts")
    per_account = Counter(login["account_id"] for login in logins)
    assert set(per_account) <= set(data)
    assert 0.8 <= len(per_account) / len(data) <= 0.9
    assert any(n == 2 for n in per_account.values())
    doubles = [a for a, n in data.items() if n > 1]
    assert doubles and sum(per_account.get(a, 0) == 2 for a in doubles) / len(doubles) > 0.5
    macs = Counter(m["account_id"] for m in dataset.records("uninventoried_mac_addresses"))
    assert set(macs) <= set(data) and 0.33 <= len(macs) / len(data) <= 0.47
    assert any(n == 2 for n in macs.values())
    addresses = [m["mac_address"] for m in dataset.records("uninventoried_mac_addresses")]
    assert len(set(addresses)) == len(addresses)
    assert all(a == a.upper() and len(a.split(":")) == 6 for a in addresses)


def test_usernames_passwords_and_their_mess(dataset: Dataset) -> None:
    logins = records(dataset, "radius_accounts")
    owners: dict[str, set[str]] = defaultdict(set)
    for login in logins:
        owners[login["username"]].add(login["account_id"])
    repeated = Counter(login["username"] for login in logins)
    clashes = [name for name, n in repeated.items() if n > 1]
    assert clashes and all(len(owners[name]) == repeated[name] for name in clashes)
    assert 0.001 <= len(clashes) / len(logins) <= 0.008  # across accounts, never within one
    foreign = [login["username"] for login in logins if not login["username"].isascii()]
    assert foreign and len(foreign) / len(logins) <= 0.02
    assert any("@" in login["username"] for login in logins)
    assert any(login["username"].isdigit() for login in logins)
    passwords = [login["password"] for login in logins]
    unset = sum(p is None for p in passwords)
    assert 0.01 <= unset / len(logins) <= 0.06
    assert any(p and not p.isalnum() for p in passwords)
    assert len({p for p in passwords if p}) > 0.95 * (len(logins) - unset)


def test_account_ips_keep_the_real_ratio_over_every_kind_of_owner(dataset: Dataset) -> None:
    rows = account_ip_assignments(dataset)
    assert 0.14 <= len(rows) / SCALE <= 0.22  # the real instance: 0.18 per account
    data = data_accounts(dataset)
    assert {str(account) for account, _ in rows} <= set(data)
    owners = Counter(ip["ipassignmentable_type"] for ip in dataset.records("ip_assignments"))
    assert set(owners) == {"Account", "InventoryItem", "RadiusAccount", "UninventoriedMacAddress"}
    ips = records(dataset, "ip_assignments")
    soft = [ip for ip in ips if ip["soft"]]
    assert 0.1 <= len(soft) / len(ips) <= 0.3 and all(ip["ip_pool_id"] for ip in soft)
    assert not any(ip["ip_pool_id"] for ip in ips if not ip["soft"])
    prefixes = Counter(ip["subnet"].rsplit("/", 1)[1] for ip in ips)
    assert {"32", "30", "29", "56", "64"} <= set(prefixes) and prefixes["32"] > 0.75 * len(ips)


def test_every_address_lies_in_its_subnet_but_the_deliberate_mess(dataset: Dataset) -> None:
    subnets = {s["id"]: s for s in dataset.records("subnets")}
    supernets = {s["id"]: ipaddress.ip_network(s["subnet"]) for s in dataset.records("supernets")}
    pools = {p["id"]: p for p in dataset.records("ip_pools")}
    outside, statics = [], defaultdict(set)
    for ip in dataset.records("ip_assignments"):
        network = ipaddress.ip_network(subnets[ip["subnet_id"]]["subnet"])
        block = ipaddress.ip_network(ip["subnet"])
        assert subnets[ip["subnet_id"]]["type"] != "EXCLUDED"
        if not block.subnet_of(network):  # type: ignore[arg-type]
            outside.append(ip)
            assert not any(block.overlaps(s) for s in supernets.values())
            continue
        if ip["soft"]:
            pool = pools[ip["ip_pool_id"]]
            first, last = (ipaddress.ip_address(a) for a in pool["ip_range"].split("-"))
            assert pool["subnet_id"] == ip["subnet_id"] and first <= block[0] <= last
        if block.prefixlen == 32:
            statics[ip["subnet"]].add((ip["ipassignmentable_type"], ip["ipassignmentable_id"]))
    assert outside and len(outside) < 0.02 * dataset.count("ip_assignments")
    shared = [address for address, holders in statics.items() if len(holders) > 1]
    assert shared and len(shared) < 0.01 * len(statics)
    for subnet in subnets.values():
        assert ipaddress.ip_network(subnet["subnet"]).subnet_of(  # type: ignore[arg-type]
            supernets[subnet["supernet_id"]]
        )
    assert {s["type"] for s in subnets.values()} == {"ACCOUNT", "MIXED", "NETWORK", "EXCLUDED"}


def test_tower_gear_holds_network_addresses_and_customer_gear_its_accounts(
    dataset: Dataset,
) -> None:
    subnets = {s["id"]: s["type"] for s in dataset.records("subnets")}
    items = {i["id"]: i for i in dataset.records("inventory_items")}
    on_items = [ip for ip in dataset.records("ip_assignments")
                if ip["ipassignmentable_type"] == "InventoryItem"]  # fmt: skip
    towers = [
        ip for ip in on_items if items[ip["ipassignmentable_id"]]["account_service_id"] is None
    ]
    assert towers and all(subnets[ip["subnet_id"]] == "NETWORK" for ip in towers)
    assert len(towers) < len(on_items)  # customers' radios hold addresses too
    assert all(subnets[ip["subnet_id"]] != "NETWORK" for ip in on_items if ip not in towers)


def test_pools_and_free_space_are_counted_from_what_was_handed_out(dataset: Dataset) -> None:
    soft = Counter(ip["ip_pool_id"] for ip in dataset.records("ip_assignments") if ip["soft"])
    for pool in dataset.records("ip_pools"):
        first, last = (int(ipaddress.ip_address(a)) for a in pool["ip_range"].split("-"))
        assert pool["ips_available"] == last - first + 1 - soft[pool["id"]]
    excluded = [s for s in dataset.records("subnets") if s["type"] == "EXCLUDED"]
    assert all(s["largest_cidr_available"] == int(s["subnet"].split("/")[1]) for s in excluded)


def test_largest_free_prefix() -> None:
    network = ipaddress.ip_network("192.0.2.0/24")
    base = int(network.network_address)
    assert largest_free_prefix(network, []) == 24
    assert largest_free_prefix(network, [(base + 2, base + 2)]) == 25
    assert largest_free_prefix(network, [(base + 128, base + 128)]) == 25
    assert largest_free_prefix(network, [(base, base + 191)]) == 26
    assert largest_free_prefix(network, [(base, base + 255)]) is None
    v6 = ipaddress.ip_network("2001:db8:100::/40")
    start = int(v6.network_address)
    assert largest_free_prefix(v6, [(start, start + 2**72 - 1)]) == 41


def test_small_datasets_still_carry_each_case_and_stay_deterministic() -> None:
    small, again = generate_dataset(120, seed=4), generate_dataset(120, seed=4)
    for query in ("radius_accounts", "uninventoried_mac_addresses", "ip_assignments", "subnets",
                  "supernets", "ip_pools"):  # fmt: skip
        assert list(small.records(query)) == list(again.records(query)), query
    logins = [login["username"] for login in small.records("radius_accounts")]
    assert len(set(logins)) < len(logins) and any(not name.isascii() for name in logins)
    subnets = {s["id"]: ipaddress.ip_network(s["subnet"]) for s in small.records("subnets")}
    ips = list(small.records("ip_assignments"))
    assert any(
        not ipaddress.ip_network(ip["subnet"]).subnet_of(subnets[ip["subnet_id"]])  # type: ignore[arg-type]
        for ip in ips
    )
    statics = Counter(ip["subnet"] for ip in ips if ip["subnet"].endswith("/32"))
    assert max(statics.values()) == 2
