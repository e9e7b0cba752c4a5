"""Fixtures every test module may use.

Under ``CI=true`` a missing MariaDB or a missing ../shared/reference is a
failure, never a skip: CI must prove what it claims.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = Path(
    os.environ.get("MIGRATOR_REFERENCE", REPO_ROOT.parent / "shared" / "reference")
)
MARIADB = {
    "host": os.environ.get("MIGRATOR_TEST_DB_HOST", "127.0.0.1"),
    "port": int(os.environ.get("MIGRATOR_TEST_DB_PORT", "3306")),
    "user": os.environ.get("MIGRATOR_TEST_DB_USER", "root"),
    "password": os.environ.get("MIGRATOR_TEST_DB_PASSWORD", ""),
    "database": os.environ.get("MIGRATOR_TEST_DB_NAME", "test"),
}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip locally; fail in CI."""
    if in_ci():
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """../shared/reference: the real specifications the simulators must match."""
    if not (REFERENCE_DIR / "sonar_schema.graphql").is_file():
        unavailable(f"no reference files at {REFERENCE_DIR}")
    return REFERENCE_DIR


@pytest.fixture(scope="session")
def mariadb() -> Iterator[dict[str, object]]:
    """Connection parameters of the local MariaDB, checked to be reachable."""
    import pymysql

    try:
        connection = pymysql.connect(connect_timeout=3, **MARIADB)  # type: ignore[arg-type]
    except pymysql.MySQLError as exc:
        unavailable(f"MariaDB at {MARIADB['host']}:{MARIADB['port']} unreachable: {exc}")
    connection.close()
    yield dict(MARIADB)


@pytest.fixture(autouse=True)
def _state_outside_the_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default state file and the user's state directory (the signature nonce
    ledger) are the test's own, never the checkout or the home directory."""
    monkeypatch.setenv("MIGRATOR_STATE", str(tmp_path / "migrator-state.sqlite3"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
