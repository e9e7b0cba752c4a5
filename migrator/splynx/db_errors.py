"""What a MySQL / MariaDB error means for us: the database gateway's one classifier.

pymysql (under aiomysql) reports errors by number; we sort them by what to do:
a bad record (duplicate, too long, wrong value, missing parent) is ``Rejected``
with the column named where the server names it; a deadlock or a lost
connection is retriable (``OutcomeUnknown`` if it broke a COMMIT); refused
credentials, a missing table or a missing privilege are fatal with the fix named.
Messages never carry the DSN or its password.
"""

from __future__ import annotations

import re

import pymysql

from migrator.errors import (
    AuthFailed,
    ConfigError,
    FieldError,
    MigratorError,
    OutcomeUnknown,
    PermissionDenied,
    ProtocolError,
    Rejected,
    ServerError,
    TransportError,
)

__all__ = ["RECORD_ERRORS", "translate"]

# Errors caused by the row itself: reject it, keep going.
RECORD_ERRORS = frozenset(
    {
        1048,  # column cannot be null
        1062,  # duplicate entry
        1264,  # out of range value
        1265,  # data truncated
        1292,  # incorrect date/datetime value
        1364,  # field has no default value
        1366,  # incorrect (integer/string) value
        1406,  # data too long
        1451,  # row is referenced (delete/update)
        1452,  # foreign key: parent row missing
        4025,  # CHECK constraint failed
    }
)
_RETRIABLE = frozenset({1205, 1213, 1040, 1053})  # lock wait, deadlock, too many conns, shutdown
_LOST = frozenset({2006, 2013, 2055})  # server gone away / lost connection during query
_UNREACHABLE = frozenset({2002, 2003, 2005})  # no socket, refused, unknown host
_AUTH = frozenset({1044, 1045, 1698})
_PRIVILEGE = frozenset({1142, 1143, 1227})
_LAYOUT = frozenset({1054, 1146, 1049})  # unknown column / table / database
_COLUMN = re.compile(r"(?:column|for key|Column) '([^']+)'")


def _code_and_message(exc: BaseException) -> tuple[int, str]:
    args: tuple[object, ...] = tuple(getattr(exc, "args", ()))
    if len(args) >= 2 and isinstance(args[0], int):
        return args[0], str(args[1])
    return 0, str(exc)


def translate(exc: BaseException, *, what: str, committing: bool = False) -> MigratorError:
    """Our error for a database failure while doing ``what`` (e.g. "insert into payments")."""
    code, message = _code_and_message(exc)
    text = f"MySQL error {code} during {what}: {message}" if code else f"{what}: {message}"
    if code in RECORD_ERRORS or isinstance(exc, pymysql.err.IntegrityError | pymysql.err.DataError):
        found = _COLUMN.search(message)
        errors = [FieldError(found.group(1).split(".")[-1], message)] if found else []
        return Rejected(text, errors, raw=message)
    if code in _RETRIABLE:
        return ServerError(text)
    if code in _LOST or isinstance(exc, ConnectionError | TimeoutError):
        if committing:
            return OutcomeUnknown(f"{text}: the batch may or may not be stored; look it up")
        return TransportError(text, sent=True)
    if code in _UNREACHABLE or isinstance(exc, OSError):
        return TransportError(f"{text} (check the host and port in SPLYNX_DB_DSN)", sent=False)
    if code in _AUTH:
        return AuthFailed(f"{text} (check the user and password in SPLYNX_DB_DSN)")
    if code in _PRIVILEGE:
        return PermissionDenied(f"{text} (grant the database user this privilege)", endpoint=what)
    if code in _LAYOUT:
        return ConfigError(f"{text}: SPLYNX_DB_DSN does not point at a Splynx database")
    return ProtocolError(text)
