"""Files only their owner may read: the state store, the log file, run summaries.

They can hold customer data (a reject keeps the original Sonar record), so they
are created 0600 and an existing one is narrowed to 0600 too.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["private_file"]


def private_file(path: Path) -> Path:
    """Create ``path`` (and its parent) owner-only, keeping what it already holds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600))
    os.chmod(path, 0o600)
    return path
