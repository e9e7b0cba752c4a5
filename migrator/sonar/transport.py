"""The adapter between gql/aiohttp and migrator: HTTP in, our answers and errors out.

gql's stock ``AIOHTTPTransport`` turns a >= 400 answer into an exception that
keeps neither the body nor the headers, reads a 200 answer without ``data``
as a protocol error, and stores response headers on the (shared) transport,
where concurrent requests overwrite each other's Retry-After. So this
subclass posts the request itself, reads status, body and Retry-After of
*this* response, and hands them to ``classify.classify``, the one place that
decides what an answer means.

It is also the one place where foreign exceptions (aiohttp, asyncio timeouts,
gql's own transport errors) are caught and re-raised as ours, ``from`` the
original: no aiohttp or gql exception ever leaves this module.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from gql import GraphQLRequest
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.exceptions import TransportError as GqlTransportError
from graphql import DocumentNode, ExecutionResult, print_ast

from migrator.errors import ConfigError, MigratorError, ProtocolError, TransportError
from migrator.sonar.classify import HttpAnswer, classify

__all__ = ["SonarTransport", "translate"]

log = logging.getLogger(__name__)


def translate(exc: BaseException, timeout: float) -> MigratorError:
    """Our error for a foreign exception raised while sending a request."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return ConfigError(f"cannot resolve the host in SONAR_URL: {exc.host}")
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return TransportError(f"could not connect to Sonar within {timeout:g}s", sent=False)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return TransportError(f"cannot connect to Sonar: {exc.os_error}", sent=False)
    if isinstance(exc, TimeoutError):
        return TransportError(f"no answer from Sonar within {timeout:g}s", sent=True)
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return TransportError("Sonar dropped the connection before answering", sent=True)
    if isinstance(exc, aiohttp.ClientHttpProxyError):  # CONNECT refused: nothing reached Sonar
        return TransportError(f"the proxy refused the connection to Sonar: {exc}", sent=False)
    if isinstance(exc, aiohttp.InvalidURL):
        return ConfigError(f"SONAR_URL is not a valid URL: {exc}")
    if isinstance(exc, aiohttp.ClientError | OSError):
        return TransportError(f"connection to Sonar failed: {exc!r}", sent=True)
    if isinstance(exc, GqlTransportError):
        return ProtocolError(f"GraphQL transport failure: {exc}")
    return ProtocolError(f"unexpected failure talking to Sonar: {exc!r}")


class SonarTransport(AIOHTTPTransport):
    """gql's aiohttp transport, answering through ``classify`` and raising only ours."""

    def __init__(
        self,
        url: str,
        *,
        token: str,
        timeout: float,
        verify_tls: bool,
        connections: int,
        connect_timeout: float | None = None,
    ) -> None:
        super().__init__(
            url,
            headers={"Authorization": f"Bearer {token}", "User-Agent": "migrator"},
            ssl=verify_tls,
            client_session_args={
                "timeout": aiohttp.ClientTimeout(total=timeout, sock_connect=connect_timeout),
                "connector": aiohttp.TCPConnector(limit=connections),
                "raise_for_status": False,
                # HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment, as httpx does
                # for Splynx. (SSL_CERT_FILE / SSL_CERT_DIR need nothing: aiohttp's
                # default context loads OpenSSL's default paths, which read them.)
                "trust_env": True,
            },
        )
        self.request_timeout = timeout
        self._printed: dict[int, tuple[DocumentNode, str]] = {}

    def _query_text(self, document: DocumentNode) -> str:
        """The document as text, printed once: gql would print the AST for every request."""
        known = self._printed.get(id(document))
        if known is None or known[0] is not document:
            known = self._printed[id(document)] = (document, print_ast(document))
        return known[1]

    def _prepare_request(  # type: ignore[override]
        self,
        request: GraphQLRequest,
        extra_args: dict[str, Any] | None = None,
        upload_files: bool = False,
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {"query": self._query_text(request.document)}
        if request.operation_name:
            payload["operationName"] = request.operation_name
        if request.variable_values:
            payload["variables"] = request.variable_values
        return {"json": payload, **(extra_args or {})}

    async def execute(  # type: ignore[override]
        self,
        request: GraphQLRequest,
        *,
        extra_args: dict[str, Any] | None = None,
        upload_files: bool = False,
    ) -> ExecutionResult:
        if self.session is None:
            raise ProtocolError("the Sonar session is not open (use `async with SonarClient`)")
        post_args = self._prepare_request(request, extra_args)
        try:
            async with self.session.post(
                self.url, ssl=self.ssl, allow_redirects=False, **post_args
            ) as response:
                answer = HttpAnswer(
                    status=response.status,
                    body=await response.read(),
                    retry_after=response.headers.get("Retry-After"),
                    location=response.headers.get("Location"),
                )
        except Exception as exc:  # the adapter boundary: every foreign exception becomes ours
            raise translate(exc, self.request_timeout) from exc
        return ExecutionResult(data=classify(answer))
