"""Profiles: the TOML files that hold a migration's choices (``profiles/*.toml``).

A profile is named (a bundled one, e.g. ``full``) or given as a path. Its
``[sonar]``, ``[splynx]`` and ``[run]`` tables supply settings at the lowest
precedence (below the environment, ``.env`` and CLI flags). Secrets are never
accepted from a profile.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PositiveInt, ValidationError

from migrator.errors import ConfigError
from migrator.profile_rules import (
    BillingRules,
    CleanupRules,
    CustomerRules,
    DefaultsRules,
    FinanceRules,
    NetworkRules,
    NoteRules,
    ServiceRules,
    SupportRules,
    SyncRules,
)

__all__ = ["DEFAULT_PROFILE", "Profile", "bundled_profiles", "load_profile"]

DEFAULT_PROFILE = "full"
_PACKAGE_DIR = Path(__file__).resolve().parent
# Installed from a wheel the profiles sit inside the package; in a checkout, beside it.
_PROFILE_DIRS = (_PACKAGE_DIR / "profiles", _PACKAGE_DIR.parent / "profiles")

_SECRET_KEYS = frozenset({"token", "api_key", "api_secret", "db_dsn", "password", "secret"})


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SonarSection(_Section):
    url: str | None = None
    rate: float | None = None
    page_size: int | None = None
    producers: int | None = None


class SplynxSection(_Section):
    url: str | None = None
    auth: Literal["token", "signature", "basic"] | None = None
    rate: float | None = None
    writers: int | None = None


class RunSection(_Section):
    queue_size: int | None = None
    max_errors: int | None = None
    max_error_rate: float | None = None
    timeout: float | None = None
    connect_timeout: float | None = None
    retry_budget: float | None = None
    state: str | None = None


class Profile(_Section):
    """A parsed profile; ``settings_values()`` feeds ``load_settings``."""

    name: str = DEFAULT_PROFILE
    description: str = ""
    entities: list[str] | None = None  # None: every entity migrator knows, in order
    sonar: SonarSection = SonarSection()
    splynx: SplynxSection = SplynxSection()
    run: RunSection = RunSection()
    defaults: DefaultsRules = DefaultsRules()
    customers: CustomerRules = CustomerRules()
    billing: BillingRules = BillingRules()
    services: ServiceRules = ServiceRules()
    networks: NetworkRules = NetworkRules()
    notes: NoteRules = NoteRules()
    support: SupportRules = SupportRules()
    cleanup: CleanupRules = CleanupRules()
    finance: FinanceRules = FinanceRules()
    sync: SyncRules = SyncRules()
    # Sonar tax name (several on one service: their names sorted, joined by " + ")
    # -> Splynx tax id (``GET /admin/config/taxes``; Splynx's taxes are read-only).
    taxes: dict[str, PositiveInt] = {}

    def settings_values(self) -> dict[str, Any]:
        """The profile's settings keyed by ``Settings`` field name; unset ones left out."""
        values: dict[str, Any] = {
            "sonar_url": self.sonar.url,
            "sonar_rate": self.sonar.rate,
            "page_size": self.sonar.page_size,
            "producers": self.sonar.producers,
            "splynx_url": self.splynx.url,
            "splynx_auth": self.splynx.auth,
            "splynx_rate": self.splynx.rate,
            "writers": self.splynx.writers,
            **self.run.model_dump(),
        }
        return {key: value for key, value in values.items() if value is not None}


def bundled_profiles() -> dict[str, Path]:
    """Name → file of every profile shipped with migrator."""
    found: dict[str, Path] = {}
    for directory in _PROFILE_DIRS:
        if directory.is_dir():
            for path in sorted(directory.glob("*.toml")):
                found.setdefault(path.stem, path)
    return found


def _resolve(name_or_path: str) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.is_file():
        if not candidate.is_file():
            raise ConfigError(f"profile file not found: {candidate}")
        return candidate
    bundled = bundled_profiles()
    if name_or_path in bundled:
        return bundled[name_or_path]
    known = ", ".join(sorted(bundled)) or "none"
    raise ConfigError(f"unknown profile {name_or_path!r}; bundled profiles: {known}")


def _refuse_secrets(data: dict[str, Any], path: Path) -> None:
    for section, table in data.items():
        if isinstance(table, dict):
            leaked = sorted(_SECRET_KEYS & table.keys())
            if leaked:
                raise ConfigError(
                    f"{path}: [{section}] {', '.join(leaked)}: secrets may not be kept in a "
                    "profile; set them in the environment or .env (see .env.example)"
                )


def load_profile(name_or_path: str | None = None) -> Profile:
    """Read a bundled profile by name, or a profile file by path (default: ``full``)."""
    path = _resolve(name_or_path or DEFAULT_PROFILE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    _refuse_secrets(data, path)
    data.setdefault("name", path.stem)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from None
