"""The entity map is a table both the engine and the pre-flight read: it must hold together."""

from __future__ import annotations

from migrator.entity_map import ENTITIES, ENTITY_ORDER, LOOKUPS, mapped
from migrator.sonar.schema import LIST_QUERIES
from migrator.splynx.endpoints import endpoint


def test_parents_come_before_their_children() -> None:
    for position, entity in enumerate(ENTITIES):
        earlier = set(ENTITY_ORDER[:position])
        assert set(entity.depends_on) <= earlier, entity.name


def test_every_name_is_a_sonar_query_or_a_splynx_endpoint() -> None:
    queries = {e.query for e in ENTITIES if e.query} | {e.writes.query for e in ENTITIES}
    assert (queries - {None}) | set(LOOKUPS) <= set(LIST_QUERIES)
    for entity in ENTITIES:
        for name in entity.endpoints:
            assert endpoint(name).name == name  # a ConfigError for an unknown endpoint


def test_rows_are_found_by_name() -> None:
    assert ENTITY_ORDER[0] == "partners"
    assert mapped("customers").endpoints == ("customers", "customer_info", "customer_billing")
    assert len(set(ENTITY_ORDER)) == len(ENTITIES)
