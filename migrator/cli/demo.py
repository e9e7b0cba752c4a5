"""``migrator demo``: see migrator work with nothing to set up.

For now it starts the Sonar simulator in-process on loopback (a generated ISP,
Sonar's real rate limit) and exports it with the live display, then prints the
summary. The streaming-migration slice turns it into the full Sonar → Splynx
demo.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console

from migrator.cli.common import add_command
from migrator.cli.export import print_summary, run_async
from migrator.exitcodes import ExitCode
from migrator.logconfig import configure_logging
from migrator.progress import ProgressReporter
from migrator.sim.harness import serve
from migrator.sonar.client import SonarClient, sonar_limiter
from migrator.sonar.schema import LIST_QUERIES
from migrator.sonar.snapshot import export_snapshot

__all__ = ["register"]

DEMO_TOKEN = "demo-token"  # the simulator's token; it never leaves this process

DESCRIPTION = """\
Start a simulated Sonar on this machine (127.0.0.1, a generated ISP of --scale
accounts with a few years of invoices, payments and tickets, and Sonar's real
limit of 400 requests a minute), then export all of it the way `migrator export`
would against a real one: partitions read concurrently, the request budget used
to the full and never exceeded, a live display, a summary at the end.

Needs no configuration, no server and no network."""

EXAMPLES = """\
  migrator demo
  migrator demo --scale 50 --sonar-rate 0    # small and unthrottled: a few seconds
  migrator demo --keep snapshot/             # keep the exported fixture directory"""


def register(commands: Any) -> None:
    parser = add_command(
        commands,
        "demo",
        help="run a self-contained demonstration against a simulated Sonar",
        description=DESCRIPTION,
        examples=EXAMPLES,
    )
    parser.add_argument("--scale", type=int, default=200, metavar="N", help="accounts to generate")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data")
    parser.add_argument(
        "--sonar-rate",
        type=float,
        default=400.0,
        metavar="N",
        help="requests per minute, for the simulator's limit and ours (0 = no limit)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="export into DIR and keep it (default: a temporary directory, removed after)",
    )
    parser.set_defaults(handler=handle)


async def demo(scale: int, seed: int, rate: float, out: Path, *, keep: bool = False) -> int:
    # Imported here: the simulator is a sizeable module the other commands never need.
    from migrator.sim.sonar.app import SonarSimConfig, build_app

    config = SonarSimConfig(token=DEMO_TOKEN, scale=scale, seed=seed, rate_limit=int(rate))
    reporter = ProgressReporter(f"demo: export of a simulated Sonar ({scale} accounts)")
    async with serve(build_app(config)) as url:
        client = SonarClient(url, DEMO_TOKEN, limiter=sonar_limiter(rate), emit=reporter.emit)
        async with client, reporter.running():
            result = await export_snapshot(client, out, LIST_QUERIES, emit=reporter.emit)
    print_summary(result, reporter, Console())
    if keep:
        Console().print(f"the exported fixture is in {out}", markup=False, highlight=False)
    return ExitCode.FATAL if result.failed else ExitCode.OK


def handle(args: argparse.Namespace) -> int:
    configure_logging("WARNING")
    keep = getattr(args, "keep", None)
    if keep is not None:
        return run_async(lambda: demo(args.scale, args.seed, args.sonar_rate, keep, keep=True))
    with tempfile.TemporaryDirectory(prefix="migrator-demo-") as directory:
        return run_async(lambda: demo(args.scale, args.seed, args.sonar_rate, Path(directory)))
