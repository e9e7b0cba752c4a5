"""The database gateway is an adapter: what pymysql raises leaves it as one of ours.

The pool here stands in for aiomysql's at the library boundary only: it fails
to hand out a connection the way aiomysql does when MySQL went away (a new
connection is opened lazily, on acquire), which the real MariaDB cannot be
made to do on cue. Everything else about the gateway is tested on MariaDB.
"""

from __future__ import annotations

from typing import Any

import pymysql
import pytest

from migrator.errors import TransportError
from migrator.splynx.db import SplynxDatabase
from migrator.splynx.dsn import Dsn


class _NoConnection:
    """An aiomysql pool whose acquire fails as a refused connection does."""

    def acquire(self) -> _NoConnection:
        return self

    async def __aenter__(self) -> Any:
        raise pymysql.err.OperationalError(2003, "Can't connect to MySQL server on '127.0.0.1'")

    async def __aexit__(self, *exc_info: object) -> None:
        return None


@pytest.mark.parametrize("bulk", [True, False])
async def test_a_connection_that_cannot_be_had_is_our_transport_error(bulk: bool) -> None:
    dsn = Dsn.parse("mysql://u:secret@127.0.0.1:3306/splynx")
    db = SplynxDatabase(_NoConnection(), dsn)  # type: ignore[arg-type]
    row = {"customer_id": 1, "type": "debit", "total": 1, "date": "2024-01-01"}
    with pytest.raises(TransportError, match="SPLYNX_DB_DSN") as caught:
        if bulk:
            await db.bulk_insert("billing_transactions", [row])
        else:
            await db.count("billing_transactions")
    assert caught.value.sent is False and "2003" in str(caught.value)
    assert "secret" not in str(caught.value)
