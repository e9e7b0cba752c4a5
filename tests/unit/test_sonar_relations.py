"""Relations between served entities, resolved from foreign keys, against brute force.

Every kind of join (to-one by the entity's key, has-one, connections, polymorphic owners)
is read through the simulator's GraphQL execution and compared with what the dataset's
records say directly.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from graphql import GraphQLInterfaceType, GraphQLObjectType, get_named_type

from migrator.sim.sonar.foreign_keys import query_of_type
from migrator.sim.sonar.generate import generate_dataset
from migrator.sim.sonar.graph import SonarContext, executable_schema, execute_request
from migrator.sim.sonar.listing import Lister
from migrator.sim.sonar.relations import CHOSEN, relation_joins
from migrator.sim.sonar.table import Dataset

MAX_PAGE = 1000
PAGE = "paginator: {page: 1, records_per_page: 1000}"
ALL = f"include_archived: true, {PAGE}"  # on accounts only


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_dataset(320, seed=8)


@pytest.fixture(scope="module")
def context(dataset: Dataset) -> SonarContext:
    return SonarContext(dataset, Lister(MAX_PAGE))


def run(context: SonarContext, query: str, **variables: Any) -> dict[str, Any]:
    result = execute_request({"query": query, "variables": variables}, context)
    assert "errors" not in result, result["errors"]
    return result["data"]  # type: ignore[no-any-return]


def by_id(dataset: Dataset, query: str) -> dict[str, dict[str, Any]]:
    return {record["id"]: record for record in dataset.records(query)}


def test_every_relation_of_the_schema_has_a_join() -> None:
    schema = executable_schema()
    relations = set()
    for owner in query_of_type():
        entity = schema.type_map[owner]
        assert isinstance(entity, GraphQLObjectType)
        relations |= {
            (owner, name)
            for name, field in entity.fields.items()
            if isinstance(get_named_type(field.type), GraphQLObjectType | GraphQLInterfaceType)
        }
    joins = relation_joins(schema)
    assert set(joins) == relations and len(relations) > 100
    assert set(CHOSEN) <= relations


def test_to_one_relations_follow_the_entitys_own_key(
    context: SonarContext, dataset: Dataset
) -> None:
    data = run(
        context,
        f"""{{ accounts({ALL}) {{ entities {{ id account_status_id
        account_status {{ id name }} parent_account_id parent_account(include_archived: true)
        {{ id }} company {{ id }} }} }}
        debits({PAGE}) {{ entities {{ invoice_id invoice {{ id }} service_id service {{ id }} }} }}
        }}""",
    )
    statuses = by_id(dataset, "account_statuses")
    accounts = data["accounts"]["entities"]
    assert len(accounts) == dataset.count("accounts")
    assert any(a["parent_account_id"] for a in accounts)
    for account in accounts:
        status = account["account_status"]
        assert status == {"id": account["account_status_id"],
                          "name": statuses[account["account_status_id"]]["name"]}  # fmt: skip
        parent = account["parent_account"]
        assert (parent and parent["id"]) == account["parent_account_id"]
        assert account["company"] == {"id": "1"}
    for debit in data["debits"]["entities"]:
        assert (debit["invoice"] and debit["invoice"]["id"]) == debit["invoice_id"]
        assert (debit["service"] and debit["service"]["id"]) == debit["service_id"]


def test_connections_hold_the_records_whose_key_names_the_parent(
    context: SonarContext, dataset: Dataset
) -> None:
    data = run(
        context,
        f"""{{ accounts({ALL}) {{ entities {{ id
        child_accounts(include_archived: true) {{ entities {{ id }} }}
        invoices(paginator: {{page: 1, records_per_page: 1000}}) {{ page_info {{ total_count }} }}
        }} }}
        services(paginator: {{page: 1, records_per_page: 1000}}) {{ entities {{ id
        data_service_detail {{ id service_id }} account_services {{ entities {{ account_id }} }}
        }} }} }}""",
    )
    children: dict[str, list[str]] = defaultdict(list)
    invoices: dict[str, int] = defaultdict(int)
    for account in dataset.records("accounts"):
        if account["parent_account_id"]:
            children[account["parent_account_id"]].append(account["id"])
    for invoice in dataset.records("invoices"):
        invoices[invoice["account_id"]] += 1
    for account in data["accounts"]["entities"]:
        assert [c["id"] for c in account["child_accounts"]["entities"]] == children[account["id"]]
        assert account["invoices"]["page_info"]["total_count"] == invoices[account["id"]]
    details = {d["service_id"]: d["id"] for d in dataset.records("data_service_details")}
    held: dict[str, int] = defaultdict(int)
    for holding in dataset.records("account_services"):
        held[holding["service_id"]] += 1
    for service in data["services"]["entities"]:
        detail = service["data_service_detail"]
        assert (detail and detail["id"]) == details.get(service["id"])  # has-one, both ways
        assert detail is None or detail["service_id"] == service["id"]
        assert len(service["account_services"]["entities"]) == min(100, held[service["id"]])


def test_polymorphic_owners_come_back_as_their_own_type(
    context: SonarContext, dataset: Dataset
) -> None:
    data = run(
        context,
        f"""{{ ip_assignments({PAGE}) {{ entities {{ ipassignmentable_type
        ipassignmentable_id ipassignmentable(include_archived: true) {{ __typename id ...Device }}
        }} }}
        notes({PAGE}) {{ entities {{ noteable_type noteable(include_archived: true) {{ __typename
        ... on Account {{ id name }} ... on Contact {{ id }} }} }} }} }}
        fragment Device on InventoryItem {{ inventory_model {{ name }} }}""",
    )
    kinds = set()
    for ip in data["ip_assignments"]["entities"]:
        owner = ip["ipassignmentable"]
        assert owner["__typename"] == ip["ipassignmentable_type"]
        assert owner["id"] == ip["ipassignmentable_id"]
        assert ("inventory_model" in owner) == (owner["__typename"] == "InventoryItem")
        kinds.add(owner["__typename"])
    assert kinds == {"Account", "InventoryItem", "RadiusAccount", "UninventoriedMacAddress"}
    accounts = by_id(dataset, "accounts")
    for note in data["notes"]["entities"]:
        owner = note["noteable"]
        assert owner["__typename"] == note["noteable_type"]
        if owner["__typename"] == "Account":
            assert owner["name"] == accounts[owner["id"]]["name"]


def test_arguments_on_a_to_one_relation_can_exclude_its_record(
    context: SonarContext, dataset: Dataset
) -> None:
    """The real schema gives to-one relations the list arguments; archived accounts hide
    unless include_archived, as everywhere the argument is offered (an assumption)."""
    data = run(
        context,
        f"""{{ accounts({ALL}) {{ entities {{ archived_at
        account_status(activates_account: true) {{ activates_account }}
        all: account_status {{ activates_account }} }} }}
        invoices({PAGE}) {{ entities {{ account_id account {{ id }}
        archived: account(include_archived: true) {{ id archived_at }} }} }} }}""",
    )
    for account in data["accounts"]["entities"]:
        kept = account["account_status"]
        assert (kept is not None) == account["all"]["activates_account"]
    archived_invoices = 0
    for invoice in data["invoices"]["entities"]:
        assert invoice["archived"]["id"] == invoice["account_id"]
        if invoice["archived"]["archived_at"] is None:
            assert invoice["account"] == {"id": invoice["account_id"]}
        else:
            archived_invoices += 1
            assert invoice["account"] is None
    assert archived_invoices > 0


def test_nested_connections_page_and_clamp_on_their_own(dataset: Dataset) -> None:
    clamped = SonarContext(dataset, Lister(3))
    data = run(
        clamped,
        """{ tickets(sorter: [{attribute: "id", direction: ASC}]) { entities {
        id ticket_replies(paginator: {page: 1, records_per_page: 50}) {
          entities { id } page_info { records_per_page total_count } } } } }""",
    )
    assert len(data["tickets"]["entities"]) == 3
    replies: dict[str, int] = defaultdict(int)
    for reply in dataset.records("ticket_replies"):
        replies[reply["ticket_id"]] += 1
    for ticket in data["tickets"]["entities"]:
        page = ticket["ticket_replies"]
        assert page["page_info"] == {"records_per_page": 3, "total_count": replies[ticket["id"]]}
        assert len(page["entities"]) == min(3, replies[ticket["id"]])
