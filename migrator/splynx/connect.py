"""Wiring from settings: the run's one ``httpx.AsyncClient`` for Splynx, and its auth strategy.

One client per run, shared by every writer, so every request reuses the same
keep-alive pool. What it is built with, and why:

- ``base_url`` is SPLYNX_URL + ``/api/2.0/``; the client sends paths relative to it.
- The pool holds a connection per writer plus a few for token renewal and
  marker look-ups, all kept alive, so a writer never waits for a connection.
- HTTP/1.1: Splynx is PHP behind nginx or Apache; one request per connection
  at a time is what its worker pool expects. The requests travel through
  ``AiohttpTransport`` (aiohttp's pool under httpx's client; ``transport``
  says why).
- One ``MIGRATOR_TIMEOUT`` bounds each phase (connect, read, write, waiting for
  a pool connection). The read is the one that matters (Splynx's slowest
  answer); separate settings for the others would be knobs nobody needs, the
  pool being sized so that nobody waits for it.
- The environment is honoured as by any httpx client: HTTPS_PROXY /
  HTTP_PROXY / NO_PROXY choose the proxy, SSL_CERT_FILE / SSL_CERT_DIR the
  certificate authorities (``httpx.create_ssl_context``).
- TLS is verified unless MIGRATOR_INSECURE, which warns.
- Redirects are never followed: a 3xx is not an answer Splynx's API gives, and
  ``classify`` turns it into a ``ProtocolError`` naming SPLYNX_URL.
- The User-Agent is fixed because Splynx binds an access token to it.

Tests hand in an ``httpx`` transport (``httpx.MockTransport``) and get the same client.
"""

from __future__ import annotations

import logging
import os
import ssl
from pathlib import Path

import httpx

from migrator import __version__
from migrator.errors import ConfigError
from migrator.settings import Settings
from migrator.splynx.auth import BasicAuth, SignatureAuth, SplynxAuth, TokenAuth, TokenIssuer
from migrator.splynx.nonces import NonceLedger, NonceSource, WallClock
from migrator.splynx.transport import AiohttpTransport

__all__ = ["USER_AGENT", "auth_for", "http_client", "nonce_ledger_path", "pool_size"]

log = logging.getLogger(__name__)
USER_AGENT = f"migrator/{__version__} (Sonar to Splynx)"
SPARE_CONNECTIONS = 4  # token renewal and marker look-ups beside the writers


def nonce_ledger_path() -> Path:
    """Where signature nonces are reserved between runs: the user's state directory.

    The sequence belongs to the API key, not to a state file: a rehearsal and
    the production run, or a ``check`` between them, draw from the same one.
    """
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "migrator" / "signature-nonces.json"


def pool_size(settings: Settings) -> int:
    """Connections kept: one per writer, plus room for token renewal and look-ups."""
    return settings.writers + SPARE_CONNECTIONS


def http_client(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The shared client for SPLYNX_URL (``transport`` replaces the network in tests)."""
    if not settings.splynx_url:
        raise ConfigError(
            "SPLYNX_URL is not set (the Splynx base URL, e.g. https://splynx.example.net)"
        )
    base_url = settings.splynx_url.rstrip("/") + "/api/2.0/"
    if settings.insecure:
        log.warning("TLS certificate verification is OFF for %s (MIGRATOR_INSECURE)", base_url)
    seconds = settings.timeout
    try:
        return httpx.AsyncClient(
            base_url=base_url,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=httpx.Timeout(
                connect=min(seconds, settings.connect_timeout),
                read=seconds,
                write=seconds,
                pool=seconds,
            ),
            follow_redirects=False,
            transport=transport or _pooled(settings),
        )
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:  # parsed once, here
        raise ConfigError(f"SPLYNX_URL is not usable ({base_url}): {exc}") from exc


def _pooled(settings: Settings) -> AiohttpTransport:
    verify: ssl.SSLContext | bool = False
    if not settings.insecure:
        verify = httpx.create_ssl_context(verify=True, trust_env=True)  # SSL_CERT_FILE / _DIR
    return AiohttpTransport(connections=pool_size(settings), ssl=verify)


def auth_for(settings: Settings, http: httpx.AsyncClient, wall: WallClock) -> SplynxAuth:
    """The strategy SPLYNX_AUTH names, with the key and secret (named when missing)."""
    missing = [
        name
        for name, value in (
            ("SPLYNX_API_KEY", settings.splynx_api_key),
            ("SPLYNX_API_SECRET", settings.splynx_api_secret),
        )
        if value is None or not value.get_secret_value()
    ]
    if missing:
        raise ConfigError(f"{' and '.join(missing)} not set (Splynx: Administration / API keys)")
    assert settings.splynx_api_key is not None and settings.splynx_api_secret is not None
    key = settings.splynx_api_key.get_secret_value()
    secret = settings.splynx_api_secret.get_secret_value()
    if settings.splynx_auth == "basic":
        return BasicAuth(key, secret)
    if settings.splynx_auth == "signature":
        ledger = NonceLedger(nonce_ledger_path(), key)
        return SignatureAuth(key, secret, nonces=NonceSource(wall, ledger=ledger))
    return TokenAuth(TokenIssuer(http, key, secret, wall=wall), wall=wall)
