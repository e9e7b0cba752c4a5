"""The pre-flight's arithmetic and its report model: pure, no server."""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr

from migrator.entity_map import mapped
from migrator.errors import ConfigError
from migrator.exitcodes import ExitCode
from migrator.preflight import (
    DEFAULT_PLAN,
    Finding,
    Limits,
    MigrationPlan,
    Read,
    Report,
    Writes,
    estimate,
    preflight,
    report_json,
    require,
)
from migrator.preflight.estimate import human, pages
from migrator.preflight.plan import plan_for
from migrator.settings import Settings

PLAN = MigrationPlan(
    endpoints=("customers",),
    reads=(Read("accounts", 3, nested=True), Read("notes")),
    writes=(Writes("customers", "accounts", per_record=2), Writes("locations", fixed=1)),
)


def limits(**changes: object) -> Limits:
    values: dict[str, object] = {
        "page_size": 100,
        "producers": 4,
        "sonar_rate": 400.0,
        "splynx_rate": 0.0,
        "writers": 8,
        "sonar_latency": 0.05,
        "splynx_latency": 0.02,
    }
    return Limits.model_validate({**values, **changes})


@pytest.mark.parametrize(
    ("records", "page_size", "producers", "expected"),
    [
        (0, 100, 4, (0, 0)),
        (1, 100, 4, (1, 1)),
        (100, 100, 4, (1, 1)),
        (101, 100, 4, (2, 2)),  # two partitions, never more than pages
        (1000, 100, 4, (4, 12)),  # 4 ranges of 250 records: 3 pages each
        (1915, 100, 4, (4, 20)),
        (10_158, 100, 4, (4, 104)),
    ],
)
def test_pages_of_equal_partitions(
    records: int, page_size: int, producers: int, expected: tuple[int, int]
) -> None:
    assert pages(records, page_size, producers) == expected


def test_sonar_bound_is_requests_over_the_budget_when_that_is_slower() -> None:
    counts = {"accounts": 1000, "notes": 1915}
    result = estimate(counts, PLAN, limits())
    # accounts 3 × (12 pages + 1 probe) + notes (20 pages + 1 probe) = 60 requests
    assert result.sonar.requests == 60
    assert result.sonar.seconds == pytest.approx(60 / 400 * 60)  # 9 s, not 60 × 50 ms ÷ 4
    assert "60 requests ÷ 400/min = 9.0 s" in result.sonar.arithmetic


def test_latency_bounds_sonar_when_no_budget_is_set() -> None:
    result = estimate({"accounts": 1000, "notes": 1915}, PLAN, limits(sonar_rate=0))
    assert result.sonar.seconds == pytest.approx(60 * 0.05 / 4)


def test_splynx_bound_takes_the_slower_of_rate_and_latency() -> None:
    counts = {"accounts": 1000, "notes": 0}
    by_latency = estimate(counts, PLAN, limits())
    assert by_latency.splynx.requests == 2001  # 1000 × 2 + the location
    assert by_latency.splynx.seconds == pytest.approx(2001 * 0.02 / 8)
    by_rate = estimate(counts, PLAN, limits(splynx_rate=5))
    assert by_rate.splynx.seconds == pytest.approx(2001 / 5)  # 400 s beats 5 s of latency


def test_the_estimate_is_the_larger_bound_not_the_sum() -> None:
    result = estimate({"accounts": 1000, "notes": 1915}, PLAN, limits(splynx_latency=0.2))
    assert result.bound == "splynx"
    assert result.splynx.seconds is not None and result.sonar.seconds is not None
    assert result.splynx.seconds > result.sonar.seconds
    assert result.seconds == pytest.approx(round(result.splynx.seconds, 1))
    assert "Splynx sets the pace" in result.summary


def test_no_estimate_without_a_count_or_a_measure() -> None:
    missing = estimate({"accounts": 1000}, PLAN, limits())
    assert missing.seconds is None and missing.bound is None
    assert "not counted: notes" in missing.sonar.arithmetic
    unmeasured = estimate({"accounts": 1, "notes": 1}, PLAN, limits(splynx_latency=None))
    assert unmeasured.seconds is None
    assert "splynx" in unmeasured.summary


def test_default_plan_reads_and_writes_are_sonar_queries() -> None:
    from migrator.sonar.schema import LIST_QUERIES

    queries = {r.query for r in DEFAULT_PLAN.reads} | {
        w.query for w in DEFAULT_PLAN.writes if w.query
    }
    assert queries <= set(LIST_QUERIES)
    marked = [e.name for e in DEFAULT_PLAN.marked()]
    assert marked == ["customers", "internet_services", "recurring_services", "tickets"]


