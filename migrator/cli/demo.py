"""``migrator demo``: the whole migration, with nothing to set up.

Starts a simulated Sonar and a simulated Splynx in-process on loopback, each
with its real limits, migrates a generated ISP from one to the other with the
live display, checks the result through Splynx's API, and prints the summary.
The simulated Splynx starts fresh, without the marker fields, so the demo first
does what an operator does: ``migrator check --fix`` (visibly, answering yes).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from rich.console import Console

from migrator.cli.check_fix import fix_markers
from migrator.cli.common import add_command, run_async
from migrator.cli.run import report
from migrator.display.migration_view import MigrationDisplay
from migrator.exitcodes import ExitCode
from migrator.logconfig import configure_logging
from migrator.pipeline.migration import MigrationRequest, MigrationResult, migrate
from migrator.pipeline.wiring import select
from migrator.profile import load_profile
from migrator.settings import Settings, load_settings
from migrator.sim.faults import Latency
from migrator.sim.harness import serve
from migrator.splynx.client import SplynxClient

__all__ = ["register"]

# The simulators' credentials; they never leave this process.
DEMO_TOKEN = "demo-sonar-token"
DEMO_KEY = "demo-splynx-key"
DEMO_SECRET = "demo-splynx-secret"

DESCRIPTION = """\
See the whole migration work with nothing to set up: a simulated Sonar (a
generated ISP of --scale accounts: contacts, addresses, plans, services, notes,
with the usual share of messy data) and a simulated Splynx (8 workers, 50 ms a
request, like a modest PHP-FPM pool) start on 127.0.0.1 inside this process,
each with its real limits, and migrator moves one into the other as it would
for real: partitions read within Sonar's 400 requests a minute, writers kept
within Splynx's capacity, the live display, the summary, the rejects kept with
their reasons. Then it counts what Splynx holds, through its API. The
simulated Splynx starts fresh, without the `sonar_id` fields that mark migrated
records, so first the demo does what you would: `migrator check --fix --yes`.

Needs no configuration, no server and no network. Its state file lives in a
temporary directory (--keep DIR to keep it and inspect it with `migrator status
--state DIR/state.sqlite3` and `migrator rejects --state ...`). It exits 0 when
the demo completed: rejects of the generated mess are part of the show."""

EXAMPLES = """\
  migrator demo
  migrator demo --scale 2000                 # a bigger ISP (a few minutes)
  migrator demo --keep demo/ && migrator rejects --state demo/state.sqlite3"""


def register(commands: Any) -> None:
    parser = add_command(
        commands,
        "demo",
        help="migrate a simulated Sonar into a simulated Splynx, on this machine",
        description=DESCRIPTION,
        examples=EXAMPLES,
    )
    parser.add_argument("--scale", type=int, default=100, metavar="N", help="accounts to generate")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="keep the state file in DIR (default: discard)"
    )
    parser.set_defaults(handler=handle)


def _settings(sonar_url: str, splynx_url: str, state: Path) -> Settings:
    given = {
        "sonar_url": sonar_url,
        "sonar_token": DEMO_TOKEN,
        "splynx_url": splynx_url,
        "splynx_api_key": DEMO_KEY,
        "splynx_api_secret": DEMO_SECRET,
        "state": state,
    }
    return load_settings(overrides=given, env_file=None)


async def _demo(scale: int, seed: int, directory: Path) -> tuple[MigrationResult, Settings, Any]:
    # Imported here: the simulators are sizeable modules the other commands never need.
    from migrator.sim.sonar.app import SonarSimConfig
    from migrator.sim.sonar.app import build_app as sonar_app
    from migrator.sim.splynx.app import SplynxSimConfig
    from migrator.sim.splynx.app import build_app as splynx_app

    sonar = sonar_app(SonarSimConfig(token=DEMO_TOKEN, scale=scale, seed=seed, rate_limit=400))
    splynx = splynx_app(
        SplynxSimConfig(
            api_key=DEMO_KEY,
            api_secret=SecretStr(DEMO_SECRET),
            workers=8,
            latency=Latency(50, 10),
            seed=seed,
        )
    )
    display = MigrationDisplay(f"demo: a simulated ISP of {scale:,} accounts, Sonar → Splynx")
    async with serve(sonar) as sonar_url, serve(splynx) as splynx_url:
        settings = _settings(sonar_url, splynx_url, directory / "state.sqlite3")
        console = Console()
        console.print("$ migrator check --fix --yes   (a fresh Splynx lacks the marker fields)")
        await fix_markers(settings, console, yes=True)
        profile = load_profile("full")
        request = MigrationRequest(settings, profile, select(None, None, profile), command="demo")
        async with display.running():
            result = await migrate(request, display.emit)
        counts = await _splynx_counts(settings)
    return result, settings, (display, counts)


async def _splynx_counts(settings: Settings) -> dict[str, int]:
    """What Splynx holds afterwards, counted through its own API."""
    async with SplynxClient.open(settings) as client:
        return {
            name: await client.count(name)
            for name in (
                "customers",
                "internet_tariffs",
                "recurring_tariffs",
                "ipv4_networks",
                "customer_notes",
                "invoices",
                "payments",
                "transactions",
                "administrators",
                "tickets",
                "ticket_messages",
            )
        }


def _loopback_direct() -> None:
    """Keep a proxy from the environment off the simulators' traffic.

    Both clients honour HTTP(S)_PROXY, which is meant for the outside world;
    the simulators listen on 127.0.0.1 inside this process, so loopback is
    added to NO_PROXY (both spellings: the lower-case one wins where both are set).
    """
    listed = [os.environ.get(name, "") for name in ("NO_PROXY", "no_proxy")]
    hosts = [h.strip() for value in listed for h in value.split(",") if h.strip()]
    for name in ("NO_PROXY", "no_proxy"):
        os.environ[name] = ",".join(dict.fromkeys([*hosts, "127.0.0.1", "localhost"]))


def handle(args: argparse.Namespace) -> int:
    configure_logging("WARNING")
    _loopback_direct()
    with tempfile.TemporaryDirectory(prefix="migrator-demo-") as scratch:
        directory = args.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        result, settings, (display, counts) = run_async(
            lambda: _demo(args.scale, args.seed, directory)
        )
        report(result, display, settings, None, write=args.keep is not None)
    held = ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in counts.items())
    Console().print(f"Splynx now holds (counted through its API): {held}", highlight=False)
    return int(result.exit_code) if result.exit_code != ExitCode.REJECTS else ExitCode.OK
