"""``python -m migrator check`` as a user runs it: environment in, table or JSON and exit code out.

Both simulators serve in this process while the command runs in a child
process, configured only through environment variables.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

from migrator.exitcodes import ExitCode
from migrator.sim.faults import Latency
from migrator.sim.sonar.app import DEFAULT_TOKEN
from tests.support.preflight_systems import Systems, systems
from tests.support.splynx_sim import KEY, SECRET

ROOT = Path(__file__).resolve().parents[2]
_OURS = ("SONAR_", "SPLYNX_", "MIGRATOR_")


def environment(env: Systems, **changes: str) -> dict[str, str]:
    """The user's shell: our settings only (nothing inherited that could change them)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    ours = {
        "SONAR_URL": env.sonar_url,
        "SONAR_TOKEN": DEFAULT_TOKEN,
        "SPLYNX_URL": env.splynx.url,
        "SPLYNX_API_KEY": KEY,
        "SPLYNX_API_SECRET": SECRET,
        "MIGRATOR_SONAR_RATE": "0",
        "MIGRATOR_RETRY_BUDGET": "0",
    }
    return {**base, **ours, **changes}


async def check(environ: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "migrator", "check", "--env-file", os.devnull, *args]
    with anyio.fail_after(60):
        return await anyio.run_process(command, cwd=ROOT, env=environ, check=False)


async def test_healthy_systems_exit_0_with_the_table_and_estimate() -> None:
    async with systems() as env:
        result = await check(environment(env))
    out = result.stdout.decode()
    assert result.returncode == ExitCode.OK, result.stderr.decode()
    assert "splynx.access.customers" in out and "Duration estimate" in out
    assert "ready: nothing blocks a migration" in out


async def test_a_withheld_permission_exits_5_naming_it() -> None:
    async with systems(deny=("admin/customers/customer",)) as env:
        result = await check(environment(env), "--writers", "16")
    out = " ".join(result.stdout.decode().split())  # the table wraps long cells
    assert result.returncode == ExitCode.BLOCKED
    assert "Customers / Customers: view" in out and "BLOCKER" in out
    assert "÷ 16 writers" in out  # the flag reached the estimate


async def test_json_for_a_missing_marker_field_exits_5() -> None:
    async with systems(additional_fields=()) as env:
        result = await check(environment(env), "--json")
    assert result.returncode == ExitCode.BLOCKED
    data = json.loads(result.stdout)
    blockers = [f["check"] for f in data["findings"] if f["status"] == "blocker"]
    assert "splynx.marker.customers" in blockers and data["exit_code"] == 5


async def test_refused_credentials_exit_5_and_never_print_the_secret() -> None:
    async with systems() as env:
        wrong = environment(env, SPLYNX_API_SECRET="hunter2-not-it", SONAR_TOKEN="tok-not-it")
        result = await check(wrong)
    printed = result.stdout.decode() + result.stderr.decode()
    assert result.returncode == ExitCode.BLOCKED
    assert "sonar.auth" in printed and "splynx.auth" in printed
    assert "hunter2-not-it" not in printed and "tok-not-it" not in printed
    assert "Traceback" not in printed


async def test_missing_settings_are_a_usage_error_naming_them() -> None:
    async with systems() as env:
        environ = environment(env)
        del environ["SONAR_TOKEN"], environ["SPLYNX_API_SECRET"]
        result = await check(environ)
    assert result.returncode == ExitCode.USAGE
    assert "not set: SONAR_TOKEN, SPLYNX_API_SECRET" in result.stderr.decode()
    assert result.stdout == b""


def test_help_teaches_what_is_checked_and_the_exit_codes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "migrator", "check", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    for text in ("OPTIONS", "sonar_id", "SPLYNX_DB_DSN", "--json", "examples:", "5 = blockers"):
        assert text in result.stdout, text


@pytest.mark.parametrize(
    ("auth", "check_nonce"),
    [("signature", False), ("signature", True), ("token", True), ("basic", False)],
)
async def test_every_auth_passes_with_nonce_checking_on_and_off(
    auth: str, check_nonce: bool
) -> None:
    # reference §1.2: check_nonce is the key's setting, off on the live key
    async with systems(check_nonce=check_nonce, latency=Latency.parse("2")) as env:
        result = await check(environment(env, SPLYNX_AUTH=auth))
    assert result.returncode == ExitCode.OK, result.stdout.decode() + result.stderr.decode()


async def test_fix_with_json_keeps_stdout_for_the_report() -> None:
    async with systems(additional_fields=()) as env:
        result = await check(environment(env), "--fix", "--yes", "--json")
    assert result.returncode == ExitCode.OK, result.stderr.decode()
    data = json.loads(result.stdout)  # the fix's words went to stderr
    assert data["blocked"] is False
    assert "created customers.sonar_id" in " ".join(result.stderr.decode().split())
