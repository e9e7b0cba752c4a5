"""Every setting the tool reads, with where it may come from.

Precedence, highest first: a CLI flag, the environment, ``.env``, the profile
(``profiles/*.toml``), the built-in default. Secrets (the Sonar token, the
Splynx key and secret, the database DSN) come only from the environment or
``.env`` and are held as ``SecretStr`` so they never print.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from migrator.errors import ConfigError

__all__ = ["SECRET_FIELDS", "Settings", "check_dotenv", "env_name", "load_settings"]

SECRET_FIELDS = frozenset({"sonar_token", "splynx_api_key", "splynx_api_secret", "splynx_db_dsn"})


class Settings(BaseSettings):
    """Connection, tuning and safety settings. Field docs are what ``.env.example`` says."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    sonar_url: str | None = Field(None, validation_alias="SONAR_URL")
    sonar_token: SecretStr | None = Field(None, validation_alias="SONAR_TOKEN")
    splynx_url: str | None = Field(None, validation_alias="SPLYNX_URL")
    splynx_api_key: SecretStr | None = Field(None, validation_alias="SPLYNX_API_KEY")
    splynx_api_secret: SecretStr | None = Field(None, validation_alias="SPLYNX_API_SECRET")
    splynx_auth: Literal["token", "signature", "basic"] = Field(
        "token", validation_alias="SPLYNX_AUTH"
    )
    splynx_db_dsn: SecretStr | None = Field(None, validation_alias="SPLYNX_DB_DSN")
    state: Path = Field(Path("migrator-state.sqlite3"), validation_alias="MIGRATOR_STATE")

    sonar_rate: float = Field(400.0, ge=0, validation_alias="MIGRATOR_SONAR_RATE")
    # Sonar counts per minute (its documented unit); Splynx writes are counted per second.
    splynx_rate: float = Field(0.0, ge=0, validation_alias="MIGRATOR_SPLYNX_RATE")
    page_size: int = Field(100, ge=1, le=10_000, validation_alias="MIGRATOR_PAGE_SIZE")
    # Records per page of each connection read nested under a page of accounts (finance);
    # an account with more gets follow-up requests for the rest.
    nested_page_size: int = Field(
        100, ge=1, le=10_000, validation_alias="MIGRATOR_NESTED_PAGE_SIZE"
    )
    producers: int = Field(4, ge=1, le=64, validation_alias="MIGRATOR_PRODUCERS")
    writers: int = Field(8, ge=1, le=256, validation_alias="MIGRATOR_WRITERS")
    queue_size: int = Field(500, ge=1, validation_alias="MIGRATOR_QUEUE_SIZE")
    max_errors: int | None = Field(None, ge=0, validation_alias="MIGRATOR_MAX_ERRORS")
    max_error_rate: float | None = Field(
        None, ge=0, le=1, validation_alias="MIGRATOR_MAX_ERROR_RATE"
    )
    timeout: float = Field(30.0, gt=0, validation_alias="MIGRATOR_TIMEOUT")
    # Opening a connection; and, until a system has answered once, each whole request
    # (a system that is not there is reported in seconds, not after the retry budget).
    connect_timeout: float = Field(10.0, gt=0, validation_alias="MIGRATOR_CONNECT_TIMEOUT")
    retry_budget: float = Field(300.0, ge=0, validation_alias="MIGRATOR_RETRY_BUDGET")
    insecure: bool = Field(False, validation_alias="MIGRATOR_INSECURE")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", validation_alias="MIGRATOR_LOG_LEVEL"
    )
    log_file: Path | None = Field(None, validation_alias="MIGRATOR_LOG_FILE")

    @field_validator("sonar_url", "splynx_url")
    @classmethod
    def _web_address(cls, url: str | None) -> str | None:
        """An http(s) base URL with a host, checked here so that no client is built with a
        URL it cannot use; blank means unset. The value is never repeated (it may hold a
        password)."""
        if url is None or not url.strip():
            return None
        try:
            parts = urlsplit(url.strip())
            host, _ = parts.hostname, parts.port  # a port that is not a number raises
        except ValueError:
            raise ValueError("is not a URL (expected https://host or http://host)") from None
        if parts.scheme.lower() not in {"http", "https"}:
            shown = f"not {parts.scheme}://" if "://" in url else "it has no scheme"
            raise ValueError(f"must start with https:// or http:// ({shown})")
        if not host:
            raise ValueError("has no host (expected https://host or http://host)")
        return url.strip()

    @property
    def database_path(self) -> bool:
        """Whether ``SPLYNX_DB_DSN`` is given (not blank): money then goes into the tables."""
        dsn = self.splynx_db_dsn
        return dsn is not None and bool(dsn.get_secret_value().strip())

    def secrets(self) -> list[str]:
        """The secret values that are set, for the log redactor."""
        values = (getattr(self, name) for name in sorted(SECRET_FIELDS))
        return [v.get_secret_value() for v in values if v is not None and v.get_secret_value()]


