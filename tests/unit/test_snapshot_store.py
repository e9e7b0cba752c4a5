"""The export's resumable files: torn lines cut, ids continue, fixture files atomic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrator.errors import ConfigError
from migrator.export.snapshot_store import WORK_DIR, SnapshotStore
from migrator.sonar.extract import split
from migrator.sonar.fixture import dump_record, fixture_path


def line(record_id: int) -> str:
    return dump_record({"id": str(record_id), "name": f"n{record_id}"})


def test_resume_point_cuts_a_torn_line_and_names_the_last_complete_id(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path, source="abc")
    store.planned("accounts", 10, split("accounts", 1, 10, 2))
    store.append("accounts", 0, [line(1), line(2), line(3)])
    with store.part_path("accounts", 0).open("a", encoding="utf-8") as part:
        part.write(line(4)[:7])  # a crash in the middle of a write
    again = SnapshotStore(tmp_path, source="abc")
    assert again.resume_point("accounts", 0) == (3, 3)
    assert store.part_path("accounts", 0).read_text().endswith(line(3) + "\n")
    assert again.resume_point("accounts", 1) == (None, 0)
    again.append("accounts", 0, [line(4)])
    assert again.resume_point("accounts", 0) == (4, 4)


def test_a_part_holding_only_a_torn_line_restarts_from_its_bound(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path, source="abc")
    store.planned("notes", 3, split("notes", 1, 3, 1))
    store.part_path("notes", 0).write_text('{"id":"1","na')
    assert store.resume_point("notes", 0) == (None, 0)
    assert store.part_path("notes", 0).read_bytes() == b""


def test_finish_assembles_partitions_in_order_and_survives_a_restart(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path, source="abc")
    store.planned("debits", 6, split("debits", 1, 6, 2))
    store.append("debits", 1, [line(5), line(6)])
    assert store.partition_done("debits", 1) is False
    store.append("debits", 0, [line(1), line(2), line(3)])
    assert store.partition_done("debits", 0) is True
    assert store.finish("debits") == 5
    lines = fixture_path(tmp_path, "debits").read_text().splitlines()
    assert [json.loads(text)["id"] for text in lines] == ["1", "2", "3", "5", "6"]
    assert not list((tmp_path / WORK_DIR).glob("debits.*.part"))
    again = SnapshotStore(tmp_path, source="abc")
    assert again.queries["debits"].finished and again.queries["debits"].records == 5


def test_refuses_a_foreign_file_or_another_sonar_unless_fresh(tmp_path: Path) -> None:
    fixture_path(tmp_path, "users").write_text(line(1) + "\n")
    store = SnapshotStore(tmp_path, source="abc")
    with pytest.raises(ConfigError, match=r"users\.jsonl"):
        store.check_foreign("users")
    store.planned("users", 1, split("users", 1, 1, 1))
    store.check_foreign("users")  # planned by us: ours to overwrite
    with pytest.raises(ConfigError, match="different Sonar"):
        SnapshotStore(tmp_path, source="other")
    fresh = SnapshotStore(tmp_path, source="other", fresh=True)
    assert fresh.queries == {}
    assert not list((tmp_path / WORK_DIR).glob("*.part"))


def test_fresh_starts_over_a_finished_export_in_the_same_directory(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path, source="abc")
    store.planned("users", 1, split("users", 1, 1, 1))
    store.append("users", 0, [line(1)])
    store.partition_done("users", 0)
    store.finish("users")
    again = SnapshotStore(tmp_path, source="abc", fresh=True)
    again.check_foreign("users")  # our own earlier export: --fresh replaces it
    again.planned("users", 1, split("users", 1, 1, 1))
    assert SnapshotStore(tmp_path, source="abc").queries["users"].finished is False


def test_unreadable_state_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / WORK_DIR).mkdir()
    (tmp_path / WORK_DIR / "state.json").write_text("{not json")
    with pytest.raises(ConfigError, match="--fresh"):
        SnapshotStore(tmp_path, source="abc")


def test_parts_and_fixture_files_are_owner_only(tmp_path: Path) -> None:
    """They hold customer data, RADIUS passwords included."""
    store = SnapshotStore(tmp_path, source="abc")
    store.planned("radius_accounts", 2, split("radius_accounts", 1, 2, 2))
    store.part_path("radius_accounts", 1).unlink()
    assert store.resume_point("radius_accounts", 1) == (None, 0)  # recreated
    for index in (0, 1):
        assert store.part_path("radius_accounts", index).stat().st_mode & 0o777 == 0o600
    store.append("radius_accounts", 0, [line(1), line(2)])
    store.partition_done("radius_accounts", 0)
    store.partition_done("radius_accounts", 1)
    store.finish("radius_accounts")
    assert fixture_path(tmp_path, "radius_accounts").stat().st_mode & 0o777 == 0o600
