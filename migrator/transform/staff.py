"""Sonar users -> Splynx administrators.

Passwords cannot move (Sonar never shows them), and the blueprint has no way
to create an administrator without one: each is created with a random
password that is never shown, logged or stored (the payload holds it as a
secret), and the cleanup note on the record, like the run's summary, says
the administrator must reset it (``RESET_NOTE``). An existing Splynx administrator with the
same login, or else the same e-mail, is used as it is (the sink looks both up).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from migrator.errors import FieldError, Rejected
from migrator.profile_rules import SupportRules
from migrator.records import Cleaned, Resolved
from migrator.sonar.entities import User
from migrator.splynx.payloads import Administrator
from migrator.transform.cleaning import Notes, clean_email, name_text, short_text

__all__ = ["RESET_NOTE", "administrator", "random_password", "role_of"]

RESET_NOTE = "password: created with a random one never shown; the administrator must reset it"
LOGIN_LIMIT = NAME_LIMIT = EMAIL_LIMIT = 64  # admins.login / name / email (splynx_tables.json)


def random_password() -> str:
    """A password nobody will ever see: 32 random URL-safe characters."""
    return secrets.token_urlsafe(24)


def role_of(user: User, rules: SupportRules) -> str:
    """The Splynx role: a Sonar super administrator's, the profile's by role id, or the default."""
    if user.super_admin:
        return rules.super_role
    if user.role_id is not None and str(user.role_id) in rules.roles:
        return rules.roles[str(user.role_id)]
    return rules.default_role


def administrator(
    user: User,
    resolved: Resolved,
    *,
    rules: SupportRules,
    password: Callable[[], str] = random_password,
) -> Cleaned[Administrator]:
    notes = Notes()
    login = short_text(user.username, "username", LOGIN_LIMIT, False, notes)
    if not login:
        raise Rejected("the user has no username", [FieldError("username", "empty")])
    name = name_text(user.name, "name", NAME_LIMIT, True, notes) or login
    email = clean_email(user.email_address, "email_address", notes, limit=EMAIL_LIMIT, drop=False)
    if email is None:
        raise Rejected("the user has no e-mail", [FieldError("email_address", "empty")])
    payload = Administrator.model_validate(
        {"login": login, "name": name, "email": email, "password": password(),
         "role_name": role_of(user, rules)}
    )  # fmt: skip
    if not user.enabled:
        notes.add("enabled", "disabled in Sonar (a user who left); created to keep their history")
    return Cleaned(payload, tuple(notes.lines))
