"""``migrator export`` / ``demo`` command lines: flags, usage errors, help that teaches."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.cli.export import parse_only
from migrator.errors import AuthFailed, ConfigError, ErrorBudgetExceeded, GaveUp, most_telling
from migrator.exitcodes import ExitCode
from migrator.sonar.schema import LIST_QUERIES

ROOT = Path(__file__).resolve().parents[2]


def migrator(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SONAR_", "MIGRATOR_"))}
    return subprocess.run(
        [sys.executable, "-m", "migrator", *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_only_selects_queries_in_canonical_order() -> None:
    assert parse_only(None) == list(LIST_QUERIES)
    assert parse_only("invoices, accounts") == ["accounts", "invoices"]
    with pytest.raises(ConfigError, match="emails"):
        parse_only("accounts,emails")


def test_missing_connection_settings_are_a_usage_error(tmp_path: Path) -> None:
    result = migrator("export", "--out", str(tmp_path), "--env-file", str(tmp_path / "none"))
    assert result.returncode == ExitCode.USAGE
    assert "SONAR_URL" in result.stderr and "Traceback" not in result.stderr
    missing_token = migrator(
        "export", "--out", str(tmp_path), env={"SONAR_URL": "https://x.example"}
    )
    assert missing_token.returncode == ExitCode.USAGE
    assert "SONAR_TOKEN" in missing_token.stderr
    bad_only = migrator("export", "--out", str(tmp_path), "--only", "nope")
    assert bad_only.returncode == ExitCode.USAGE and "nope" in bad_only.stderr


def test_help_explains_resuming_and_the_budget() -> None:
    text = migrator("export", "--help").stdout
    for phrase in ("Run the same command again", "SONAR_TOKEN", "--sonar-rate", "examples:"):
        assert phrase in text
    assert "default: None" not in text
    assert "--scale" in migrator("demo", "--help").stdout


def test_the_most_telling_error_comes_out_of_a_task_group() -> None:
    group = BaseExceptionGroup(
        "x", [GaveUp("notes page 2", 3, None), ExceptionGroup("y", [AuthFailed("token")])]
    )
    assert isinstance(most_telling(group), GaveUp)
    assert isinstance(
        most_telling(BaseExceptionGroup("z", [ConfigError("c"), GaveUp("o", 1, None)])), ConfigError
    )
    assert isinstance(
        most_telling(BaseExceptionGroup("k", [GaveUp("o", 1, None), KeyboardInterrupt()])),
        KeyboardInterrupt,
    )
    budget = ErrorBudgetExceeded("too many")
    assert most_telling(BaseExceptionGroup("b", [ValueError("bug"), budget])) is budget
    assert isinstance(most_telling(ExceptionGroup("v", [ValueError("bug")])), ValueError)
