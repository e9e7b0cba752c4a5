"""The pre-flight's database check on the real MariaDB.

A Splynx simulator keeps its state in a scratch database, so the check reads
the very rows the API wrote; the failures (refused password, a database that
is not Splynx's, nothing listening) each name what to fix in SPLYNX_DB_DSN.
Every database here has a unique name and is dropped afterwards.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pymysql
import pytest
from pydantic import SecretStr

from migrator.exitcodes import ExitCode
from migrator.preflight import Status, preflight, report_json
from migrator.splynx.tables import quoted
from tests.support.preflight_systems import by_check, not_ok, systems

pytestmark = pytest.mark.mariadb


def _url(server: dict[str, object], database: str, password: object = None) -> str:
    secret = server["password"] if password is None else password
    auth = f"{server['user']}:{secret}" if secret else str(server["user"])
    return f"mysql://{auth}@{server['host']}:{server['port']}/{database}"


@contextmanager
def unique_database(server: dict[str, object], *, create: bool) -> Iterator[str]:
    """A ``migrator_check_<hex>`` name (created empty if asked); dropped afterwards."""
    name = f"migrator_check_{secrets.token_hex(4)}"
    params = {k: v for k, v in server.items() if k not in {"db", "database"}}
    connection = pymysql.connect(**params)  # type: ignore[arg-type]
    try:
        if create:
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {quoted(name)}")
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted(name)}")
        connection.close()


async def test_the_splynx_database_answers_with_what_the_api_wrote(
    mariadb: dict[str, object],
) -> None:
    with unique_database(mariadb, create=False) as name:
        dsn = _url(mariadb, name)
        async with systems(db_dsn=dsn) as env:  # the simulator creates the database
            await env.splynx.customer("Stored In MariaDB")
            report = await preflight(env.settings(splynx_db_dsn=SecretStr(dsn)))
    assert not_ok(report) == ["splynx.data"]  # the customer above: a warning
    assert report.exit_code is ExitCode.OK
    database = by_check(report)["database.reach"]
    assert database.status is Status.OK and "(1 customers)" in database.detail


async def test_a_database_without_splynx_tables_blocks(mariadb: dict[str, object]) -> None:
    with unique_database(mariadb, create=True) as name:
        async with systems() as env:
            report = await preflight(env.settings(splynx_db_dsn=SecretStr(_url(mariadb, name))))
    assert not_ok(report) == ["database.reach"]
    finding = by_check(report)["database.reach"]
    assert "does not point at a Splynx database" in finding.detail
    assert "SPLYNX_DB_DSN" in finding.fix


async def test_a_refused_password_blocks_without_showing_it(mariadb: dict[str, object]) -> None:
    with unique_database(mariadb, create=True) as name:
        dsn = _url(mariadb, name, password="wrong-pass-123")
        async with systems() as env:
            report = await preflight(env.settings(splynx_db_dsn=SecretStr(dsn)))
    assert report.exit_code is ExitCode.BLOCKED
    finding = by_check(report)["database.reach"]
    assert finding.status is Status.BLOCKER
    assert "user and password in SPLYNX_DB_DSN" in finding.fix
    assert "wrong-pass-123" not in report_json(report)
    assert ":***@" in finding.detail


async def test_nothing_listening_names_the_host_and_port(mariadb: dict[str, object]) -> None:
    async with systems() as env:
        dsn = f"mysql://root@127.0.0.1:1/migrator_check_{secrets.token_hex(4)}"
        report = await preflight(env.settings(splynx_db_dsn=SecretStr(dsn)))
    finding = by_check(report)["database.reach"]
    assert finding.status is Status.BLOCKER
    assert "127.0.0.1:1" in finding.detail
    assert "check SPLYNX_DB_DSN (its host, port and database name)" in finding.fix
