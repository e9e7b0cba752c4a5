"""Each kind of failure becomes a detail and a fix naming what to change."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from migrator.errors import (
    AuthFailed,
    ConfigError,
    GaveUp,
    MigratorError,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    ServerError,
    TransportError,
)
from migrator.preflight.explain import explain, what_happened
from migrator.preflight.findings import Status
from migrator.preflight.sonar_probe import SonarResult, _count_rest


@pytest.mark.parametrize(
    ("system", "error", "fix_names"),
    [
        ("sonar", AuthFailed("Sonar refused the token (HTTP 401)"), "SONAR_TOKEN"),
        ("splynx", AuthFailed("401 UNAUTHORIZED"), "SPLYNX_API_SECRET"),
        ("database", AuthFailed("MySQL error 1045"), "SPLYNX_DB_DSN"),
        ("sonar", TransportError("refused", sent=False), "SONAR_URL"),
        ("splynx", TransportError("refused", sent=False), "SPLYNX_URL"),
        ("splynx", TransportError("no answer", sent=True), "MIGRATOR_TIMEOUT"),
        ("splynx", ConfigError("the TLS certificate of SPLYNX_URL is not trusted"), "INSECURE"),
        ("sonar", ConfigError("cannot resolve the host in SONAR_URL"), "SONAR_URL"),
        ("splynx", PermissionDenied("403"), "API keys > Permissions"),
        ("database", PermissionDenied("1142"), "grant the database user"),
        ("sonar", ProtocolError("redirected"), "SONAR_URL"),
        ("splynx", ServerError("502"), "5xx"),
        ("sonar", RateLimited("429"), "another client"),
    ],
)
def test_the_fix_names_what_to_change(system: str, error: MigratorError, fix_names: str) -> None:
    problem = explain(system, error)
    assert fix_names in problem.fix
    assert problem.detail == str(error)


def test_gave_up_is_explained_by_its_last_failure() -> None:
    last = TransportError("cannot connect to Sonar", sent=False)
    problem = explain("sonar", GaveUp("companies probe", 3, last))
    assert "after 3 attempts" in problem.detail
    assert "SONAR_URL" in problem.fix and "MIGRATOR_TIMEOUT" not in problem.fix


def test_the_clients_own_advice_is_left_to_the_fix() -> None:
    error = AuthFailed("Splynx answered GET x with 401: Invalid signature.. Check SPLYNX_API_KEY")
    assert what_happened(error) == "Splynx answered GET x with 401: Invalid signature."
    denied = PermissionDenied("answered 403 FORBIDDEN: no. Grant the API key 'X: view'")
    assert what_happened(denied) == "answered 403 FORBIDDEN: no"


class _Extractor:
    """Stands in for ``Extractor.plan``: counts by name, refusing some queries."""

    producers = 2

    def __init__(self, refused: set[str]) -> None:
        self.refused = refused

    async def plan(self, query: str, *, partitions: int) -> Any:
        if query in self.refused:
            raise PermissionDenied(f"Sonar denied access to {query} (HTTP 403)")
        return SimpleNamespace(total_count=len(query))


async def test_an_uncountable_query_blocks_only_if_the_migration_reads_it() -> None:
    result = SonarResult()
    queries = ["accounts", "tickets", "notes"]
    extractor = _Extractor({"tickets", "accounts"})
    await _count_rest(extractor, queries, frozenset({"accounts", "notes"}), result)  # type: ignore[arg-type]
    assert result.counts == {"notes": 5}
    assert [(f.check, f.status) for f in result.findings] == [
        ("sonar.count.accounts", Status.BLOCKER),
        ("sonar.count.tickets", Status.WARNING),
    ]
    assert "role that may read" in result.findings[0].fix
