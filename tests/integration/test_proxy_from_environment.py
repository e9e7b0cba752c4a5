"""Both clients go through the proxy the environment names, as any HTTP client should.

A tiny forward proxy (``tests/support/forward_proxy``) runs on 127.0.0.1 and
records every request line it gets. httpx (Splynx) and aiohttp (Sonar) read
HTTP_PROXY / HTTPS_PROXY and NO_PROXY through ``urllib.request.getproxies``:
neither skips loopback by itself, only what NO_PROXY lists, so each test
clears NO_PROXY (both spellings) and sets the proxy before the clients are
built (httpx reads the environment when its client is made). A control run
with NO_PROXY=127.0.0.1 shows the proxy is used because of the environment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from pydantic import SecretStr

from migrator.errors import GaveUp, TransportError
from migrator.settings import Settings
from migrator.sim.splynx.app import SplynxSimConfig
from migrator.sim.splynx.app import build_app as build_splynx
from migrator.sonar.client import SonarClient, sonar_limiter
from migrator.sonar.queries import probe_document
from migrator.sonar.variables import probe_variables
from migrator.splynx.classify import Request
from migrator.splynx.client import SplynxClient
from tests.support.forward_proxy import forward_proxy
from tests.support.pair import running_pair, settings_for
from tests.support.tls import CERT, serve_tls

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def use_proxy(monkeypatch: pytest.MonkeyPatch, **chosen: str) -> None:
    """Only the proxy variables given, in upper case (lower case ones would win)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    for name, value in chosen.items():
        monkeypatch.setenv(name, value)


async def ask_sonar(settings: Settings) -> None:
    async with SonarClient.from_settings(settings) as sonar:
        await sonar.execute(
            probe_document("companies"), probe_variables("companies"), operation="companies probe"
        )


async def ask_splynx(settings: Settings) -> None:
    async with SplynxClient.open(settings) as splynx:
        assert (await splynx.check(anonymous=True)).ok


async def test_both_clients_go_through_http_proxy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with running_pair() as pair, forward_proxy() as proxy:
        settings = settings_for(pair, tmp_path / "state.sqlite3")
        use_proxy(monkeypatch, HTTP_PROXY=proxy.url)
        await ask_sonar(settings)
        await ask_splynx(settings)
        use_proxy(monkeypatch, HTTP_PROXY=proxy.url, NO_PROXY="127.0.0.1")
        seen_before_control = list(proxy.seen)
        await ask_sonar(settings)
        await ask_splynx(settings)
    assert f"POST {pair.sonar_url}/api/graphql HTTP/1.1" in seen_before_control
    assert f"GET {pair.splynx_url}/api/2.0/admin/api/check HTTP/1.1" in seen_before_control
    assert proxy.seen == seen_before_control  # NO_PROXY=127.0.0.1: straight to the servers


@asynccontextmanager
async def splynx_over_tls() -> AsyncIterator[str]:
    config = SplynxSimConfig(api_key="k", api_secret="s", unsecure_basic=True, workers=0)
    async with serve_tls(build_splynx(config)) as url:
        yield url


def splynx_settings(url: str) -> Settings:
    values = {
        "splynx_url": url,
        "splynx_api_key": SecretStr("k"),
        "splynx_api_secret": SecretStr("s"),
        "splynx_auth": "basic",
        "timeout": 5.0,
    }
    return Settings.model_construct(**{**Settings().model_dump(), **values})


async def test_https_to_splynx_is_tunnelled_through_https_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(CERT))  # the tunnel carries TLS end to end
    async with splynx_over_tls() as url, forward_proxy() as proxy:
        use_proxy(monkeypatch, HTTPS_PROXY=proxy.url)
        await ask_splynx(splynx_settings(url))
    assert proxy.seen == [f"CONNECT {url.removeprefix('https://')} HTTP/1.1"]


async def test_a_proxy_that_refuses_is_a_request_never_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with (
        splynx_over_tls() as splynx_url,
        serve_tls(build_splynx(SplynxSimConfig())) as sonar_url,  # any TLS server will do
        forward_proxy(refuse=True) as proxy,
    ):
        use_proxy(monkeypatch, HTTPS_PROXY=proxy.url)
        async with SplynxClient.open(splynx_settings(splynx_url)) as splynx:
            with pytest.raises(TransportError, match="proxy") as splynx_refused:
                await splynx.session.send(Request("GET", "admin/api/check"))
        sonar = SonarClient(sonar_url, "t", limiter=sonar_limiter(0), retry_budget=0.0)
        async with sonar:
            with pytest.raises(GaveUp) as sonar_refused:
                await sonar.execute(
                    probe_document("companies"),
                    probe_variables("companies"),
                    operation="companies probe",
                )
    assert splynx_refused.value.sent is False  # httpx.ProxyError: CONNECT was refused
    last = sonar_refused.value.last  # aiohttp's ClientHttpProxyError, translated
    assert isinstance(last, TransportError) and last.sent is False and "proxy" in str(last)
    assert len(proxy.seen) == 2 and all(line.startswith("CONNECT ") for line in proxy.seen)
