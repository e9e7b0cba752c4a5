"""Wiring from settings: the shared ``Exchange`` (over one transport) and the auth strategy.

One exchange per run, shared by every writer: its keep-alive pool is sized to
the writers (plus room for token renewal and marker look-ups) so no writer
waits for a connection. TLS is verified unless MIGRATOR_INSECURE, which warns.
The User-Agent is fixed because Splynx binds an access token to it.
"""

from __future__ import annotations

import logging

import httpx

from migrator import __version__
from migrator.errors import ConfigError
from migrator.settings import Settings
from migrator.splynx.auth import (
    BasicAuth,
    NonceSource,
    SignatureAuth,
    SplynxAuth,
    TokenAuth,
    TokenIssuer,
    WallClock,
)
from migrator.splynx.connection_pool import ConnectionPool
from migrator.splynx.exchange import Exchange
from migrator.splynx.http_types import Port

__all__ = ["USER_AGENT", "auth_for", "http_client", "pool_size"]

log = logging.getLogger(__name__)
USER_AGENT = f"migrator/{__version__} (Sonar to Splynx)"


def pool_size(settings: Settings) -> int:
    """Connections kept: one per writer, plus room for token renewal and look-ups."""
    return settings.writers + 4


def http_client(settings: Settings, transport: Port | httpx.AsyncBaseTransport | None) -> Exchange:
    if not settings.splynx_url:
        raise ConfigError(
            "SPLYNX_URL is not set (the Splynx base URL, e.g. https://splynx.example.net)"
        )
    base_url = settings.splynx_url.rstrip("/") + "/api/2.0/"
    if settings.insecure:
        log.warning("TLS certificate verification is OFF for %s (MIGRATOR_INSECURE)", base_url)
    pool = pool_size(settings)
    if transport is None:
        transport = ConnectionPool(connections=pool, verify=not settings.insecure)
    try:
        return Exchange(
            base_url,
            transport,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
                "Accept-Encoding": "gzip, deflate",
            },
            timeout=httpx.Timeout(settings.timeout),
        )
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:  # parsed once, here
        raise ConfigError(f"SPLYNX_URL is not usable ({base_url}): {exc}") from exc


def auth_for(settings: Settings, http: Exchange, wall: WallClock) -> SplynxAuth:
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
        return SignatureAuth(key, secret, nonces=NonceSource(wall), in_flight=pool_size(settings))
    return TokenAuth(TokenIssuer(http, key, secret, wall=wall), wall=wall)
