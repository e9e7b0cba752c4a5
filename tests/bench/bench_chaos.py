"""What the migration survives, tried the way an operator's habits and bad days would.

Run by hand (not collected by pytest), from the repo root; prints what was tried
and whether the result in Splynx is exact (every record once, none missing):

    python3 tests/bench/bench_chaos.py [--scale 1000] [--kills 20] [--auth signature]

Sonar and Splynx run as separate processes, both failing 5% of requests (5xx,
timeouts, dropped connections, some after doing the work); Splynx keeps its
state in MariaDB, takes 10 +- 5 ms a request and checks signature nonces. Then:
``--kills`` runs of ``migrator run`` are SIGKILLed at random moments after
writing began; half way, Splynx is restarted; one run is stopped with Ctrl-C
(SIGINT); a last run finishes. Splynx is then checked through its API against
Sonar's data, and the state, summary and log files are searched for the
secrets.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from migrator.sim.sonar.app import SonarSimConfig, load_dataset  # noqa: E402
from tests.conftest import MARIADB  # noqa: E402
from tests.support.migration_checks import rejects_of, verify_splynx  # noqa: E402
from tests.support.migration_processes import settled  # noqa: E402
from tests.support.pair import settings_for  # noqa: E402
from tests.support.splynx_db import named_database  # noqa: E402

TOKEN, KEY, SECRET = "chaos-token-5f1e", "chaos-key-9a2c", "chaos-secret-77d3"
FAULTS = ["--fault-rate", "0.05"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def simulator(kind: str, port: int, *flags: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "migrator", "sim", kind, "--port", str(port), *flags]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    if not process.stdout.readline().startswith("http"):
        raise SystemExit(f"the {kind} simulator did not start")
    return process


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=60)


class Chaos:
    """The simulators, the state file and the ``migrator run`` processes of one trial."""

    def __init__(self, args: argparse.Namespace, directory: Path, dsn: str) -> None:
        self.args = args
        self.directory = directory
        self.state = directory / "state.sqlite3"
        self.log = directory / "migrator.log"
        self.dsn = dsn
        self.sonar_port, self.splynx_port = free_port(), free_port()
        self.rng = random.Random(args.seed)
        self.sonar = simulator(
            "sonar", self.sonar_port, "--token", TOKEN, "--scale", str(args.scale),
            "--seed", str(args.seed), "--rate-limit", "0", *FAULTS,
        )  # fmt: skip
        self.splynx = self.start_splynx()

    def start_splynx(self) -> subprocess.Popen[str]:
        return simulator(
            "splynx", self.splynx_port, "--api-key", KEY, "--api-secret", SECRET,
            "--db", self.dsn, "--workers", "8", "--latency-ms", "10:5", "--check-nonce",
            "--seed", str(self.args.seed), "--marker-fields", *FAULTS,
        )  # fmt: skip

    @property
    def urls(self) -> tuple[str, str]:
        return f"http://127.0.0.1:{self.sonar_port}", f"http://127.0.0.1:{self.splynx_port}"

    def environment(self) -> dict[str, str]:
        sonar, splynx = self.urls
        return {
            **os.environ, "PYTHONPATH": str(ROOT), "SONAR_URL": sonar, "SONAR_TOKEN": TOKEN,
            "SPLYNX_URL": splynx, "SPLYNX_API_KEY": KEY, "SPLYNX_API_SECRET": SECRET,
            "SPLYNX_AUTH": self.args.auth, "MIGRATOR_STATE": str(self.state),
            "MIGRATOR_SONAR_RATE": "0", "MIGRATOR_TIMEOUT": "2", "MIGRATOR_WRITERS": "16",
            "MIGRATOR_LOG_FILE": str(self.log), "XDG_STATE_HOME": str(self.directory),
        }  # fmt: skip

    def start_run(self) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "migrator", "run", "--env-file", os.devnull]
        return subprocess.Popen(
            command, cwd=self.directory, env=self.environment(),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip

    def until_writing(self, process: subprocess.Popen[bytes]) -> bool:
        before, deadline = settled(self.state), time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if settled(self.state) > before:
                return True
            time.sleep(0.1)
        return False

    def kill_mid_write(self) -> bool:
        process = self.start_run()
        landed = False
        if self.until_writing(process):
            time.sleep(self.rng.uniform(0.0, 1.5))
            if process.poll() is None:
                process.kill()
                landed = True
        process.wait()
        return landed

    def interrupt(self) -> tuple[int, float]:
        process = self.start_run()
        self.until_writing(process)
        process.send_signal(signal.SIGINT)
        asked = time.monotonic()
        code = process.wait(timeout=60)
        return code, time.monotonic() - asked

    def finish(self) -> int:
        process = self.start_run()
        _, errors = process.communicate()
        if process.returncode not in (0, 3):
            print(errors.decode(errors="replace")[-2000:])
        return process.returncode

    def leaked(self) -> list[str]:
        files = [p for p in self.directory.rglob("*") if p.is_file()]
        secrets = (TOKEN.encode(), KEY.encode(), SECRET.encode())
        return [str(p) for p in files for s in secrets if s in p.read_bytes()]

    def close(self) -> None:
        stop(self.sonar)
        stop(self.splynx)


class _Checked:
    """What ``verify_splynx`` needs of a pair: Sonar's data and Splynx's URL."""

    def __init__(self, dataset: Any, splynx_url: str) -> None:
        self.dataset = dataset
        self.splynx_url = splynx_url


def trial(args: argparse.Namespace, directory: Path, dsn: str) -> None:
    chaos = Chaos(args, directory, dsn)
    try:
        landed, started = 0, time.monotonic()
        for n in range(args.kills):
            landed += chaos.kill_mid_write()
            if n == args.kills // 2:
                stop(chaos.splynx)
                chaos.splynx = chaos.start_splynx()
                print(f"  Splynx restarted after kill {n + 1}")
        print(f"  {landed} of {args.kills} SIGKILLs landed while records were being written")
        code, seconds = chaos.interrupt()
        print(f"  Ctrl-C: exit {code} after {seconds:.1f} s (130 expected, within 5 s)")
        final = chaos.finish()
        print(f"  last run: exit {final}; {time.monotonic() - started:.0f} s for the whole trial")
        dataset = load_dataset(SonarSimConfig(scale=args.scale, seed=args.seed))
        pair = _Checked(dataset, chaos.urls[1])
        settings = settings_for(
            chaos.urls, chaos.state, sonar_token=TOKEN, splynx_api_key=KEY,
            splynx_api_secret=SECRET, splynx_auth=args.auth,
        )  # fmt: skip
        asyncio.run(verify_splynx(pair, settings, rejects_of(chaos.state)))  # type: ignore[arg-type]
        print("  Splynx checked against Sonar: every record once, none missing")
        leaks = chaos.leaked()
        print(f"  secrets found in state, summary, log and ledger files: {len(leaks)} {leaks}")
    finally:
        chaos.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--auth", choices=("token", "signature", "basic"), default="signature")
    parser.add_argument("--keep", type=Path, help="keep the state, summary and log files here")
    args = parser.parse_args()
    print(
        f"== chaos: {args.scale:,} accounts, {args.auth} auth, 5% faults both sides, Splynx "
        f"10+-5 ms with nonce checking, {args.kills} SIGKILLs, a Splynx restart, a Ctrl-C"
    )
    with (
        tempfile.TemporaryDirectory(prefix="bench-chaos-") as directory,
        named_database(MARIADB, prefix="migrator_chaos") as (dsn, _),
    ):
        kept = args.keep or Path(directory)
        kept.mkdir(parents=True, exist_ok=True)
        trial(args, kept, dsn)


if __name__ == "__main__":
    main()
