"""A lone UTF-16 surrogate escape (``"\\ud800"``): valid JSON, not text UTF-8 can carry.

Read as JSON allows, cleaned by the transforms with a note, refused alone by the
client if any field still holds one, and written back out escaped by a fixture.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from migrator.errors import Rejected
from migrator.sonar.classify import HttpAnswer, classify
from migrator.sonar.fixture import dump_record
from migrator.splynx.decode import check_encodable
from migrator.transform.cleaning import Notes, first_valid_email, long_text, name_text, short_text

LONE = "\ud800"


def test_a_sonar_page_with_a_lone_surrogate_is_read_as_json_allows() -> None:
    body = b'{"data": {"accounts": {"entities": [{"id": "1", "name": "a\\ud800b"}]}}}'
    data = classify(HttpAnswer(200, body))
    assert data["accounts"]["entities"][0]["name"] == f"a{LONE}b"


@pytest.mark.parametrize(
    ("clean", "given", "expected"),
    [
        (name_text, f"Rocket{LONE}  Internet", "Rocket\ufffd Internet"),
        (short_text, f" 90{LONE}210 ", "90\ufffd210"),
        (long_text, f"line one\n{LONE}line two", "line one\n\ufffdline two"),
        (name_text, f"{LONE}\udc00", "\ufffd\ufffd"),  # two lone ones, reversed: not a pair
    ],
)
def test_text_cleaning_replaces_each_lone_surrogate_with_a_note(
    clean: Callable[..., str | None], given: str, expected: str
) -> None:
    notes = Notes()
    assert clean(given, "name", None, False, notes) == expected
    assert any("U+FFFD" in line for line in notes.lines)


def test_an_address_holding_a_lone_surrogate_is_left_out_with_a_note() -> None:
    notes = Notes()
    chosen = first_valid_email([f"ada{LONE}@example.org", "ada@example.org"], "email", notes)
    assert chosen == "ada@example.org"
    assert len(notes.lines) == 1 and "\\ud800" in notes.lines[0]  # quoted escaped, storable
    notes.lines[0].encode("utf-8")


def test_a_body_still_holding_one_is_refused_naming_the_field() -> None:
    check_encodable({"name": "fine", "additional_attributes": {"sonar_id": "7"}})
    with pytest.raises(Rejected) as refused:
        check_encodable({"name": "fine", "additional_attributes": {"note": f"x{LONE}"}})
    assert refused.value.field == "additional_attributes.note"


def test_a_fixture_line_keeps_it_as_an_escape() -> None:
    line = dump_record({"id": "1", "name": f"a{LONE}b", "city": "Zürich"})
    line.encode("utf-8")
    assert json.loads(line)["name"] == f"a{LONE}b"
    assert "Zürich" in dump_record({"city": "Zürich"})  # other text stays as it is
