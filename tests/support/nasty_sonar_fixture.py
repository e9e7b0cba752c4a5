"""A Sonar fixture full of nasty data, and which of its records were planted to be rejected.

Names empty, padded with emoji, right-to-left or too long; an unknown status
and a missing parent; a malformed and a shared e-mail address, and a contact of
no account; a service on a plan that is not in the catalog; a blank note. The
bad-input test migrates it and checks each record's fate; the command-line
tests run ``migrator`` on it for its rejects.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrator.sim.sonar.app import SonarSimConfig, export_fixture
from migrator.sonar.fixture import dump_record, fixture_path, read_records

__all__ = ["nasty_fixture"]

LONG_NAME = "Very Long Business Name " * 13  # 312 characters, the last a space


def patch(
    directory: Path,
    query: str,
    changes: dict[int, dict[str, Any]],
    extra: list[dict[str, Any]] = (),
) -> None:
    """Rewrite some records of a fixture file (by id) and append new ones."""
    path = fixture_path(directory, query)
    records = [record for _, record in read_records(path)]
    for record in records:
        record.update(changes.get(int(record["id"]), {}))
    path.write_text("".join(dump_record(r) + "\n" for r in [*records, *extra]), encoding="utf-8")


def nasty_fixture(directory: Path) -> dict[str, Any]:
    export_fixture(SonarSimConfig(scale=12, seed=4), directory)
    contacts = {
        int(r["contactable_id"]): r
        for _, r in read_records(fixture_path(directory, "contacts"))
        if r["contactable_type"] == "Account"
    }
    orphan = {**contacts[1], "id": "90001", "contactable_id": "99999"}
    held = next(r for _, r in read_records(fixture_path(directory, "account_services")))
    ghost_plan = {**held, "id": "90002", "service_id": "99999"}
    note = next(
        r
        for _, r in read_records(fixture_path(directory, "notes"))
        if r["noteable_type"] == "Account"
    )
    patch(
        directory,
        "accounts",
        {
            1: {"name": ""},
            2: {"name": "  🚀🚀 Rocket  Internet 🚀 "},
            3: {"name": "مرحبا بالعالم שלום"},
            4: {"name": LONG_NAME},
            5: {"account_status_id": "777", "parent_account_id": "88888"},
        },
    )
    patch(
        directory,
        "contacts",
        {
            int(contacts[2]["id"]): {"email_address": "ada@example..org"},  # Sonar takes it
            int(contacts[3]["id"]): {"email_address": "same@example.org"},
            int(contacts[4]["id"]): {"email_address": "same@example.org"},
        },
        [orphan],
    )
    patch(directory, "account_services", {}, [ghost_plan])
    patch(directory, "notes", {int(note["id"]): {"message": "   "}})
    return {"ghost_service": 90002, "empty_note": int(note["id"])}
