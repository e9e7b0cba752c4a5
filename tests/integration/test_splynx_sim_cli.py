"""``migrator sim splynx`` as an operator runs it: URL first, serves, stops on SIGTERM."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from migrator.exitcodes import ExitCode
from tests.support.splynx_sim import basic, signed

ROOT = Path(__file__).resolve().parents[2]


def command(*flags: str) -> list[str]:
    return [sys.executable, "-m", "migrator", "sim", "splynx", *flags]


def test_serves_until_sigterm_with_the_url_alone_on_the_first_line() -> None:
    flags = (
        "--port", "0", "--unsecure-basic", "--api-key", "test-api-key",
        "--api-secret", "test-api-secret", "--seed", "3",
        "--deny", "admin/finance/payments",
    )  # fmt: skip
    with subprocess.Popen(
        command(*flags), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None and process.stderr is not None
            url = process.stdout.readline().strip()
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url), url
            with httpx.Client(base_url=url + "/api/2.0/", headers=basic(), timeout=10) as client:
                assert client.get("admin/administration/partners").json()[0]["name"] == "Main"
                options = client.options("admin/customers/customer").json()
                assert options["additional_attributes"] == []
                assert client.get("admin/finance/payments").status_code == 403
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=15) == ExitCode.OK
            assert "test-api-secret" not in process.stderr.read()
        finally:
            if process.poll() is None:
                process.kill()


def test_nonce_checking_and_the_seeded_logins_are_flags() -> None:
    # reference §1.2 (api.check_nonce), blueprint L553-L566 (admin / customer logins)
    flags = (
        "--port", "0", "--api-key", "test-api-key", "--api-secret", "test-api-secret",
        "--check-nonce", "--admin-password", "admin-pw", "--portal-customer", "ann:ann-pw",
    )  # fmt: skip
    with subprocess.Popen(
        command(*flags), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None and process.stderr is not None
            url = process.stdout.readline().strip()
            with httpx.Client(base_url=url + "/api/2.0/", timeout=10) as client:
                assert client.get("admin/tariffs/internet", headers=signed(500)).status_code == 200
                replayed = client.get("admin/tariffs/internet", headers=signed(500))
                assert replayed.status_code == 401
                for auth_type, login, password in (("admin", "admin", "admin-pw"),
                                                   ("customer", "ann", "ann-pw")):  # fmt: skip
                    body = {"auth_type": auth_type, "login": login, "password": password}
                    assert client.post("admin/auth/tokens", json=body).status_code == 201
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=15) == ExitCode.OK
            log = process.stderr.read()
            assert "nonce check on" in log
            assert "admin-pw" not in log and "ann-pw" not in log
        finally:
            if process.poll() is None:
                process.kill()


def test_help_teaches() -> None:
    result = subprocess.run(command("--help"), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    flags = ["--workers", "--latency-ms", "--fault-rate", "--throttle", "--db", "--deny",
             "--check-nonce", "--admin-password", "--portal-customer"]  # fmt: skip
    teaching = ["--additional-field", "capacity = workers / latency", "examples:", "exit codes:"]
    for text in flags + teaching:
        assert text in result.stdout, text


@pytest.mark.parametrize(
    ("flags", "complaint"),
    [
        (("--deny", "admin/nowhere"), "no such endpoint"),
        (("--deny", "admin/finance/payments:steal"), "actions are"),
        (("--latency-ms", "fast"), "MEAN[:JITTER]"),
        (("--additional-field", "customers"), "MODULE:NAME"),
        (("--additional-field", "nowhere:x"), "unknown module"),
        (("--db", "postgres://x/y"), "mysql://"),
        (("--fault-rate", "2"), "fault_rate"),
        (("--portal-customer", "ann"), "LOGIN:PASSWORD"),
    ],
)
def test_bad_flags_are_usage_errors(flags: tuple[str, ...], complaint: str) -> None:
    result = subprocess.run(command(*flags), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == ExitCode.USAGE
    assert complaint in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_a_fatal_error_that_says_where() -> None:
    flags = ("--db", "mysql://root@127.0.0.1:1/splynx_sim")
    result = subprocess.run(command(*flags), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == ExitCode.FATAL
    assert "cannot use the database at 127.0.0.1:1/splynx_sim" in result.stderr
    assert "Traceback" not in result.stderr
