"""Bad input is a usage error (exit 2) that names what to fix, never a traceback.

Run as a user runs it (``python -m migrator`` in a directory of its own, with
nothing of the developer's environment but the interpreter), so what is
checked is what an operator sees.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.errors import ConfigError
from migrator.exitcodes import ExitCode
from migrator.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]


def migrator(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SONAR_", "SPLYNX_"))}
    clean = {k: v for k, v in clean.items() if not k.startswith("MIGRATOR_")}
    return subprocess.run(
        [sys.executable, "-m", "migrator", *args],
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("limit", ["-1", "0"])
def test_a_limit_below_one_is_a_usage_error_naming_the_flag(tmp_path: Path, limit: str) -> None:
    done = migrator(tmp_path, "run", "--dry-run", "--limit", limit)
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert "--limit" in done.stderr and "at least 1" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_dotenv_file_that_is_not_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"SONAR_TOKEN=abc\nSPLYNX_API_KEY=caf\xe9\n")
    done = migrator(tmp_path, "status")
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert ".env, line 2" in done.stderr and "UTF-8" in done.stderr
    assert "Traceback" not in done.stderr and "caf" not in done.stderr  # it may be a secret


def test_a_dotenv_file_that_is_not_utf8_names_it_in_load_settings(tmp_path: Path) -> None:
    dotenv = tmp_path / "custom.env"
    dotenv.write_bytes(b"# comment\n\nSONAR_URL=\xff\xfe\n")
    with pytest.raises(ConfigError, match=r"custom\.env, line 3"):
        load_settings(env_file=dotenv)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("SONAR_URL", "ftp://sonar.example.com"),
        ("SPLYNX_URL", "htp://127.0.0.1:1"),
        ("SPLYNX_URL", "splynx.example.com"),
        ("SONAR_URL", "https://"),
        ("SPLYNX_URL", "https://splynx.test:port"),
    ],
)
def test_a_url_that_is_not_http_is_a_usage_error_naming_the_setting(
    tmp_path: Path, name: str, url: str
) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings(env_file=None, overrides={name.lower(): url})
    done = migrator(tmp_path, "run", **{name: url})
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert name in done.stderr and "http" in done.stderr


def test_an_empty_url_is_unset_not_wrong() -> None:
    assert load_settings(env_file=None, overrides={"sonar_url": ""}).sonar_url is None


def test_a_url_with_credentials_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env_file=None, overrides={"splynx_url": "ftp://admin:hunter2@splynx"})
    assert "hunter2" not in str(caught.value)


def test_a_bad_flag_names_the_flag_and_a_bad_variable_the_variable(tmp_path: Path) -> None:
    flag = migrator(tmp_path, "run", "--writers", "0")
    assert flag.returncode == ExitCode.USAGE, flag.stderr
    assert "--writers" in flag.stderr and "MIGRATOR_WRITERS" not in flag.stderr
    variable = migrator(tmp_path, "run", MIGRATOR_WRITERS="0")
    assert variable.returncode == ExitCode.USAGE, variable.stderr
    assert "MIGRATOR_WRITERS" in variable.stderr
    state = migrator(tmp_path, "export", "--out", "x", "--page-size", "0")
    assert state.returncode == ExitCode.USAGE and "--page-size" in state.stderr
