"""Settings for a Splynx client whose transport is an ``httpx.MockTransport``.

Every other setting keeps its default; the URL is never dialled (the transport
answers), and Basic auth spares the unit tests a login. The client's unit tests
and the API sink's share them.
"""

from __future__ import annotations

from pydantic import SecretStr

from migrator.settings import Settings

__all__ = ["settings"]


def settings(**changes: object) -> Settings:
    values: dict[str, object] = {
        "splynx_url": "https://splynx.test/",
        "splynx_api_key": SecretStr("K"),
        "splynx_api_secret": SecretStr("S"),
        "splynx_auth": "basic",
        "retry_budget": 60.0,
        **changes,
    }
    return Settings.model_construct(**{**Settings().model_dump(), **values})
