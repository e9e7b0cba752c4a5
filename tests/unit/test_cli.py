"""The command line's promises: help that teaches, documented exit codes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from migrator.cli import COMMANDS
from migrator.exitcodes import ExitCode

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "migrator", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_lists_exit_codes() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for code in ExitCode:
        assert re.search(rf"^\s+{int(code)}\s", result.stdout, re.M), code


def test_readme_documents_every_exit_code_and_both_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    for code in ExitCode:
        assert f"| {int(code)} |" in readme, code
    assert "pip install . && migrator demo" in readme
    assert "pip install '.[dev]' && python -m pytest" in readme
    assert "pip install '.[dev]' && python -m pytest" in (ROOT / ".ci" / "run").read_text()


def test_unknown_command_is_a_usage_error() -> None:
    result = run_cli("no-such-command")
    assert result.returncode == ExitCode.USAGE
    assert "invalid choice" in result.stderr
    for command in COMMANDS:  # every command is offered, though only the named one is loaded
        assert f"'{command}'" in result.stderr


def test_only_the_named_commands_module_is_loaded() -> None:
    probe = (
        "import sys; from migrator.cli import build_parser; "
        "build_parser(['status', '--json']); "
        "print(sorted(m for m in sys.modules if m.startswith('migrator.cli.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split("\n")[0] == "['migrator.cli.common', 'migrator.cli.state_views']"


def test_version_and_a_commands_help() -> None:
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("migrator ")
    helped = run_cli("rejects", "--help")
    assert helped.returncode == 0 and "--csv" in helped.stdout
    top = run_cli("--help", "run")  # the top-level help, whatever follows it
    assert top.returncode == 0 and all(f"    {command}" in top.stdout for command in COMMANDS)
