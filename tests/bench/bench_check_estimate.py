"""How good is ``migrator check``'s duration estimate? Estimate, then migrate, compare.

Starts both simulators in this process (Sonar at --scale accounts with its
real 400/min limit, a fresh Splynx with --workers and --latency-ms), runs the
pre-flight, then ``python -m migrator run`` in a child process against them,
and prints estimate ÷ actual, per run and the median. Needs a checkout whose
``migrator`` has the ``run`` command (--repo; default: this one).

    python3 tests/bench/bench_check_estimate.py --scale 1000 --latency-ms 50 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
from pydantic import SecretStr

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from migrator.preflight import Report, preflight  # noqa: E402
from migrator.settings import Settings  # noqa: E402
from migrator.sim.faults import Latency  # noqa: E402
from migrator.sim.harness import serve  # noqa: E402
from migrator.sim.sonar.app import SonarSimConfig  # noqa: E402
from migrator.sim.sonar.app import build_app as sonar_app  # noqa: E402
from migrator.sim.splynx.additional import MARKER_FIELDS  # noqa: E402
from migrator.sim.splynx.app import SplynxSimConfig  # noqa: E402
from migrator.sim.splynx.app import build_app as splynx_app  # noqa: E402

KEY, SECRET, TOKEN = "bench-key", "bench-secret", "bench-token"
CHECK_TOKEN = "bench-check-token"  # its own budget: the check does not eat into the run's


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--latency-ms", default="50", help="Splynx latency MEAN[:JITTER]")
    parser.add_argument("--workers", type=int, default=8, help="Splynx capacity")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--sonar-rate", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repo", type=Path, default=ROOT, help="checkout with `migrator run`")
    return parser.parse_args()


def environment(sonar: str, splynx: str, args: argparse.Namespace, state: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SONAR_", "SPLYNX_"))}
    return {
        **base,
        "SONAR_URL": sonar, "SONAR_TOKEN": TOKEN, "SPLYNX_URL": splynx,
        "SPLYNX_API_KEY": KEY, "SPLYNX_API_SECRET": SECRET,
        "MIGRATOR_SONAR_RATE": str(args.sonar_rate), "MIGRATOR_WRITERS": str(args.writers),
        "MIGRATOR_STATE": str(state), "MIGRATOR_LOG_LEVEL": "WARNING",
    }  # fmt: skip


def _child_cpu() -> float:
    """CPU seconds used by finished child processes (the migration), user + system."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def one_run(args: argparse.Namespace, number: int) -> tuple[float, float, dict[str, Any]]:
    sonar = sonar_app(
        SonarSimConfig(
            token=TOKEN,
            extra_tokens=(CHECK_TOKEN,),
            scale=args.scale,
            rate_limit=args.sonar_rate,
            max_page_size=100,  # the conservative clamp, so figures stay comparable
        )
    )
    splynx = splynx_app(
        SplynxSimConfig(api_key=KEY, api_secret=SecretStr(SECRET), workers=args.workers,
                        latency=Latency.parse(args.latency_ms), seed=number,
                        additional_fields=MARKER_FIELDS)
    )  # fmt: skip
    async with serve(sonar) as sonar_url, serve(splynx) as splynx_url:
        settings = Settings.model_construct(
            sonar_url=sonar_url, sonar_token=SecretStr(CHECK_TOKEN), splynx_url=splynx_url,
            splynx_api_key=SecretStr(KEY), splynx_api_secret=SecretStr(SECRET),
            sonar_rate=float(args.sonar_rate), writers=args.writers,
        )  # fmt: skip
        report: Report = await preflight(settings)
        with tempfile.TemporaryDirectory() as work:
            summary = Path(work) / "summary.json"
            env = environment(sonar_url, splynx_url, args, Path(work) / "state.sqlite3")
            command = [sys.executable, "-m", "migrator", "run", "--env-file", os.devnull,
                       "--summary-json", str(summary)]  # fmt: skip
            started, cpu = time.perf_counter(), _child_cpu()
            done = await anyio.run_process(command, cwd=args.repo, env=env, check=False)
            wall, cpu = time.perf_counter() - started, _child_cpu() - cpu
            if done.returncode != 0:
                raise SystemExit(
                    f"migrator run failed ({done.returncode}): {done.stderr[-2000:]!r}"
                )
            result = json.loads(summary.read_text())
    assert report.estimate is not None and report.estimate.seconds is not None
    return report.estimate.seconds, float(result.get("seconds", wall)), {
        "estimate": report.estimate, "systems": result.get("systems"), "wall": wall, "cpu": cpu,
    }  # fmt: skip


async def main() -> None:
    args = parse()
    ratios = []
    for number in range(1, args.runs + 1):
        estimated, actual, info = await one_run(args, number)
        ratios.append(estimated / actual)
        estimate = info["estimate"]
        print(f"run {number}: estimate {estimated:.1f} s ({estimate.bound} bound: sonar "
              f"{estimate.sonar.requests} requests, splynx {estimate.splynx.requests} writes), "
              f"actual {actual:.1f} s (wall {info['wall']:.1f} s, "
              f"migrator CPU {info['cpu']:.1f} s, "
              f"{info['systems']}), "
              f"estimate/actual {estimated / actual:.2f}")  # fmt: skip
        for line in estimate.sonar.arithmetic[-2:] + estimate.splynx.arithmetic[-1:]:
            print(f"    {line}")
    print(f"median estimate/actual over {len(ratios)} runs: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    anyio.run(main, backend="asyncio")
