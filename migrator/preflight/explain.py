"""What a failed probe means and what the operator should do: the one place that says so.

The clients already classify every failure by action (``migrator.errors``);
this module turns each class into a sentence an operations engineer can act
on, per system: the setting to correct, the permission to grant, the server to
look at. A ``GaveUp`` is explained by the failure that made it give up.
"""

from __future__ import annotations

from dataclasses import dataclass

from migrator.errors import (
    AuthFailed,
    ConfigError,
    GaveUp,
    MigratorError,
    OutcomeUnknown,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    ServerError,
    TransportError,
)

__all__ = ["Problem", "cause_of", "explain", "refused", "what_happened"]


@dataclass(frozen=True)
class Problem:
    detail: str
    fix: str


@dataclass(frozen=True)
class _System:
    name: str
    url: str  # the setting holding its address
    credentials: str  # what to check when they are refused
    permission: str  # what to do when access is denied


_SYSTEMS = {
    "sonar": _System(
        "Sonar",
        "SONAR_URL (scheme, host and port of the instance's base URL, e.g. "
        "https://example.sonar.software)",
        "SONAR_TOKEN: a valid personal access token (Sonar: Settings > Security > "
        "Personal Access Tokens)",
        "give the token's user a role that may read accounts, services, billing and tickets",
    ),
    "splynx": _System(
        "Splynx",
        "SPLYNX_URL (scheme, host and port of the base URL, e.g. https://splynx.example.net, "
        "without /api/2.0)",
        "SPLYNX_API_KEY and SPLYNX_API_SECRET (Splynx: Administration > Main > API keys) "
        "and SPLYNX_AUTH (token, signature, or basic, which needs 'Unsecure access' on the key)",
        "grant the API key the permission named (Administration > Main > API keys > Permissions)",
    ),
    "database": _System(
        "the Splynx database",
        "SPLYNX_DB_DSN (its host, port and database name)",
        "the user and password in SPLYNX_DB_DSN",
        "grant the database user SELECT, INSERT and UPDATE on the Splynx database",
    ),
}


def _transport(system: _System, error: TransportError | OutcomeUnknown) -> str:
    if isinstance(error, OutcomeUnknown) or error.sent:  # connected, then no answer
        return (
            f"{system.name} took the request but did not answer: check the server's load "
            "and the network, or raise MIGRATOR_TIMEOUT"
        )
    return f"check {system.url}, and that this machine can reach it (firewall, VPN, proxy)"


def _config(system: _System, error: ConfigError) -> str:
    text = str(error)
    if "TLS" in text or "certificate" in text.lower():
        return (
            "install a certificate this machine trusts on the server; for a staging server "
            "only, MIGRATOR_INSECURE=true skips verification"
        )
    return f"check {system.url}"


_ADVICE = (". Check ", ". Grant ", "; check ")


def what_happened(error: MigratorError) -> str:
    """The error's message without the advice the clients append to it.

    The clients end some messages with their own hint ("... Check SPLYNX_API_KEY",
    "...; check SONAR_TOKEN"); a finding's ``fix`` carries the full advice, so
    the detail keeps only what happened.
    """
    text = str(error)
    for marker in _ADVICE:
        text = text.partition(marker)[0]
    return text


def cause_of(error: MigratorError) -> BaseException:
    """What went wrong in the end: the last attempt's error when the retries gave up."""
    return error.last if isinstance(error, GaveUp) and error.last is not None else error


def refused(error: MigratorError) -> bool:
    """Did the system answer and refuse us (rather than not answer at all)?"""
    return isinstance(cause_of(error), AuthFailed | PermissionDenied)


def explain(system: str, error: MigratorError) -> Problem:
    """The detail (what happened) and the fix (what to do) for ``error`` talking to ``system``."""
    chosen = _SYSTEMS[system]
    cause = cause_of(error)
    detail = what_happened(error)
    if isinstance(cause, AuthFailed):
        return Problem(detail, f"check {chosen.credentials}")
    if isinstance(cause, PermissionDenied):
        return Problem(detail, chosen.permission)
    if isinstance(cause, TransportError | OutcomeUnknown):
        return Problem(detail, _transport(chosen, cause))
    if isinstance(cause, ConfigError):
        return Problem(detail, _config(chosen, cause))
    if isinstance(cause, RateLimited):
        return Problem(
            detail,
            f"{chosen.name} is rate-limiting these credentials: is another client using "
            "them? wait a minute and check again",
        )
    if isinstance(cause, ServerError):
        return Problem(detail, f"{chosen.name} is failing (5xx): look at its logs and load")
    if isinstance(cause, ProtocolError):
        return Problem(detail, f"the answer is not what {chosen.name} sends: check {chosen.url}")
    return Problem(detail, f"check {chosen.url} and the credentials")
