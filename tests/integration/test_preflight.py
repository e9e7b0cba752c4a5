"""The pre-flight against both simulators over real HTTP on 127.0.0.1.

Healthy systems pass with true counts; each way a real set-up goes wrong (a
missing marker field, a withheld permission, refused credentials, a wrong or
dead URL, data already there) becomes the finding that names its fix.
"""

from __future__ import annotations

import json

import pytest
from aiohttp import web
from pydantic import SecretStr

from migrator.errors import AuthFailed
from migrator.exitcodes import ExitCode
from migrator.preflight import DEFAULT_PLAN, Status, preflight, report_json
from migrator.preflight.estimate import pages
from migrator.settings import Settings
from migrator.sim.harness import serve
from migrator.sim.sonar.app import dataset_of
from migrator.sonar.schema import LIST_QUERIES
from migrator.splynx.client import SplynxClient
from tests.support.preflight_systems import SCALE, by_check, not_ok, systems
from tests.support.splynx_sim import KEY, running


async def test_healthy_systems_pass_with_true_counts_and_an_estimate() -> None:
    async with systems() as env:
        report = await preflight(env.settings())
        truth = {q: sum(1 for _ in dataset_of(env.sonar_app).records(q)) for q in LIST_QUERIES}
    assert not_ok(report) == [] and report.exit_code is ExitCode.OK
    found = by_check(report)
    for name in DEFAULT_PLAN.endpoints:
        assert found[f"splynx.access.{name}"].status is Status.OK
    for name in ("customers", "internet_services", "recurring_services"):
        assert "sonar_id" in found[f"splynx.marker.{name}"].detail
    assert report.counts.sonar == truth
    assert "a page of 100 accounts with their relations took" in found["sonar.page"].detail
    assert report.counts.splynx["customers"] == 0 and report.counts.splynx["partners"] == 1
    estimate = report.estimate
    assert estimate is not None and estimate.seconds is not None and estimate.seconds > 0
    expected = sum(r.times * (pages(truth[r.query], 100, 4)[1] + 1) for r in DEFAULT_PLAN.reads)
    assert estimate.sonar.requests == expected


async def test_missing_marker_fields_block_and_say_how_to_create_them() -> None:
    async with systems(additional_fields=()) as env:
        report = await preflight(env.settings())
    assert report.exit_code is ExitCode.BLOCKED
    assert not_ok(report) == [
        "splynx.marker.customers",
        "splynx.marker.internet_services",
        "splynx.marker.recurring_services",
        "splynx.marker.tickets",
    ]
    customers = by_check(report)["splynx.marker.customers"]
    assert "no additional field 'sonar_id' on customers" in customers.detail
    assert "Config > Additional fields > module 'customers'" in customers.fix
    assert "POST admin/config/additional-fields/customers" in customers.fix
    assert "module 'services_internet'" in by_check(report)["splynx.marker.internet_services"].fix
    assert "module 'ticket'" in by_check(report)["splynx.marker.tickets"].fix


async def test_a_withheld_permission_blocks_and_is_named() -> None:
    denied = ("admin/customers/customer", "admin/customers/customer/internet-services")
    async with systems(deny=denied) as env:
        report = await preflight(env.settings())
    assert report.exit_code is ExitCode.BLOCKED
    assert not_ok(report) == ["splynx.access.customers", "splynx.access.internet_services"]
    customers = by_check(report)["splynx.access.customers"]
    assert "403" in customers.detail
    assert "'Customers / Customers: view' and 'Customers / Customers: add'" in customers.fix
    assert (
        "Customers / Internet services: add"
        in by_check(report)["splynx.access.internet_services"].fix
    )


@pytest.mark.parametrize("auth", ["token", "signature", "basic"])
async def test_a_refused_splynx_key_blocks_before_the_endpoints(auth: str) -> None:
    async with systems() as env:
        wrong = env.settings(splynx_auth=auth, splynx_api_secret=SecretStr("not-the-secret"))
        report = await preflight(wrong)
    assert report.exit_code is ExitCode.BLOCKED
    assert not_ok(report) == ["splynx.auth"]
    refused = by_check(report)["splynx.auth"]
    assert "401" in refused.detail and "were not checked" in refused.detail
    assert "SPLYNX_API_SECRET" in refused.fix
    assert not any(f.check.startswith("splynx.access") for f in report.findings)
    assert "not-the-secret" not in report_json(report)
    assert report.counts.sonar  # Sonar was still checked and counted


