"""The fixture format's shared pieces: field lists, canonical lines, clear line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.sonar.fixture import FixtureLineError, dump_record, fixture_path, read_records
from migrator.sonar.schema import LIST_QUERIES, entity_fields, entity_type


def test_every_list_query_has_an_entity_with_id_first() -> None:
    for query in LIST_QUERIES:
        fields = entity_fields(query)
        assert fields[:2] == ("id", "sonar_unique_id"), query
        assert "created_at" in fields and "updated_at" in fields
    assert entity_type("accounts").name == "Account"
    assert "contacts" not in entity_fields("accounts")  # relations are not fixture keys
    assert {"contactable_type", "contactable_id"} <= set(entity_fields("contacts"))
    with pytest.raises(KeyError):
        entity_type("emails")


def test_lines_round_trip_byte_for_byte(tmp_path: Path) -> None:
    records = [
        {"id": "1", "name": "Zoë Ünïcode 🚀", "amount": 1250, "note": None},
        {"id": "2", "name": "שלום", "amount": -1, "note": "a\nb"},
    ]
    path = fixture_path(tmp_path, "accounts")
    path.write_text("".join(dump_record(r) + "\n" for r in records), encoding="utf-8")
    assert [r for _, r in read_records(path)] == records
    again = "".join(dump_record(r) + "\n" for _, r in read_records(path))
    assert again == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"id": "1"}\n{"id": \n', "accounts.jsonl:2: not valid JSON"),
        ("[1, 2]\n", ":1: not a JSON object"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path: Path, content: str, problem: str) -> None:
    path = fixture_path(tmp_path, "accounts")
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FixtureLineError, match=problem):
        list(read_records(path))
