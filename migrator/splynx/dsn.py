"""``SPLYNX_DB_DSN``: where the Splynx database is, with the password kept secret.

Format: ``mysql://user:password@host:3306/database`` (``mariadb://`` is accepted
too; user and password may be percent-encoded). ``str(dsn)`` shows everything
but the password, so a DSN can be named in messages and logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from pydantic import SecretStr

from migrator.errors import ConfigError

__all__ = ["Dsn"]

_SCHEMES = {"mysql", "mariadb", "mysql+aiomysql", "mysql+pymysql"}


@dataclass(frozen=True)
class Dsn:
    """A parsed database address; the password is a ``SecretStr``."""

    host: str
    port: int
    user: str
    password: SecretStr
    database: str

    @classmethod
    def parse(cls, value: str | SecretStr) -> Dsn:
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        parts = urlsplit(text.strip())
        database = unquote(parts.path.lstrip("/"))
        if parts.scheme not in _SCHEMES or not parts.hostname or not database:
            raise ConfigError(
                "SPLYNX_DB_DSN must look like mysql://user:password@host:3306/database"
            )
        try:
            port = parts.port or 3306
        except ValueError:
            raise ConfigError("SPLYNX_DB_DSN has an invalid port") from None
        return cls(
            parts.hostname,
            port,
            unquote(parts.username or "root"),
            SecretStr(unquote(parts.password or "")),
            database,
        )

    def connect_args(self) -> dict[str, object]:
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password.get_secret_value(),
            "db": self.database,
        }

    def __str__(self) -> str:
        secret = ":***" if self.password.get_secret_value() else ""
        return f"mysql://{self.user}{secret}@{self.host}:{self.port}/{self.database}"

    def __repr__(self) -> str:
        return f"Dsn({self})"
