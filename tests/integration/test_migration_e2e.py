"""End to end over real HTTP: both simulators, the whole migration, checked through Splynx's API.

Every customer, service, tariff and comment must arrive exactly once, with the
fields the transform of its Sonar record says, the Sonar side computed
independently from the simulator's own tables (``tests/support/ground_truth``).
In CI the Splynx simulator also runs on the local MariaDB.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest

from migrator.exitcodes import ExitCode
from migrator.sim.faults import Latency
from migrator.sim.splynx.additional import AdditionalField
from tests.support.migration_checks import rejects_of, run, verify_splynx
from tests.support.pair import running_pair
from tests.support.splynx_db import named_database, splynx_storage

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("storage", ["memory", "mariadb"])
async def test_everything_arrives_once_with_the_transformed_fields(
    tmp_path: Path, storage: str, request: pytest.FixtureRequest
) -> None:
    with splynx_storage(storage, request, prefix="migrator_e2e") as splynx:
        async with running_pair({"scale": 40, "seed": 11}, splynx) as pair:
            state = tmp_path / "state.sqlite3"
            result, settings, events = await run(pair, state)
            assert result.exit_code in (ExitCode.OK, ExitCode.REJECTS), result.message
            rejected = rejects_of(state)
            await verify_splynx(pair, settings, rejected)
            again, _, events = await run(pair, state)  # a re-run finds nothing left to do
            assert again.exit_code in (ExitCode.OK, ExitCode.REJECTS)
            assert not [e for e in events if getattr(e, "outcome", None) == "created"]
            await verify_splynx(pair, settings, rejected)


# Marker fields Splynx does not keep unique: adoption must then come from the look-ups alone.
NOT_UNIQUE = tuple(
    AdditionalField(module=module, name="sonar_id", title="Sonar ID", is_unique=False)
    for module in ("customers", "services_internet", "services_custom")
)


@pytest.mark.parametrize(
    ("storage", "unique"), [("memory", True), ("memory", False), ("mariadb", True)]
)
async def test_a_second_state_file_adopts_what_is_there_instead_of_copying_it(
    tmp_path: Path, storage: str, unique: bool, request: pytest.FixtureRequest
) -> None:
    """Two migrations into one Splynx with two state files (a lost state file, or a
    second machine): the second creates nothing, of any entity; it adopts."""
    with contextlib.ExitStack() as stack:
        splynx: dict[str, Any] = {} if unique else {"additional_fields": NOT_UNIQUE}
        if storage == "mariadb":
            server = request.getfixturevalue("mariadb")
            dsn, _ = stack.enter_context(named_database(server, prefix="migrator_two"))
            splynx["db_dsn"] = dsn
        async with running_pair({"scale": 25, "seed": 12}, splynx) as pair:
            first = tmp_path / "first.sqlite3"
            result, settings, _ = await run(pair, first)
            assert result.exit_code in (ExitCode.OK, ExitCode.REJECTS), result.message
            second = tmp_path / "second.sqlite3"
            again, _, events = await run(pair, second)
            assert again.exit_code in (ExitCode.OK, ExitCode.REJECTS), again.message
            created = [e for e in events if getattr(e, "outcome", None) == "created"]
            assert created == [], "a record was created again"
            adopted = {e.stream for e in events if getattr(e, "outcome", None) == "adopted"}
            assert {"customers", "internet_services", "customer_notes"} <= adopted
            await verify_splynx(pair, settings, rejects_of(first))


@pytest.mark.parametrize(
    "check_nonce",
    [
        pytest.param(False, id="nonce checking off (the live key's setting)"),
        pytest.param(True, id="nonce checking on"),
    ],
)
async def test_a_signature_auth_migration_arrives_once_with_nonce_checking_on_and_off(
    tmp_path: Path, check_nonce: bool
) -> None:
    # reference §1.2: check_nonce is a per-key setting, off on the live key. With it on,
    # signed requests overtake each other under jitter, and the verification and the
    # second run are new clients that must start above the nonces the first one used.
    splynx = {"check_nonce": check_nonce, "latency": Latency(10, 5)}
    async with running_pair({"scale": 12, "seed": 13}, splynx) as pair:
        state = tmp_path / "state.sqlite3"
        result, settings, _ = await run(pair, state, splynx_auth="signature")
        assert result.exit_code in (ExitCode.OK, ExitCode.REJECTS), result.message
        await verify_splynx(pair, settings, rejects_of(state))
        again, _, events = await run(pair, state, splynx_auth="signature")
        assert again.exit_code in (ExitCode.OK, ExitCode.REJECTS), again.message
        assert not [e for e in events if getattr(e, "outcome", None) == "created"]
