"""One HTTP/1.1 keep-alive connection: write a request, read its answer.

The Splynx client sends tens of thousands of small requests a run, one at a
time per connection; what a general-purpose client does around each of them
(aiohttp's session, tracing and response objects; httpcore's pool scans)
cost several times the exchange itself. This is the least that HTTP/1.1
needs: the request goes out in one write, and ``ResponseReader`` frames the
answer (Content-Length, chunked, or until the server closes; no body for
HEAD, 204, 304; interim 1xx answers skipped), keeping the connection for the
next request unless either side said ``Connection: close``.

Failures are raised as ``WireError`` subclasses; ``connection_pool`` turns
them into httpx's exceptions.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

__all__ = [
    "Disconnected",
    "Http11Connection",
    "MalformedAnswer",
    "ReadTimedOut",
    "ResponseReader",
    "WireAnswer",
    "WireError",
]

MAX_HEAD = 65_536  # bytes of status line and headers accepted before giving up


class WireError(Exception):
    """The exchange failed after the connection was made (the request may have arrived)."""


class Disconnected(WireError):
    """The server closed the connection before the answer was complete."""


class MalformedAnswer(WireError):
    """The bytes received are not an HTTP/1.1 answer."""


class ReadTimedOut(WireError):
    """Nothing arrived from the server for longer than the read timeout."""


@dataclass
class WireAnswer:
    """What came back: status, reason, headers as received, the body (still encoded)."""

    status: int
    reason: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes = b""
    keep_alive: bool = True


@dataclass
class ResponseReader:
    """Frames one answer from bytes fed in pieces; ``feed`` is True once it is complete.

    ``feed`` consumes what it used from the buffer, so bytes beyond the answer
    stay there (a server must not send them; the connection is then not reused).
    """

    head_only: bool = False  # the request was HEAD: the answer has no body
    answer: WireAnswer | None = None
    _length: int | None = None  # bytes of body still expected (fixed length or chunk)
    _chunked: bool = False
    _until_close: bool = False
    _trailers: bool = False
    _body: list[bytes] = field(default_factory=list)

    def feed(self, buffer: bytearray) -> bool:
        if self.answer is None and not self._head(buffer):
            return False
        if self._until_close:
            self._body.append(bytes(buffer))
            buffer.clear()
            return False
        if self._chunked:
            return self._chunks(buffer)
        return self._fixed(buffer)

    def at_eof(self) -> bool:
        """The server closed: True when that ends a complete answer (a body until close)."""
        if self.answer is not None and self._until_close:
            self._finish(keep_alive=False)
            return True
        return False

    def _head(self, buffer: bytearray) -> bool:
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > MAX_HEAD:
                    raise MalformedAnswer(f"no end of headers in the first {MAX_HEAD} bytes")
                return False
            lines = bytes(buffer[:end]).split(b"\r\n")
            del buffer[: end + 4]
            status, reason, version = _status_line(lines[0])
            if 100 <= status < 200 and status != 101:
                continue  # an interim answer (100 Continue, 103 Early Hints): the real one follows
            headers = [_header(line) for line in lines[1:]]
            self._frame(status, reason, version, headers)
            return True

    def _frame(
        self, status: int, reason: bytes, version: bytes, headers: list[tuple[bytes, bytes]]
    ) -> None:
        connection = b""
        length: bytes | None = None
        chunked = False
        for name, value in headers:
            lowered = name.lower()
            if lowered == b"content-length":
                if length is not None and length != value:
                    raise MalformedAnswer("conflicting Content-Length headers")
                length = value
            elif lowered == b"transfer-encoding":
                chunked = value.lower().rsplit(b",", 1)[-1].strip() == b"chunked"
            elif lowered == b"connection":
                connection = value.lower()
        if version == b"HTTP/1.0":
            keep_alive = b"keep-alive" in connection
        else:
            keep_alive = b"close" not in connection
        self.answer = WireAnswer(status, reason, headers, keep_alive=keep_alive)
        if self.head_only or status in (204, 304):
            self._length = 0
        elif chunked:
            self._chunked = True
        elif length is not None:
            if not length.strip().isdigit():
                raise MalformedAnswer(f"Content-Length {length!r} is not a number")
            self._length = int(length)
        else:
            self._until_close = True
            self.answer.keep_alive = False

    def _fixed(self, buffer: bytearray) -> bool:
        assert self._length is not None
        if len(buffer) < self._length:
            return False
        self._body.append(bytes(buffer[: self._length]))
        del buffer[: self._length]
        self._finish(keep_alive=not buffer)
        return True

    def _chunks(self, buffer: bytearray) -> bool:
        while True:
            if self._trailers:
                end = buffer.find(b"\r\n")
                if end < 0:
                    return False
                line = bytes(buffer[:end])
                del buffer[: end + 2]
                if not line:  # the blank line after the last chunk (and any trailers)
                    self._finish(keep_alive=not buffer)
                    return True
                continue
            if self._length is None:
                end = buffer.find(b"\r\n")
                if end < 0:
                    if len(buffer) > MAX_HEAD:
                        raise MalformedAnswer("a chunk size line without an end")
                    return False
                size = bytes(buffer[:end]).split(b";", 1)[0].strip()
                try:
                    self._length = int(size, 16)
                except ValueError:
                    raise MalformedAnswer(f"chunk size {size!r} is not hexadecimal") from None
                del buffer[: end + 2]
                if self._length == 0:
                    self._trailers = True
                    self._length = None
                continue
            if len(buffer) < self._length + 2:
                return False
            if buffer[self._length : self._length + 2] != b"\r\n":
                raise MalformedAnswer("a chunk does not end with CRLF")
            self._body.append(bytes(buffer[: self._length]))
            del buffer[: self._length + 2]
            self._length = None

    def _finish(self, *, keep_alive: bool) -> None:
        assert self.answer is not None
        self.answer.body = b"".join(self._body)
        self.answer.keep_alive = self.answer.keep_alive and keep_alive


def _status_line(line: bytes) -> tuple[int, bytes, bytes]:
    parts = line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise MalformedAnswer(f"not an HTTP/1.x status line: {line[:100]!r}")
    return int(parts[1]), parts[2] if len(parts) == 3 else b"", parts[0]


def _header(line: bytes) -> tuple[bytes, bytes]:
    name, colon, value = line.partition(b":")
    if not colon or not name or name != name.strip():
        raise MalformedAnswer(f"not a header line: {line[:100]!r}")
    return name, value.strip()


class Http11Connection(asyncio.Protocol):
    """One connection: ``exchange`` sends a request and waits for its answer, one at a time."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._reader: ResponseReader | None = None
        self._waiter: asyncio.Future[WireAnswer] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._loop_time = asyncio.get_running_loop().time
        self._last_heard = 0.0
        self.closed = False

    # -- asyncio.Protocol -----------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        waiter = self._waiter
        if self._reader is None or waiter is None or waiter.done():
            # Nothing is being asked (or the answer is complete): bytes now are not an
            # answer to anything, and the connection cannot be trusted with the next request.
            self.close()
            return
        self._buffer += data
        self._last_heard = self._loop_time()
        try:
            complete = self._reader.feed(self._buffer)
        except MalformedAnswer as exc:
            self._fail(exc)
            return
        if complete:
            self._settle()

    def eof_received(self) -> bool | None:
        if self._reader is not None and self._reader.at_eof():
            self._settle()
        return None  # let the transport close itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._reader is not None and self._reader.at_eof():
            self._settle()
        else:
            detail = f": {exc}" if exc else ""
            self._fail(Disconnected(f"the server closed the connection before answering{detail}"))

    # -- use ------------------------------------------------------------------

    @property
    def usable(self) -> bool:
        return not self.closed and self._transport is not None and not self._transport.is_closing()

    async def exchange(
        self, data: bytes, *, head_only: bool, read_timeout: float | None
    ) -> WireAnswer:
        """Write ``data`` (request head and body) and wait for the answer."""
        assert self._transport is not None and self._waiter is None
        loop = asyncio.get_running_loop()
        self._waiter = loop.create_future()
        self._reader = ResponseReader(head_only=head_only)
        if read_timeout is not None:
            self._last_heard = loop.time()
            self._timer = loop.call_later(read_timeout, self._check_silence, read_timeout)
        self._transport.write(data)
        try:
            answer = await self._waiter
        finally:
            self._waiter = None
            self._reader = None
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        if not answer.keep_alive:
            self.close()
        return answer

    def _check_silence(self, limit: float) -> None:
        """Fail the exchange if nothing arrived for ``limit`` seconds, else look again later."""
        quiet = self._loop_time() - self._last_heard
        if quiet >= limit:
            self._timer = None
            self._fail(ReadTimedOut(f"nothing received for {limit:g} s"))
            return
        self._timer = asyncio.get_running_loop().call_later(
            limit - quiet, self._check_silence, limit
        )

    def _settle(self) -> None:
        if self._waiter is not None and not self._waiter.done() and self._reader is not None:
            assert self._reader.answer is not None
            self._waiter.set_result(self._reader.answer)

    def _fail(self, error: WireError) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(error)
        self.close()

    def close(self) -> None:
        self.closed = True
        if self._transport is not None:
            self._transport.close()

    def abort(self) -> None:
        self.closed = True
        if self._transport is not None:
            self._transport.abort()
