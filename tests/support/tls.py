"""Serving an aiohttp app over HTTPS on 127.0.0.1 with the test certificate in ``tls/``.

The certificate is self-signed for 127.0.0.1: untrusted unless a test points
SSL_CERT_FILE at ``CERT`` (which httpx reads when a client is built).
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

__all__ = ["CERT", "KEY", "serve_tls"]

CERT = Path(__file__).resolve().parent / "tls" / "cert.pem"
KEY = Path(__file__).resolve().parent / "tls" / "key.pem"


@contextlib.asynccontextmanager
async def serve_tls(app: web.Application) -> AsyncIterator[str]:
    """Serve ``app`` over TLS for the block; yields its base URL (``https://127.0.0.1:port``)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(CERT, KEY)
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
        await site.start()
        host, port = runner.addresses[0][:2]
        yield f"https://{host}:{port}"
    finally:
        await runner.cleanup()
