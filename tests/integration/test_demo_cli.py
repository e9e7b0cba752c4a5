"""``migrator demo``: the README's first command works with nothing set up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from migrator.sim.sonar.app import SonarSimConfig, export_fixture
from migrator.sonar.schema import LIST_QUERIES

ROOT = Path(__file__).resolve().parents[2]


def test_demo_exports_the_simulated_isp_and_summarises(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    flags = ["--scale", "8", "--seed", "4", "--sonar-rate", "0", "--keep", str(kept)]
    result = subprocess.run(
        [sys.executable, "-m", "migrator", "demo", *flags],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "summary" in result.stdout and "rate-limited" in result.stdout
    truth = tmp_path / "truth"
    export_fixture(SonarSimConfig(scale=8, seed=4), truth)
    for query in LIST_QUERIES:
        name = f"{query}.jsonl"
        assert (kept / name).read_bytes() == (truth / name).read_bytes(), name
