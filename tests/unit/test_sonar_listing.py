"""List-query semantics (paging, clamp, sort, search, filters, nesting) against brute force.

Queries go through the simulator's GraphQL execution (variables, fragments and
all) without HTTP; the transport has its own tests.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import pytest

from migrator.sim.sonar.generate import generate_dataset
from migrator.sim.sonar.graph import SonarContext, execute_request
from migrator.sim.sonar.instance_time import iso_to_instant
from migrator.sim.sonar.listing import Lister
from migrator.sim.sonar.table import Dataset

MAX_PAGE = 50
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "EQ": operator.eq,
    "NEQ": operator.ne,
    "GT": operator.gt,
    "GTE": operator.ge,
    "LT": operator.lt,
    "LTE": operator.le,
}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_dataset(150, seed=3)


@pytest.fixture(scope="module")
def context(dataset: Dataset) -> SonarContext:
    return SonarContext(dataset, Lister(MAX_PAGE))


def run(context: SonarContext, query: str, **variables: Any) -> dict[str, Any]:
    result = execute_request({"query": query, "variables": variables}, context)
    assert "errors" not in result, result
    return result["data"]  # type: ignore[no-any-return]


def errors(context: SonarContext, query: str, **variables: Any) -> list[str]:
    result = execute_request({"query": query, "variables": variables}, context)
    return [error["message"] for error in result.get("errors", [])]


def ids(page: dict[str, Any]) -> list[int]:
    return [int(entity["id"]) for entity in page["entities"]]


KEYSET = """
query Keyset($after: Int64Bit!, $upto: Int64Bit!, $size: Int!) {
  debits(sorter: [{attribute: "id", direction: ASC}], paginator: {page: 1, records_per_page: $size},
         search: [{integer_fields: [{attribute: "id", operator: GT, search_value: $after},
                                    {attribute: "id", operator: LTE, search_value: $upto}]}]) {
    entities { id account_id amount }
    page_info { page records_per_page total_count total_pages }
  }
}"""


def test_keyset_pages_walk_a_partition_exactly(context: SonarContext, dataset: Dataset) -> None:
    every = [int(d["id"]) for d in dataset.records("debits")]
    upto = every[len(every) // 2]
    seen, after = [], 0
    while True:
        page = run(context, KEYSET, after=str(after), upto=upto, size=37)["debits"]
        assert page["page_info"]["total_count"] == sum(after < i <= upto for i in every)
        if not page["entities"]:
            break
        seen += ids(page)
        after = seen[-1]
    assert seen == [i for i in every if i <= upto]


def test_a_keyset_page_touches_only_the_records_it_returns(dataset: Dataset) -> None:
    table = dataset.table("debits")
    built: list[int] = []
    original = table.materialize
    table.materialize = lambda row: built.append(row) or original(row)  # type: ignore[func-returns-value]
    try:
        context = SonarContext(dataset, Lister(MAX_PAGE))
        page = run(context, KEYSET, after="100", upto=str(table.ids[-1]), size=20)["debits"]
    finally:
        table.materialize = original
    assert len(page["entities"]) == 20 and len(built) == 20


def test_page_size_is_clamped_visibly(context: SonarContext, dataset: Dataset) -> None:
    page = run(
        context,
        "{ invoices(paginator: {page: 2, records_per_page: 1000}) { entities { id } "
        "page_info { page records_per_page total_count total_pages } } }",
    )["invoices"]
    total = dataset.count("invoices")
    assert page["page_info"] == {
        "page": 2,
        "records_per_page": MAX_PAGE,
        "total_count": total,
        "total_pages": -(-total // MAX_PAGE),
    }
    assert ids(page) == [int(r["id"]) for r in dataset.records("invoices")][MAX_PAGE : 2 * MAX_PAGE]
    beyond = run(
        context, "{ invoices(paginator: {page: 9999, records_per_page: 10}) { entities { id } } }"
    )
    assert beyond["invoices"]["entities"] == []
    assert errors(
        context, "{ invoices(paginator: {page: 0, records_per_page: 10}) { entities { id } } }"
    )


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
@pytest.mark.parametrize("attribute", ["id", "updated_at", "amount"])
def test_sorting(context: SonarContext, dataset: Dataset, attribute: str, direction: str) -> None:
    query = """query S($sort: [Sorter]) {
               payments(sorter: $sort, paginator: {page: 1, records_per_page: 50})
               { entities { id } } }"""
    got = ids(
        run(context, query, sort=[{"attribute": attribute, "direction": direction}])["payments"]
    )
    records = list(dataset.records("payments"))
    key = (
        (lambda r: iso_to_instant(r[attribute]))
        if attribute == "updated_at"
        else (lambda r: int(r[attribute]))
    )
    expected = sorted(records, key=lambda r: int(r["id"]))
    expected.sort(key=key, reverse=direction == "DESC")
    assert got == [int(r["id"]) for r in expected[:50]]


def test_nulls_sort_first_ascending_and_last_descending(
    context: SonarContext, dataset: Dataset
) -> None:
    query = """query S($d: SortDirection!) {
               tickets(sorter: [{attribute: "closed_at", direction: $d}],
                       paginator: {page: 1, records_per_page: 50})
               { entities { id closed_at } } }"""
    tickets = list(dataset.records("tickets"))
    still_open = [int(t["id"]) for t in tickets if t["closed_at"] is None]
    assert 0 < len(still_open) < 50
    ascending = run(context, query, d="ASC")["tickets"]["entities"]
    assert [int(t["id"]) for t in ascending[: len(still_open)]] == still_open  # ties by id
    closed = [iso_to_instant(t["closed_at"]) for t in ascending[len(still_open) :]]
    assert closed == sorted(closed)
    descending = run(context, query, d="DESC")["tickets"]["entities"]
    assert all(t["closed_at"] is not None for t in descending)


@pytest.mark.parametrize("op", list(OPERATORS))
def test_integer_and_datetime_operators(context: SonarContext, dataset: Dataset, op: str) -> None:
    records = list(dataset.records("tickets"))
    pivot = records[len(records) // 3]
    query = """query T($search: [Search]) {
               tickets(search: $search, paginator: {page: 1, records_per_page: 1})
               { page_info { total_count } } }"""
    value = pivot["ticketable_id"] or "1"
    field = {"attribute": "ticketable_id", "operator": op, "search_value": value}
    by_account = [{"integer_fields": [field]}]
    want = sum(
        r["ticketable_id"] is not None
        and OPERATORS[op](int(r["ticketable_id"]), int(pivot["ticketable_id"] or 1))
        for r in records
    )
    assert run(context, query, search=by_account)["tickets"]["page_info"]["total_count"] == want
    moment = pivot["created_at"]
    by_time = [
        {"datetime_fields": [{"attribute": "created_at", "operator": op, "search_value": moment}]}
    ]
    want = sum(
        OPERATORS[op](iso_to_instant(r["created_at"]), iso_to_instant(moment)) for r in records
    )
    assert run(context, query, search=by_time)["tickets"]["page_info"]["total_count"] == want


def test_and_within_a_search_or_between_searches(context: SonarContext, dataset: Dataset) -> None:
    records = list(dataset.records("invoices"))
    low, high = int(records[10]["id"]), int(records[40]["id"])
    account = records[100]["account_id"]
    search = [
        {"integer_fields": [{"attribute": "id", "operator": "GTE", "search_value": low},
                            {"attribute": "id", "operator": "LT", "search_value": high}]},
        {"integer_fields": [{"attribute": "account_id", "operator": "EQ", "search_value": account}],
         "boolean_fields": [{"attribute": "void", "search_value": False}]},
    ]  # fmt: skip
    query = """query I($search: [Search]) {
               invoices(search: $search, paginator: {page: 1, records_per_page: 50})
               { entities { id } page_info { total_count } } }"""
    page = run(context, query, search=search)["invoices"]
    want = [
        int(r["id"])
        for r in records
        if low <= int(r["id"]) < high or (r["account_id"] == account and not r["void"])
    ]
    assert page["page_info"]["total_count"] == len(want)
    assert ids(page) == want[:50]


def test_string_unset_and_exists_searches(context: SonarContext, dataset: Dataset) -> None:
    contacts = list(dataset.records("contacts"))
    query = (
        """query C($search: [Search]) { contacts(search: $search) { page_info { total_count } } }"""
    )

    def count(search: dict[str, Any]) -> int:
        return run(context, query, search=[search])["contacts"]["page_info"]["total_count"]  # type: ignore[no-any-return]

    partial = {"attribute": "name", "search_value": "SON", "match": True, "partial_matching": True}
    assert count({"string_fields": [partial]}) == sum("son" in c["name"].lower() for c in contacts)
    # The reference declares partial_matching: Boolean = true, so leaving it out is partial.
    defaulted = {"attribute": "name", "search_value": "SON", "match": True}
    assert count({"string_fields": [defaulted]}) == count({"string_fields": [partial]}) > 0
    whole = {**partial, "search_value": contacts[0]["name"], "partial_matching": False}
    assert count({"string_fields": [whole]}) == sum(
        c["name"].lower() == contacts[0]["name"].lower() for c in contacts
    )
    excluded = {**partial, "match": False}
    assert count({"string_fields": [excluded]}) == sum(
        "son" not in c["name"].lower() for c in contacts
    )
    assert count({"unset_fields": ["email_address"]}) == sum(
        c["email_address"] is None for c in contacts
    )
    assert count({"exists": ["email_address"]}) == sum(
        c["email_address"] is not None for c in contacts
    )


def test_field_arguments_filter_and_archived_accounts_hide(
    context: SonarContext, dataset: Dataset
) -> None:
    accounts = list(dataset.records("accounts"))
    live = [a for a in accounts if a["archived_at"] is None]
    assert len(live) < len(accounts)
    data = run(
        context,
        """{ live: accounts { page_info { total_count } }
             all: accounts(include_archived: true) { page_info { total_count } }
             active: accounts(account_status_id: 1) { page_info { total_count } }
             top: accounts(include_archived: true, parent_account_id: null)
             { page_info { total_count } } }""",
    )
    assert data["live"]["page_info"]["total_count"] == len(live)
    assert data["all"]["page_info"]["total_count"] == len(accounts)
    assert data["active"]["page_info"]["total_count"] == sum(
        a["account_status_id"] == "1" for a in live
    )
    assert data["top"]["page_info"]["total_count"] == sum(
        a["parent_account_id"] is None for a in accounts
    )


NESTED = """
query Nested($size: Int!) {
  accounts(include_archived: true, paginator: {page: 1, records_per_page: $size}) {
    entities {
      ...Owner
      contacts { entities { id phone_numbers { entities { id } page_info { total_count } } } }
      addresses(search: [{string_fields: [{attribute: "type", search_value: "PHYSICAL",
                                           match: true}]}]) { entities { id type } }
      account_services { page_info { total_count } }
      custom_field_data { entities { value } }
      notes(sorter: [{attribute: "id", direction: DESC}],
            paginator: {page: 1, records_per_page: 1}) {
        entities { id } page_info { total_count records_per_page } }
      ip_assignments { entities { subnet } }
    }
  }
  tickets(paginator: {page: 1, records_per_page: 20}) {
    entities { id ticket_replies { page_info { total_count } } ticket_comments { entities { id } } }
  }
}
fragment Owner on Account { id name }"""


def test_nested_connections_hold_each_parents_children(
    context: SonarContext, dataset: Dataset
) -> None:
    def children(query: str, key: str, owner: str | None = None) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for record in dataset.records(query):
            if owner is None or record[owner] in ("Account",):
                found.setdefault(record[key], []).append(int(record["id"]))
        return found

    data = run(context, NESTED, size=40)
    contacts = children("contacts", "contactable_id", "contactable_type")
    phones = children("phone_numbers", "contact_id")
    services = children("account_services", "account_id")
    notes = children("notes", "noteable_id", "noteable_type")
    for account in data["accounts"]["entities"]:
        got = account["contacts"]["entities"]
        assert [int(c["id"]) for c in got] == contacts.get(account["id"], [])
        for contact in got:
            assert contact["phone_numbers"]["page_info"]["total_count"] == len(
                phones.get(contact["id"], [])
            )
        assert all(a["type"] == "PHYSICAL" for a in account["addresses"]["entities"])
        assert account["account_services"]["page_info"]["total_count"] == len(
            services.get(account["id"], [])
        )
        latest = notes.get(account["id"], [])
        assert ids(account["notes"]) == sorted(latest, reverse=True)[:1]
    replies = children("ticket_replies", "ticket_id")
    for ticket in data["tickets"]["entities"]:
        assert ticket["ticket_replies"]["page_info"]["total_count"] == len(
            replies.get(ticket["id"], [])
        )


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        ('general_search: "smith"', "general_search is not supported"),
        (
            'search: [{ip_address_fields: [{attribute: "x", search_value: "1", match: true}]}]',
            "ip_address_fields",
        ),
        (
            'search: [{integer_fields: [{attribute: "name", operator: EQ, search_value: 1}]}]',
            "is a String",
        ),
        (
            'search: [{integer_fields: [{attribute: "nope", operator: EQ, search_value: 1}]}]',
            "not a field",
        ),
        ('sorter: [{attribute: "nope", direction: ASC}]', "cannot sort by 'nope'"),
        ("id: 1.5", "Int64Bit"),
    ],
)
def test_what_cannot_be_applied_is_a_graphql_error(
    context: SonarContext, arguments: str, complaint: str
) -> None:
    messages = errors(context, f"{{ accounts({arguments}) {{ entities {{ id }} }} }}")
    assert messages and complaint in messages[0]
