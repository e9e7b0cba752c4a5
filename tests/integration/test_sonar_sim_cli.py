"""``migrator sim sonar`` as a user runs it: URL first, serves, stops cleanly on SIGTERM."""

from __future__ import annotations

import re
import selectors
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from migrator.sim.sonar.app import DEFAULT_TOKEN, GRAPHQL_PATH
from migrator.sonar.schema import SERVED_QUERIES

ROOT = Path(__file__).resolve().parents[2]
MIGRATOR = [sys.executable, "-m", "migrator", "sim", "sonar"]


def first_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            process.kill()
            pytest.fail(f"no URL on stdout within {timeout} s")
    return process.stdout.readline().rstrip("\n")


def test_prints_its_url_serves_and_stops_on_sigterm() -> None:
    process = subprocess.Popen(
        [*MIGRATOR, "--scale", "30", "--port", "0", "--rate-limit", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = first_line(process, timeout=30)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url), url
        answer = httpx.post(
            url + GRAPHQL_PATH,
            json={"query": "{ accounts(include_archived: true) { page_info { total_count } } }"},
            headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"},
        )
        assert answer.json() == {"data": {"accounts": {"page_info": {"total_count": 30}}}}
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert stdout == ""  # the URL was the only line
    assert "Traceback" not in stderr


def test_export_fixture_writes_every_query_and_exits(tmp_path: Path) -> None:
    result = subprocess.run(
        [*MIGRATOR, "--scale", "10", "--seed", "3", "--export-fixture", str(tmp_path / "snap")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.stem for p in (tmp_path / "snap").glob("*.jsonl")) == sorted(SERVED_QUERIES)
    files = len(SERVED_QUERIES)  # one per served query (33 since billing and taxes are read)
    assert re.fullmatch(rf"wrote \d+ records in {files} files to .*snap\n", result.stdout)


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--rate-limit", "-1"], "rate_limit"),
        (["--latency-ms", "fast"], "latency"),
        (["--max-page-size", "0"], "max_page_size"),
        (["--fault-rate", "2"], "fault_rate"),
    ],
)
def test_bad_flags_are_usage_errors(flags: list[str], words: str) -> None:
    result = subprocess.run(
        [*MIGRATOR, "--scale", "1", *flags], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr
