"""RADIUS logins, MACs and addresses → internet services; subnets → networks.

Table-driven, expectations written by hand from the rule profiles/full.toml documents.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest

from migrator.errors import Rejected
from migrator.profile_rules import CleanupRules, CustomerRules, NetworkRules, ServiceRules
from migrator.records import Resolved
from migrator.sonar.entities import Service, Subnet, Supernet
from migrator.sonar.models import AccountWithRelations
from migrator.transform.customers import CustomerLookups
from migrator.transform.networks import CustomerSubnets, NetworkLookups, ipv4_network, ipv6_network
from migrator.transform.services import (
    AccountServiceRecord,
    ServiceLookups,
    internet_service,
    service_parents,
)
from tests.support.sonar_lookups import status as sonar_status

STAMP = "2023-03-01T23:30:00-06:00"
COMMON = {"sonar_unique_id": "u", "created_at": STAMP, "updated_at": STAMP, "_version": "1"}
SECRET = "s3cr3t!pass"


def _subnet(sid: int, cidr: str, name: str | None = None, supernet: int = 1) -> Subnet:
    return Subnet.model_validate(
        {
            **COMMON,
            "id": str(sid),
            "name": name,
            "polling_priority": 1,
            "subnet": cidr,
            "supernet_id": str(supernet),
            "type": "ACCOUNT",
        }
    )


SUBNETS = {
    1: _subnet(1, "198.51.100.0/24", "Static block A"),
    2: _subnet(2, "100.64.0.0/22", "CGNAT pool"),
    3: _subnet(3, "2001:db8:100::/40", None, supernet=2),
    4: _subnet(4, "203.0.113.0/24", "Infrastructure"),  # no customer address: not migrated
}
SUPERNETS = {
    1: Supernet.model_validate({**COMMON, "id": "1", "name": "Public", "subnet": "198.51.100.0/22"})
}
CATALOG = {
    10: Service.model_validate(
        {
            **COMMON,
            "id": "10",
            "type": "DATA",
            "name": "Fiber 100",
            "amount": 4999,
            "application": "DEBIT",
            "display_if_zero": False,
            "enabled": True,
        }
    )
}


def _ip(aid: int, cidr: str, subnet: int, owner: str, owner_id: int, soft: bool = False) -> dict:
    return {
        **COMMON,
        "id": str(aid),
        "ipassignmentable_id": str(owner_id),
        "ipassignmentable_type": owner,
        "soft": soft,
        "subnet": cidr,
        "subnet_id": str(subnet),
    }


def account(
    services: list[int],
    *,
    radius: list[dict[str, Any]] = (),  # type: ignore[assignment]
    macs: list[dict[str, Any]] = (),  # type: ignore[assignment]
    ips: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> AccountWithRelations:
    return AccountWithRelations.model_validate(
        {
            **COMMON,
            "id": "42",
            "account_status_id": "1",
            "account_type_id": "1",
            "company_id": "1",
            "is_delinquent": False,
            "name": "Ann",
            "account_services": [
                {**COMMON, "id": str(sid), "account_id": "42", "quantity": 1, "service_id": "10"}
                for sid in services
            ],
            "radius_accounts": list(radius),
            "uninventoried_mac_addresses": list(macs),
            "ip_assignments": list(ips),
        }
    )


def radius(rid: int, username: str, password: str | None = SECRET, ips: tuple = ()) -> dict:
    return {
        **COMMON,
        "id": str(rid),
        "account_id": "42",
        "username": username,
        "password": password,
        "ip_assignments": list(ips),
    }


def mac(mid: int, value: str, ips: tuple = ()) -> dict:
    return {
        **COMMON,
        "id": str(mid),
        "account_id": "42",
        "mac_address": value,
        "ip_assignments": list(ips),
    }


def lookups(
    rules: ServiceRules | None = None,
    *,
    shared: dict[str, tuple[int, ...]] | None = None,
    equipment: tuple[str, ...] = (),
    drop: bool = True,
) -> ServiceLookups:
    # another account's addresses make subnets 1-3 customer subnets; account 42's own
    # account_ip_assignments hold only what no owner read with it accounts for
    held = {99: ("198.51.100.7/32", "100.64.1.20/32", "2001:db8:100:ff00::/56"), 42: equipment}
    networks = NetworkLookups(
        subnets=SUBNETS,
        supernets=SUPERNETS,
        pooled=frozenset({2}),
        account_ips=held,
        shared_logins=shared or {},
    )
    return ServiceLookups(
        CATALOG,
        CustomerLookups({1: sonar_status(1, "Active", activates=True)}, {}, {}),
        CustomerRules(),
        rules or ServiceRules(),
        CleanupRules(invalid_fields="drop" if drop else "reject"),
        ZoneInfo("UTC"),
        networks=networks,
    )


RESOLVED = Resolved({"account_id": 7, "service_id": 8, "ipv4_subnet_id": 31, "ipv6_subnet_id": 61})


def migrate(owner: AccountWithRelations, index: int, found: ServiceLookups) -> Any:
    record = AccountServiceRecord(owner, owner.account_services[index])
    return internet_service(record, RESOLVED, lookups=found)


def test_one_data_service_takes_the_login_password_macs_and_static_ip() -> None:
    owner = account(
        [5],
        radius=[
            radius(1, "ann@isp.example", ips=(_ip(9, "198.51.100.7/32", 1, "RadiusAccount", 1),))
        ],
        macs=[mac(1, "aa:bb:cc:00:11:22"), mac(2, "AA-BB-CC-00-11-23")],
    )
    found = lookups()
    cleaned = migrate(owner, 0, found)
    body = cleaned.payload.service.body()
    assert (body["login"], body["password"]) == ("ann@isp.example", SECRET)
    assert body["mac"] == "AA:BB:CC:00:11:22,AA:BB:CC:00:11:23"
    assert (body["taking_ipv4"], body["ipv4"]) == (1, "198.51.100.7")
    assert (cleaned.payload.static_ipv4, cleaned.payload.ipv4_network_id) == ("198.51.100.7", 31)
    refs = service_parents(AccountServiceRecord(owner, owner.account_services[0]), found)
    assert ("ipv4_networks", 1) in [(r.entity, r.sonar_id) for r in refs]
    assert not any(SECRET in note for note in cleaned.notes)


def test_several_data_services_share_by_owner_and_note_the_choice() -> None:
    owner = account(
        [5, 6],
        radius=[
            radius(1, "first"),
            radius(2, "second", ips=(_ip(9, "198.51.100.7/32", 1, "RadiusAccount", 2),)),
        ],
        ips=[_ip(10, "198.51.100.9/32", 1, "Account", 42)],
    )
    found = lookups()
    first, second = migrate(owner, 0, found), migrate(owner, 1, found)
    assert (first.payload.service.login, second.payload.service.login) == ("first", "second")
    assert second.payload.service.ipv4 == "198.51.100.7"  # followed its RADIUS account
    assert first.payload.service.ipv4 == "198.51.100.9"  # the account's own: the first service
    assert any("first of 2 data services" in note for note in first.notes)
    assert any("number 2 of 2" in note for note in second.notes)


def test_a_dynamic_address_takes_its_pool_and_ipv6_splits_by_prefix() -> None:
    owner = account(
        [5],
        ips=[
            _ip(10, "100.64.1.20/32", 2, "Account", 42, soft=True),
            _ip(11, "2001:db8:100:ff00::/56", 3, "Account", 42),
            _ip(12, "2001:db8:100:1::/64", 3, "Account", 42),
        ],
    )
    body = migrate(owner, 0, lookups()).payload.service.body()
    assert (body["taking_ipv4"], body["ipv4_pool_id"]) == (2, 31)
    assert "ipv4" not in body
    assert (body["taking_ipv6"], body["ipv6"]) == (1, "2001:db8:100:1::/64")
    assert body["ipv6_delegated"] == "2001:db8:100:ff00::/56"
    assert body["login"] == "sonar-svc5"  # no RADIUS account


def test_an_automatic_address_in_a_subnet_without_pools_stays_static() -> None:
    # Sonar assigned it (soft) but Splynx has no pool to draw it from: it is kept as it is
    owner = account([5], ips=[_ip(10, "198.51.100.7/32", 1, "Account", 42, soft=True)])
    body = migrate(owner, 0, lookups()).payload.service.body()
    assert (body["taking_ipv4"], body["ipv4"]) == (1, "198.51.100.7")
    assert "ipv4_pool_id" not in body


def test_equipment_addresses_go_to_the_first_service() -> None:
    # nothing read owner by owner: every address Sonar associates with the account is held by
    # its equipment, in account_ip_assignments' order; the service holds the first IPv4
    held = ("198.51.100.7/32", "2001:db8:100:ff00::/56", "198.51.100.50/32")
    cleaned = migrate(account([5]), 0, lookups(equipment=held))
    body = cleaned.payload.service.body()
    assert (body["taking_ipv4"], body["ipv4"]) == (1, "198.51.100.7")
    assert body["ipv6_delegated"] == "2001:db8:100:ff00::/56"
    assert any(
        "198.51.100.50/32 (equipment of the account) not migrated" in note for note in cleaned.notes
    )


@pytest.mark.parametrize(
    ("owner", "shared", "field", "words"),
    [
        (
            account([5], ips=[_ip(10, "192.0.2.1/32", 1, "Account", 42)]),
            None,
            "ipv4",
            "192.0.2.1/32",
        ),
        (account([5], radius=[radius(1, "bob")]), {"bob": (42, 77)}, "login", "42 and 77"),
        (account([5], radius=[radius(1, "josé.garcía")]), None, "login", "josé.garcía"),
        (account([5], radius=[radius(1, "a" * 129)]), None, "login", "over 128 characters"),
    ],
)
def test_what_splynx_would_refuse_is_rejected_naming_the_field(
    owner: AccountWithRelations, shared: dict | None, field: str, words: str
) -> None:
    with pytest.raises(Rejected) as caught:
        migrate(owner, 0, lookups(shared=shared))
    assert caught.value.field == field
    assert words in str(caught.value)
    assert SECRET not in str(caught.value)


def test_a_password_splynx_cannot_keep_is_refused_without_quoting_it() -> None:
    long_secret = "p" * 129
    with pytest.raises(Rejected) as caught:
        migrate(account([5], radius=[radius(1, "ann", password=long_secret)]), 0, lookups())
    assert caught.value.field == "password"
    assert long_secret not in str(caught.value)


def test_prefixed_logins_and_missing_passwords() -> None:
    owner = account([5], radius=[radius(1, "ann", password=None)])
    cleaned = migrate(owner, 0, lookups(ServiceRules(login="prefixed", login_prefix="s-")))
    assert cleaned.payload.service.login == "s-ann"
    assert cleaned.payload.service.password is None
    assert any(note.startswith("password:") for note in cleaned.notes)


def test_a_bad_mac_is_dropped_or_rejected_as_the_profile_says() -> None:
    owner = account([5], macs=[mac(1, "not-a-mac"), mac(2, "00:11:22:33:44:55")])
    kept = migrate(owner, 0, lookups())
    assert kept.payload.service.mac == "00:11:22:33:44:55"
    assert any("not-a-mac" in note for note in kept.notes)
    with pytest.raises(Rejected) as caught:
        migrate(owner, 0, lookups(drop=False))
    assert caught.value.field == "mac"


def test_subnets_holding_customer_addresses_become_networks() -> None:
    found = lookups().networks
    assert found.held == frozenset({1, 2, 3})
    assert [s.id for s in SUBNETS.values() if CustomerSubnets(found, 4)(s)] == [1, 2]
    assert [s.id for s in SUBNETS.values() if CustomerSubnets(found, 6)(s)] == [3]
    resolved = Resolved({"location": 3})
    static = ipv4_network(SUBNETS[1], resolved, lookups=found, rules=NetworkRules()).payload
    assert (static.network, static.mask, static.title) == ("198.51.100.0", 24, "Static block A")
    assert (static.type_of_usage, static.location_id, static.network_category) == ("static", 3, 1)
    assert "Public" in (static.comment or "")
    pool = ipv4_network(SUBNETS[2], resolved, lookups=found, rules=NetworkRules(category=4))
    assert (pool.payload.type_of_usage, pool.payload.network_category) == ("pool", 4)
    six = ipv6_network(SUBNETS[3], resolved, lookups=found, rules=NetworkRules()).payload
    assert (six.network, six.prefix, six.title) == ("2001:db8:100::", 40, "2001:db8:100::/40")
