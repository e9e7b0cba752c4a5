"""Running ``python -m migrator`` as a user would, and watching its state file meanwhile.

``environment`` is what a user exports before ``migrator run`` (the two
systems, the credentials, a state file), so a test can start, kill or
interrupt a real process; ``settled`` reads the state file that process
writes, to tell when work has begun and how far it got.
"""

from __future__ import annotations

import os
from pathlib import Path

from migrator.pipeline.finance_specs import FINANCE_ENTITIES
from migrator.pipeline.state import StateStore
from migrator.pipeline.support_specs import SUPPORT_ENTITIES
from tests.support.pair import KEY, SECRET, TOKEN

__all__ = ["WITHOUT_MONEY", "environment", "settled"]

# `migrator run` flags for a test of customers, services and comments: the money and the
# tickets are left to the tests that check them (tests/integration/test_finance_*.py,
# test_support_*.py), which keeps these fast.
WITHOUT_MONEY = ("--skip", ",".join(sorted({*FINANCE_ENTITIES, *SUPPORT_ENTITIES})))

ROOT = Path(__file__).resolve().parents[2]


def environment(sonar_url: str, splynx_url: str, state: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SONAR_URL": sonar_url,
        "SONAR_TOKEN": TOKEN,
        "SPLYNX_URL": splynx_url,
        "SPLYNX_API_KEY": KEY,
        "SPLYNX_API_SECRET": SECRET,
        "MIGRATOR_STATE": str(state),
        "MIGRATOR_SONAR_RATE": "0",
        "MIGRATOR_TIMEOUT": "5",
        "MIGRATOR_WRITERS": "6",
        "MIGRATOR_QUEUE_SIZE": "40",
        "PYTHONPATH": str(ROOT),
    }


def settled(state: Path) -> int:
    """Records the state file says are settled (0 before the first run)."""
    if not state.exists():
        return 0
    store = StateStore.open(state)
    total = sum(c.created + c.adopted + c.existing + c.rejected for c in store.counts())
    store.close()
    return total