def test_the_plan_is_derived_from_the_entity_map() -> None:
    """Look-ups are read once, then once per entity made from the query; shared writes once."""
    tariffs = plan_for(
        [mapped("partners"), mapped("internet_tariffs"), mapped("recurring_tariffs")],
        lookups=("companies", "services"),
    )
    assert tariffs.reads == (Read("companies", 2), Read("services", 3))
    assert tariffs.writes == (Writes("partners", "companies"), Writes("tariffs", "services"))
    assert tariffs.endpoints == ("partners", "internet_tariffs", "recurring_tariffs")
    accounts = plan_for([mapped("customers"), mapped("recurring_services")], lookups=())
    assert accounts.reads == (Read("accounts", 2, nested=True),)
    assert accounts.endpoints == (
        "customers",
        "customer_info",
        "customer_billing",
        "recurring_services",
    )
    assert [(w.label, w.query, w.per_record) for w in accounts.writes] == [
        ("customers + info + billing", "accounts", 3),
        ("services", "account_services", 1),
    ]
    assert plan_for([mapped("locations")], lookups=()).writes == (Writes("locations", fixed=1),)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.04, "0.0 s"), (42, "42.0 s"), (185, "3 min 05 s"), (7620, "2 h 07 min")],
)
def test_human_durations(seconds: float, text: str) -> None:
    assert human(seconds) == text


def test_warnings_pass_blockers_block() -> None:
    warned = Report(findings=[Finding.ok("a", "fine"), Finding.warning("b", "hm", "look")])
    assert warned.exit_code is ExitCode.OK and not warned.blocked
    blocked = Report(findings=[*warned.findings, Finding.blocker("c", "no", "do this")])
    assert blocked.exit_code is ExitCode.BLOCKED and [f.check for f in blocked.blockers] == ["c"]


def test_findings_never_carry_a_secret() -> None:
    finding = Finding.blocker("x", "GET /x?token=abc123secret answered 401", "password=hunter22")
    assert "abc123secret" not in finding.detail and "hunter22" not in finding.fix


def test_json_has_the_documented_shape() -> None:
    report = Report(
        findings=[Finding.ok("sonar.reach", "fine"), Finding.blocker("b", "no", "fix it")],
        estimate=estimate({"accounts": 10, "notes": 0}, PLAN, limits()),
    )
    data = json.loads(report_json(report))
    assert list(data) == [
        "version", "blocked", "exit_code", "findings", "counts", "estimate", "mapping",
    ]  # fmt: skip
    assert (data["version"], data["blocked"], data["exit_code"]) == (1, True, 5)
    assert data["findings"][1] == {
        "check": "b",
        "status": "blocker",
        "detail": "no",
        "fix": "fix it",
    }
    assert data["counts"] == {"sonar": {}, "splynx": {}}
    assert set(data["estimate"]) == {
        "seconds", "bound", "sonar", "splynx", "summary", "assumptions",
    }  # fmt: skip
    assert set(data["estimate"]["sonar"]) == {"system", "requests", "seconds", "arithmetic"}


def _settings(**values: object) -> Settings:
    base: dict[str, object] = {
        "sonar_url": "https://sonar.example",
        "sonar_token": SecretStr("t"),
        "splynx_url": "https://splynx.example",
        "splynx_api_key": SecretStr("k"),
        "splynx_api_secret": SecretStr("s"),
    }
    return Settings.model_construct(**{**base, **values})


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"sonar_token": None, "splynx_url": ""}, "not set: SONAR_TOKEN, SPLYNX_URL"),
        ({"sonar_url": "sonar.example"}, "SONAR_URL must start with https://"),
        ({"splynx_url": "ftp://splynx.example"}, "SPLYNX_URL must start with https://"),
        ({"splynx_db_dsn": SecretStr("postgres://x@h/db")}, "SPLYNX_DB_DSN must look like"),
    ],
)
def test_missing_or_malformed_settings_are_config_errors(
    values: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        require(_settings(**values))


async def test_an_unknown_endpoint_in_the_plan_fails_before_any_request() -> None:
    plan = MigrationPlan(endpoints=("customers", "no_such_endpoint"))
    with pytest.raises(ConfigError, match="unknown Splynx endpoint 'no_such_endpoint'"):
        await preflight(_settings(), plan=plan)
