"""Signature nonces never go backwards: across writers, across processes, after refusals."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx

from migrator.splynx.auth import SignatureAuth
from migrator.splynx.nonces import NonceLedger, NonceSource
from migrator.splynx.transport import SIGN_AT_SEND


class Wall:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_new_process_starts_above_what_the_last_one_reserved(tmp_path: Path) -> None:
    ledger_file = tmp_path / "migrator" / "signature-nonces.json"
    wall = Wall(1000.0)
    first = NonceSource(wall, ledger=NonceLedger(ledger_file, "KEY"), block=50)
    issued = [first.next() for _ in range(120)]  # far ahead of a clock that stands still
    assert issued[-1] == 100119
    # the first process dies without a word (SIGKILL): what it wrote is all there is
    second = NonceSource(wall, ledger=NonceLedger(ledger_file, "KEY"), block=50)
    assert second.next() > issued[-1]
    other_key = NonceSource(wall, ledger=NonceLedger(ledger_file, "OTHER"))
    assert other_key.next() == 100000  # each key has its own sequence


def test_the_ledger_is_private_and_never_holds_the_key(tmp_path: Path) -> None:
    ledger_file = tmp_path / "migrator" / "signature-nonces.json"
    NonceSource(Wall(1000.0), ledger=NonceLedger(ledger_file, "SECRET-KEY-123")).next()
    assert stat.S_IMODE(ledger_file.stat().st_mode) == 0o600
    assert "SECRET-KEY-123" not in ledger_file.read_text()


def test_an_unreadable_ledger_falls_back_to_the_clock(tmp_path: Path) -> None:
    ledger_file = tmp_path / "migrator" / "signature-nonces.json"
    ledger_file.parent.mkdir()
    ledger_file.write_text("{not json")
    source = NonceSource(Wall(1000.0), ledger=NonceLedger(ledger_file, "KEY"))
    assert source.next() == 100000


async def signed(auth: SignatureAuth, url: str) -> httpx.Request:
    """The request as the auth flow hands it to the transport."""
    return await auth.async_auth_flow(httpx.Request("GET", url)).__anext__()


async def test_a_request_overtaken_on_its_way_out_is_signed_again() -> None:
    nonces = NonceSource(Wall(1000.0))
    auth = SignatureAuth("K", "S", nonces=nonces)
    alone = await signed(auth, "https://splynx.test/x")
    assert alone.extensions[SIGN_AT_SEND]() == alone.headers["Authorization"]  # still newest
    overtaken = await signed(auth, "https://splynx.test/y")
    nonces.next()  # another request is signed before this one goes out
    at_send = overtaken.extensions[SIGN_AT_SEND]()
    assert at_send != overtaken.headers["Authorization"]
    assert f"nonce={nonces.last}" in at_send  # the newest nonce