async def test_a_refused_sonar_token_blocks_and_leaves_no_estimate() -> None:
    async with systems() as env:
        report = await preflight(env.settings(sonar_token=SecretStr("stolen-and-revoked")))
    assert not_ok(report) == ["sonar.auth"]
    assert "SONAR_TOKEN" in by_check(report)["sonar.auth"].fix
    assert by_check(report)["sonar.reach"].status is Status.OK
    assert report.estimate is not None and report.estimate.seconds is None
    assert "stolen-and-revoked" not in report_json(report)


async def test_an_unreachable_sonar_is_a_clear_blocker() -> None:
    async with serve(web.Application()) as closed:
        pass  # the port is free again: nothing listens there now
    async with systems() as env:
        report = await preflight(env.settings(sonar_url=closed))
    assert not_ok(report) == ["sonar.reach"]
    unreachable = by_check(report)["sonar.reach"]
    assert "cannot connect to Sonar" in unreachable.detail
    assert "check SONAR_URL" in unreachable.fix and "firewall" in unreachable.fix


async def test_a_url_that_is_not_splynx_is_named() -> None:
    async with systems() as env:
        report = await preflight(env.settings(splynx_url=env.sonar_url))
    assert not_ok(report) == ["splynx.reach"]
    assert "check SPLYNX_URL" in by_check(report)["splynx.reach"].fix


async def test_data_already_in_splynx_is_a_warning_not_a_blocker() -> None:
    async with systems() as env:
        await env.splynx.customer("Already Here")
        report = await preflight(env.settings())
    assert report.exit_code is ExitCode.OK
    data = by_check(report)["splynx.data"]
    assert data.status is Status.WARNING and "already holds 1 customers" in data.detail
    assert "migrator rollback" in data.fix
    assert report.counts.splynx["customers"] == 1


async def test_json_report_parses_with_the_documented_shape() -> None:
    async with systems(additional_fields=()) as env:
        data = json.loads(report_json(await preflight(env.settings())))
    assert (data["version"], data["blocked"], data["exit_code"]) == (1, True, 5)
    assert {f["status"] for f in data["findings"]} == {"ok", "blocker"}
    assert all(set(f) == {"check", "status", "detail", "fix"} for f in data["findings"])
    assert data["counts"]["sonar"]["accounts"] == SCALE
    assert data["estimate"]["bound"] in {"sonar", "splynx"}
    mapping = {(row["kind"], row["sonar"]): row["splynx"] for row in data["mapping"]}
    assert mapping[("status", "Active")] == "active"
    assert mapping[("status", "Active, delinquent")] == "blocked"
    assert mapping[("status", "Disconnected - NonPay")] == "disabled"
    assert mapping[("type", "Business")] == "company"
    assert all(set(row) == {"kind", "sonar", "detail", "splynx", "why"} for row in data["mapping"])


async def test_api_check_tells_a_refused_key_from_a_wrong_url() -> None:
    async with running() as sim:
        wrong = Settings.model_construct(
            splynx_url=sim.url,
            splynx_api_key=SecretStr(KEY),
            splynx_api_secret=SecretStr("wrong"),
            retry_budget=0.0,
        )
        async with SplynxClient.open(wrong) as client:
            assert (await client.check(anonymous=True)).ok  # no credentials needed, none sent
            with pytest.raises(AuthFailed):
                await client.check(verify_credentials=True)


async def test_tls_verification_off_is_a_warning() -> None:
    async with systems() as env:
        report = await preflight(env.settings(insecure=True))
    assert not_ok(report) == ["tls"] and report.exit_code is ExitCode.OK
    assert "staging server only" in by_check(report)["tls"].fix


async def test_taxes_the_profile_does_not_map_are_named_with_the_fix() -> None:
    mapped = {"State sales tax": 3, "City telecom tax + State sales tax": 7}
    async with systems() as env:
        missing = await preflight(env.settings(), taxes={})
        complete = await preflight(env.settings(), taxes=mapped)
    finding = by_check(missing)["profile.taxes"]
    assert finding.status is Status.WARNING and missing.exit_code is ExitCode.OK
    assert "'City telecom tax + State sales tax'" in finding.detail
    assert '"State sales tax" = <Splynx tax id>' in finding.fix
    assert by_check(complete)["profile.taxes"].status is Status.OK
    rows = {row.sonar: row.splynx for row in complete.mapping if row.kind == "tax"}
    assert rows == {"State sales tax": "tax 3", "City telecom tax + State sales tax": "tax 7"}
