"""ResponseReader frames an HTTP/1.1 answer however the bytes are cut into pieces;
Http11Connection times out on silence and retires a connection it cannot trust."""

from __future__ import annotations

import asyncio

import pytest

from migrator.splynx.http11 import Http11Connection, MalformedAnswer, ReadTimedOut, ResponseReader

CHUNKED = (
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nX-A: 1\r\n\r\n"
    b"5\r\nhello\r\n1;name=v\r\n!\r\n0\r\nTrailer: x\r\n\r\n"
)
FIXED = b'HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\n{"a"\r\n'[:-2]


def fed(data: bytes, step: int, **options: bool) -> tuple[ResponseReader, bool, bytearray]:
    """Feed ``data`` ``step`` bytes at a time, as a connection would."""
    reader = ResponseReader(**options)
    buffer = bytearray()
    done = False
    for start in range(0, len(data), step):
        buffer += data[start : start + step]
        done = reader.feed(buffer)
        if done:
            buffer += data[start + step :]
            break
    return reader, done, buffer


@pytest.mark.parametrize("step", [1, 2, 3, 7, 1000])
@pytest.mark.parametrize(
    ("data", "status", "body", "keep_alive"),
    [
        (CHUNKED, 200, b"hello!", True),
        (FIXED, 201, b'{"a"', True),
        (b"HTTP/1.1 100 Continue\r\n\r\n" + FIXED, 201, b'{"a"', True),
        (b"HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n", 204, b"", True),
        (b"HTTP/1.1 304 Not Modified\r\n\r\n", 304, b"", True),
        (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n[]", 200, b"[]", False),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n[]", 200, b"[]", False),
        (b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", 200, b"", True),
    ],
)
def test_framed_answers(step: int, data: bytes, status: int, body: bytes, keep_alive: bool) -> None:
    reader, done, rest = fed(data, step)
    assert done and reader.answer is not None and rest == b""
    assert (reader.answer.status, reader.answer.body, reader.answer.keep_alive) == (
        status,
        body,
        keep_alive,
    )


def test_headers_are_kept_as_received() -> None:
    reader, done, _ = fed(CHUNKED, 1000)
    assert done and reader.answer is not None
    assert reader.answer.headers[1] == (b"X-A", b"1") and reader.answer.reason == b"OK"


def test_a_head_answer_has_no_body_whatever_its_length_says() -> None:
    reader, done, _ = fed(
        b"HTTP/1.1 200 OK\r\nContent-Length: 512\r\nX-total-count: 3\r\n\r\n", 5, head_only=True
    )
    assert done and reader.answer is not None and reader.answer.body == b""


def test_a_body_without_length_runs_until_the_server_closes() -> None:
    reader, done, _ = fed(b"HTTP/1.1 200 OK\r\n\r\npart one, part two", 4)
    assert not done
    assert reader.at_eof() and reader.answer is not None
    assert reader.answer.body == b"part one, part two" and not reader.answer.keep_alive


def test_bytes_beyond_the_answer_make_the_connection_unusable() -> None:
    reader, done, rest = fed(FIXED + b"HTTP/1.1 200", 1000)
    assert done and rest == b"HTTP/1.1 200"
    assert reader.answer is not None and not reader.answer.keep_alive


def test_an_incomplete_answer_is_not_complete_at_eof() -> None:
    reader, done, _ = fed(FIXED[:-1], 3)
    assert not done and not reader.at_eof()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"SSH-2.0-OpenSSH\r\n\r\n", "status line"),
        (b"HTTP/1.1 OK 200\r\n\r\n", "status line"),
        (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "header line"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", "not a number"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "conflicting"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "hexadecimal"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY", "CRLF"),
    ],
)
def test_malformed_answers_are_named(data: bytes, message: str) -> None:
    with pytest.raises(MalformedAnswer, match=message):
        fed(data, 1000)


def test_an_endless_head_is_refused() -> None:
    with pytest.raises(MalformedAnswer, match="no end of headers"):
        fed(b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 20_000, 4096)


class FakeSocket(asyncio.Transport):
    """Collects what the connection writes; says when it was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.written = b""
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += bytes(data)

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def abort(self) -> None:
        self.closing = True


async def test_stray_bytes_after_a_complete_answer_retire_the_connection() -> None:
    connection = Http11Connection()
    socket = FakeSocket()
    connection.connection_made(socket)
    asked = asyncio.create_task(
        connection.exchange(b"GET / HTTP/1.1\r\n\r\n", head_only=False, read_timeout=None)
    )
    await asyncio.sleep(0)
    connection.data_received(FIXED)
    connection.data_received(b"HTTP/1.1 200 OK\r\n")  # before the asking task has resumed
    answer = await asked
    assert answer.body == b'{"a"' and socket.written == b"GET / HTTP/1.1\r\n\r\n"
    assert not connection.usable


async def test_a_silent_server_is_a_read_timeout_and_the_connection_is_dropped() -> None:
    connection = Http11Connection()
    socket = FakeSocket()
    connection.connection_made(socket)
    with pytest.raises(ReadTimedOut):
        await connection.exchange(b"GET / HTTP/1.1\r\n\r\n", head_only=False, read_timeout=0.05)
    assert socket.closing and not connection.usable


async def test_a_trickling_answer_is_not_a_timeout() -> None:
    connection = Http11Connection()
    connection.connection_made(FakeSocket())
    asked = asyncio.create_task(
        connection.exchange(b"GET / HTTP/1.1\r\n\r\n", head_only=False, read_timeout=0.2)
    )
    for byte in range(len(FIXED)):  # each piece within the limit, the whole well beyond it
        await asyncio.sleep(0.02)
        connection.data_received(FIXED[byte : byte + 1])
    assert (await asked).status == 201 and connection.usable