def env_name(field: str) -> str:
    """The environment variable that sets ``field`` (its first alias)."""
    alias = Settings.model_fields[field].validation_alias
    assert isinstance(alias, str)
    return alias


def load_settings(
    *,
    profile_values: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    flags: Mapping[str, Any] | None = None,
    env_file: Path | None = Path(".env"),
) -> Settings:
    """Build the settings with the documented precedence.

    ``flags`` are the command line's (``None`` means "not given"), named as
    flags (``--writers``) when they are wrong; ``overrides`` are the same for
    callers that are not a command line; ``profile_values`` come from the
    profile's connection and tuning tables.
    """
    if env_file is not None:
        check_dotenv(env_file)
    given_flags = {k: v for k, v in (flags or {}).items() if v is not None}
    overrides = {**(overrides or {}), **given_flags}
    profile = dict(profile_values or {})
    leaked = sorted(SECRET_FIELDS & profile.keys())
    if leaked:
        names = ", ".join(env_name(name) for name in leaked)
        raise ConfigError(f"secrets may not be set in a profile; set {names} in the environment")
    profile = _by_env_name(profile)
    given = _by_env_name({k: v for k, v in (overrides or {}).items() if v is not None})

    class _Layered(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            profile_source = InitSettingsSource(settings_cls, init_kwargs=profile)
            return init_settings, env_settings, dotenv_settings, profile_source

    try:
        return _Layered(_env_file=env_file, **given)  # type: ignore[call-arg]
    except ValidationError as exc:
        raise ConfigError(_explain(exc, given_flags.keys())) from None


def check_dotenv(path: Path) -> None:
    """A dotenv file that is there must be UTF-8 text: say which line is not (never the
    line itself: it may hold a secret)."""
    try:
        lines = path.read_bytes().splitlines() if path.is_file() else []
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    for number, line in enumerate(lines, start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{path}, line {number}: not UTF-8 text (byte {exc.start + 1} of the line); "
                "save the file as UTF-8"
            ) from None


def _by_env_name(values: Mapping[str, Any]) -> dict[str, Any]:
    """Key values by their environment names, the only names the sources accept.

    (Field names are deliberately not accepted from the environment: a stray
    ``TIMEOUT`` or ``STATE`` in somebody's shell must not change a migration.)
    """
    unknown = sorted(set(values) - Settings.model_fields.keys())
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
    return {env_name(name): value for name, value in values.items()}


def _explain(exc: ValidationError, flags: Iterable[str]) -> str:
    """One line per bad setting, naming its flag when it came from one (``--writers``),
    else its environment variable; never the value."""
    from_flags = {env_name(name): name for name in flags}
    lines = []
    for error in exc.errors():
        where = str(error["loc"][0]) if error["loc"] else "?"
        if where in from_flags:
            name = "--" + from_flags[where].replace("_", "-")
        else:
            name = env_name(where) if where in Settings.model_fields else where
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{name}: {message}")
    return "invalid settings: " + "; ".join(lines)
