"""Files holding customer data are owner-only, even when they existed wider before."""

from __future__ import annotations

from pathlib import Path

from migrator.private_files import private_file


def test_a_new_file_is_owner_only_and_its_parent_is_made(tmp_path: Path) -> None:
    path = private_file(tmp_path / "deeper" / "run.summary.json")
    assert path.exists() and path.stat().st_mode & 0o777 == 0o600


def test_an_existing_wider_file_is_narrowed_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3.summary.json"
    path.write_text("earlier")
    path.chmod(0o644)
    private_file(path)
    assert path.stat().st_mode & 0o777 == 0o600 and path.read_text() == "earlier"
