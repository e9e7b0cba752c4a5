"""``migrator demo``: the README's first command migrates a simulated ISP with nothing set up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.pipeline.state import StateStore

ROOT = Path(__file__).resolve().parents[2]
NO_SUCH_PROXY = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}


@pytest.mark.slow
def test_demo_migrates_the_simulated_isp_and_counts_it_in_splynx(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "migrator",
            "demo",
            "--scale",
            "20",
            "--seed",
            "3",
            "--keep",
            str(kept),
        ],
        cwd=tmp_path,
        # A proxy from the environment (here one that is not there) must not carry
        # the traffic to the demo's own simulators on loopback.
        env={**os.environ, "PYTHONPATH": str(ROOT), **NO_SUCH_PROXY},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "summary" in result.stdout
    # a fresh Splynx: the demo creates the marker fields first, visibly, as an operator would
    assert "migrator check --fix --yes" in result.stdout
    assert "created customers.sonar_id" in result.stdout
    assert "Splynx now holds (counted through its API): 20 customers" in result.stdout
    store = StateStore.open(kept / "state.sqlite3")
    counts = {c.entity: c for c in store.counts()}
    store.close()
    assert counts["customers"].created == 20
    assert counts["customer_notes"].created > 0
    # the money too, with every balance proven against Sonar's
    assert min(counts[e].created for e in ("invoices", "payments", "transactions")) > 0
    assert "balances: all 20 customers' equal Sonar's to the cent" in result.stdout
    summary = json.loads((kept / "state.sqlite3.summary.json").read_text())
    assert summary["systems"]["sonar"]["rate_limited"] == 0  # paced within Sonar's limit
    assert summary["balances"]["checked"] == 20 and summary["balances"]["different"] == []
