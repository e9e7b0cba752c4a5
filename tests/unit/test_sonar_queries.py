"""The documents the client sends: built from the schema, variables only, right keys."""

from __future__ import annotations

import pytest
from graphql import (
    ArgumentNode,
    FieldNode,
    OperationDefinitionNode,
    VariableNode,
    build_schema,
    print_ast,
    visit,
)
from graphql.language import Visitor

from migrator.errors import ProtocolError
from migrator.sonar import queries
from migrator.sonar.queries import (
    ACCOUNT_RELATIONS,
    FINANCE_FIELDS,
    FINANCE_RELATIONS,
    account_ip_assignments_document,
    all_documents,
    check_documents,
    nested_accounts_document,
    page_document,
    probe_document,
    relation_page_document,
    validation_errors,
)
from migrator.sonar.schema import LIST_QUERIES, entity_fields, pruned_schema
from migrator.sonar.variables import (
    defined_variables,
    keyset_variables,
    numbered_page_variables,
    probe_variables,
    relation_page_variables,
)


def test_every_document_is_valid_against_the_bundled_schema() -> None:
    check_documents()
    documents = all_documents()
    # a page and a probe per list query, the four nested reads of accounts (all relations;
    # services, IPs and credentials; what a customer is made of; finance) and the one of
    # tickets, one more-page per relation at each depth (8 + 4 finance of accounts; a
    # contact's phones, a RADIUS account's and a MAC's IPs; a ticket's replies and
    # comments), and the account_ip_assignments page
    assert len(documents) == 2 * len(LIST_QUERIES) + 5 + 12 + 3 + 2 + 1
    assert (
        "AccountsNestedPageWithAccountServicesIpAssignmentsRadiusAccounts"
        "UninventoriedMacAddressesAccountBillingParameter"
    ) in documents
    assert {"RadiusAccountsIpAssignmentsPage", "AccountIpAssignmentsPage"} <= set(documents)
    assert validation_errors(pruned_schema()) == []


def test_an_invalid_document_is_caught_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = build_schema("type Query { accounts: Int }")
    monkeypatch.setattr(queries, "pruned_schema", lambda: broken)
    check_documents.cache_clear()  # an earlier test may have passed it already
    with pytest.raises(ProtocolError, match="AccountsPage"):
        check_documents()
    check_documents.cache_clear()


class _Arguments(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.literals: list[str] = []

    def enter_argument(self, node: ArgumentNode, *_: object) -> None:
        if not isinstance(node.value, VariableNode):
            self.literals.append(node.name.value)


def test_documents_carry_values_only_as_variables() -> None:
    for name, document in all_documents().items():
        found = _Arguments()
        visit(document.document, found)
        assert found.literals == [], f"{name} has literal arguments {found.literals}"


def _entity_keys(query: str) -> list[str]:
    operation = page_document(query).document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    root = operation.selection_set.selections[0]
    assert isinstance(root, FieldNode) and root.selection_set is not None
    entities = root.selection_set.selections[0]
    assert isinstance(entities, FieldNode) and entities.selection_set is not None
    return [field.name.value for field in entities.selection_set.selections]  # type: ignore[attr-defined]


@pytest.mark.parametrize("query", LIST_QUERIES)
def test_page_selects_exactly_the_fixture_keys_in_order(query: str) -> None:
    assert _entity_keys(query) == list(entity_fields(query))


def test_keyset_variables_match_each_document() -> None:
    for query in LIST_QUERIES:
        variables = keyset_variables(query, 10, 20, 100)
        assert set(variables) == defined_variables(page_document(query)), query
        assert set(probe_variables(query)) <= defined_variables(probe_document(query))
    nested = keyset_variables("accounts", 0, None, 50, nested_page_size=25)
    assert set(nested) == defined_variables(nested_accounts_document())
    assert set(nested) == defined_variables(nested_accounts_document(FINANCE_FIELDS))
    for relation in (*ACCOUNT_RELATIONS, *FINANCE_RELATIONS):
        doc = relation_page_document("accounts", relation.field)
        values = relation_page_variables("accounts", relation.field, 7, 2, 25, 25)
        assert set(values) == defined_variables(doc), relation.field
        for child in relation.children:  # one level down: a RADIUS account's IPs
            doc = relation_page_document(relation.query, child.field)
            values = relation_page_variables(relation.query, child.field, 7, 2, 25, 25)
            assert set(values) == defined_variables(doc), (relation.field, child.field)
    assert set(numbered_page_variables(3, 100)) == defined_variables(
        account_ip_assignments_document()
    )


def test_keyset_window_and_archived_accounts() -> None:
    variables = keyset_variables("accounts", 100, 250, 50)
    assert variables["sorter"] == [{"attribute": "id", "direction": "ASC"}]
    assert variables["paginator"] == {"page": 1, "records_per_page": 50}
    (search,) = variables["search"]  # one Search object: its conditions are ANDed
    assert search["integer_fields"] == [
        {"attribute": "id", "operator": "GT", "search_value": 100},
        {"attribute": "id", "operator": "LTE", "search_value": 250},
    ]
    assert variables["include_archived"] is True
    open_ended = keyset_variables("invoices", 5, None, 50)
    assert len(open_ended["search"][0]["integer_fields"]) == 1
    assert "include_archived" not in open_ended  # invoices has no such argument


def test_unknown_relation_is_refused() -> None:
    with pytest.raises(KeyError):
        relation_page_document("accounts", "tickets")
    with pytest.raises(KeyError):  # a relation of another parent is not this one's
        relation_page_document("contacts", "ip_assignments")


def test_finance_is_read_nested_only_when_named() -> None:
    """The default nested page (the preflight's sample) carries no ledger."""
    default = print_ast(nested_accounts_document().document)
    assert "invoices" not in default and "payments" not in default
    finance = print_ast(nested_accounts_document(FINANCE_FIELDS).document)
    for field in ("invoices", "debits", "credits", "payments"):
        assert f"{field}(paginator: $nested, sorter: $nested_sorter)" in finance
    assert "contacts" not in finance
