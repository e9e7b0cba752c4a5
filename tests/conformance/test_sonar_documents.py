"""Every GraphQL document the client can send is valid against the real Sonar schema."""

from __future__ import annotations

from graphql import GraphQLSchema

from migrator.sonar.codegen import MONEY_FIELDS
from migrator.sonar.queries import all_documents, validation_errors
from migrator.sonar.schema import LIST_QUERIES, entity_type


def test_every_document_validates_against_the_real_schema(
    real_sonar_schema: GraphQLSchema,
) -> None:
    assert len(all_documents()) > len(LIST_QUERIES)
    assert validation_errors(real_sonar_schema) == []


def test_money_fields_are_integers_in_the_real_schema(real_sonar_schema: GraphQLSchema) -> None:
    """Our models call these cents: the real schema must have them as Int."""
    seen = set()
    for query in LIST_QUERIES:
        real = real_sonar_schema.get_type(entity_type(query).name)
        for name in MONEY_FIELDS & set(real.fields):  # type: ignore[union-attr]
            assert str(real.fields[name].type).rstrip("!") == "Int", (query, name)  # type: ignore[union-attr]
            seen.add(name)
    assert seen == MONEY_FIELDS
