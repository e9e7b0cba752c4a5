"""Issue 12 items 2 and 3 end to end over HTTP: what each customer pays per month in
Splynx equals what its account paid in Sonar (credits credit, a plan paid yearly is
charged yearly at a twelfth a month), and taxed tariffs carry the mapped Splynx tax.
In CI the Splynx simulator also runs on the local MariaDB."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.cli.run import mapping_rows
from migrator.exitcodes import ExitCode
from migrator.pipeline.migration import MigrationRequest, migrate
from migrator.profile import load_profile
from migrator.splynx.client import SplynxClient
from tests.support.charge_checks import check_charges, check_taxes
from tests.support.migration_checks import NO_MONEY, check_customers, rejects_of
from tests.support.pair import running_pair, settings_for
from tests.support.splynx_db import splynx_storage

pytestmark = pytest.mark.slow

TAXES = {"State sales tax": 3, "City telecom tax + State sales tax": 7}


@pytest.mark.parametrize("storage", ["memory", "mariadb"])
async def test_monthly_charges_periods_and_taxes_match_sonar(
    tmp_path: Path, storage: str, request: pytest.FixtureRequest
) -> None:
    with splynx_storage(storage, request, prefix="migrator_bill") as splynx:
        # a seed whose credit, annual and quarterly holders all keep every service (the
        # generator also plants login clashes and stray addresses, rejected as they should be)
        async with running_pair({"scale": 60, "seed": 23}, splynx) as pair:
            state = tmp_path / "state.sqlite3"
            settings = settings_for(pair, state)
            profile = load_profile("full").model_copy(update={"taxes": TAXES})
            result = await migrate(
                MigrationRequest(settings, profile, list(NO_MONEY)), lambda event: None
            )
            assert result.exit_code in (ExitCode.OK, ExitCode.REJECTS), result.message
            rejected = rejects_of(state)
            async with SplynxClient.open(settings) as client:
                customers = await check_customers(client, pair, rejected.get("customers", set()))
                report = await check_charges(client, pair, customers, rejected)
                taxed = await check_taxes(client, pair, TAXES)
    assert report.customers >= 40
    assert report.with_credit and report.with_annual and report.with_quarterly
    assert taxed >= 20  # every taxable recurring service's tariff


async def test_a_dry_run_gives_the_tax_mapping_it_will_use(tmp_path: Path) -> None:
    async with running_pair({"scale": 20, "seed": 21}) as pair:
        settings = settings_for(pair, tmp_path / "state.sqlite3")
        profile = load_profile("full").model_copy(update={"taxes": {"State sales tax": 3}})
        request = MigrationRequest(settings, profile, list(NO_MONEY), dry_run=True)
        result = await migrate(request, lambda event: None)
    rows = {row.sonar: (row.detail, row.splynx) for row in mapping_rows(result, profile)
            if row.kind == "tax"}  # fmt: skip
    assert rows == {
        "State sales tax": ("6.25%", "tax 3"),
        "City telecom tax + State sales tax": ("2% + 6.25%", "vat_percent 8.25, no tax_id"),
    }
