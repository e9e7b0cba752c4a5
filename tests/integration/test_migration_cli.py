"""The operator's surface, as a user runs it: exit codes, the error budget, a dry run,
``status`` and ``rejects`` in their three shapes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from anyio.streams.buffered import BufferedByteReceiveStream

from migrator.exitcodes import ExitCode
from migrator.sim.harness import serve
from migrator.sim.sonar.app import SonarSimConfig
from migrator.sim.sonar.app import build_app as build_sonar
from tests.support.migration_processes import environment
from tests.support.nasty_sonar_fixture import nasty_fixture
from tests.support.pair import KEY, SECRET, TOKEN, running_pair

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


async def migrator(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    command = [sys.executable, "-m", "migrator", *args, "--env-file", str(cwd / "none")]
    done = await anyio.run_process(command, env=env, cwd=cwd, check=False)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


async def test_rejects_status_dry_run_and_the_error_budget(tmp_path: Path) -> None:
    planted = nasty_fixture(tmp_path / "fixture")
    async with running_pair({"fixture": tmp_path / "fixture"}) as pair:
        env = environment(pair.sonar_url, pair.splynx_url, tmp_path / "state.sqlite3")

        code, out, err = await migrator("run", "--dry-run", env=env, cwd=tmp_path)
        assert code == ExitCode.REJECTS, err
        assert "would be rejected" in out
        assert "What Sonar's values become" in out  # the status / category mapping table
        assert "estimated duration of the real run: about" in out
        assert "Sonar requests ÷ 400/min" not in out  # the test runs without a Sonar limit
        assert not (tmp_path / "state.sqlite3").exists(), "a dry run must leave no state"

        budget_env = {**env, "MIGRATOR_STATE": str(tmp_path / "budget.sqlite3")}
        code, out, err = await migrator("run", "--max-errors", "1", env=budget_env, cwd=tmp_path)
        assert code == ExitCode.ERROR_BUDGET, err
        assert "--max-errors 1" in out

        code, out, err = await migrator("run", env=env, cwd=tmp_path)
        assert code == ExitCode.REJECTS, err
        summary = json.loads((tmp_path / "state.sqlite3.summary.json").read_text())
        assert summary["status"] == "rejects"
        assert summary["entities"]["customers"]["rejected"] == 1
        assert (tmp_path / "state.sqlite3").stat().st_mode & 0o777 == 0o600

    code, out, _ = await migrator("rejects", "--json", env=env, cwd=tmp_path)
    rejects = json.loads(out)
    assert code == ExitCode.OK
    assert {"entity", "sonar_id", "field", "reason"} <= set(rejects[0])
    assert {(r["entity"], r["sonar_id"]) for r in rejects} >= {
        ("customers", 1),
        ("customer_notes", planted["empty_note"]),
    }
    code, out, _ = await migrator(
        "rejects", "--csv", "--entity", "customers", env=env, cwd=tmp_path
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["entity"], r["sonar_id"], r["field"]) for r in rows] == [("customers", "1", "name")]
    code, out, _ = await migrator("status", "--json", env=env, cwd=tmp_path)
    status = json.loads(out)
    assert status["entities"]["customers"]["rejected"] == 1
    assert status["runs"][-1]["status"] == "rejects"
    code, out, _ = await migrator("status", env=env, cwd=tmp_path)
    assert code == ExitCode.OK and "customers" in out


async def test_status_without_a_state_file_says_so(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "MIGRATOR_STATE": str(tmp_path / "nothing.sqlite3"),
        "PYTHONPATH": str(ROOT),
    }
    code, _, err = await migrator("status", env=env, cwd=tmp_path)
    assert code == ExitCode.USAGE
    assert "no state file" in err


async def test_unreachable_sonar_is_a_fatal_error_naming_it(tmp_path: Path) -> None:
    env = environment("http://127.0.0.1:9", "http://127.0.0.1:9", tmp_path / "s.sqlite3")
    env["MIGRATOR_RETRY_BUDGET"] = "1"
    code, out, err = await migrator("run", env=env, cwd=tmp_path)
    assert code == ExitCode.FATAL, out + err
    assert "Traceback" not in out + err


async def test_only_a_child_entity_uses_parents_migrated_by_an_earlier_run(tmp_path: Path) -> None:
    async with running_pair({"scale": 10}) as pair:
        env = environment(pair.sonar_url, pair.splynx_url, tmp_path / "state.sqlite3")
        code, out, err = await migrator(
            "run", "--only", "partners,locations", env=env, cwd=tmp_path
        )
        assert code == ExitCode.OK, out + err
        code, out, err = await migrator("run", "--only", "customers", env=env, cwd=tmp_path)
        assert code in (ExitCode.OK, ExitCode.REJECTS), out + err
        summary = json.loads((tmp_path / "state.sqlite3.summary.json").read_text())
        assert list(summary["entities"]) == ["customers"]
        customers = summary["entities"]["customers"]
        assert customers["written"] > 0 and customers["written"] + customers["rejected"] == 10
        code, out, _ = await migrator("rejects", "--json", env=env, cwd=tmp_path)
        assert not [r for r in json.loads(out) if "is not in Splynx" in r["reason"]]


async def test_check_and_run_sign_requests_for_a_splynx_that_checks_nonces(tmp_path: Path) -> None:
    # reference §1.2: the key setting check_nonce, here `migrator sim splynx --check-nonce`;
    # check, then run: a second process that must start above the first one's nonces.
    command = [sys.executable, "-m", "migrator", "sim", "splynx", "--port", "0",
               "--api-key", KEY, "--api-secret", SECRET, "--check-nonce",
               "--latency-ms", "10:5", "--marker-fields"]  # fmt: skip
    sonar = build_sonar(SonarSimConfig(token=TOKEN, scale=8, seed=3, rate_limit=0))
    async with await anyio.open_process(command, cwd=ROOT, stderr=subprocess.DEVNULL) as splynx:
        try:
            assert splynx.stdout is not None
            first_line = await BufferedByteReceiveStream(splynx.stdout).receive_until(b"\n", 200)
            async with serve(sonar) as sonar_url:
                env = environment(sonar_url, first_line.decode(), tmp_path / "state.sqlite3")
                env["SPLYNX_AUTH"] = "signature"
                code, out, err = await migrator("check", env=env, cwd=tmp_path)
                assert code == ExitCode.OK, out + err
                code, out, err = await migrator("run", env=env, cwd=tmp_path)
                assert code in (ExitCode.OK, ExitCode.REJECTS), out + err
            summary = json.loads((tmp_path / "state.sqlite3.summary.json").read_text())
            assert summary["entities"]["customers"]["written"] > 0
        finally:
            splynx.terminate()
