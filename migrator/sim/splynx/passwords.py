"""How the simulator keeps and checks administrator and portal passwords.

ASSUMPTION (the dumped ``admins.password`` / ``customers.password`` are
``varchar(512)`` with their sample values redacted): an administrator's
password is kept as ``sha256:<hex>``, never answered; a customer's portal
password as given (Splynx shows it to administrators, and the blueprint's
``Customer Response`` carries it, L2613). An empty stored password matches
nothing, so an account without one cannot log in.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["hashed", "matches"]

_PREFIX = "sha256:"


def hashed(password: str) -> str:
    return _PREFIX + hashlib.sha256(password.encode()).hexdigest()


def matches(stored: str | None, given: str) -> bool:
    """Whether ``given`` is the password kept as ``stored`` (hashed or as given)."""
    if not stored or not given:
        return False
    expected = hashed(given) if stored.startswith(_PREFIX) else given
    return hmac.compare_digest(stored.encode(), expected.encode())
