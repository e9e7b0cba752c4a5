"""The project's exception tree, arranged by what the caller should *do*.

Adapters (the Sonar and Splynx clients, the database gateway) catch foreign
exceptions (aiohttp, gql, httpx, pymysql) and re-raise one of these with
``from exc``; nothing above an adapter ever sees a library exception.

Three answers to "what now?", one branch each, none a kind of another:

- retry: ``Retriable``, a transient condition that surely did nothing
  (or a read that may be repeated); the retry policy tries again, honouring
  ``retry_after`` when the server named one.
- look up: ``OutcomeUnknown``, a write that was sent but whose result we
  could not see. Re-sending it could make a duplicate, so it is resolved by
  looking the record up by its marker; only a caller that does that look-up
  first (``SplynxClient.create_once``) lets the retry policy try again.
- give up: ``Fatal`` stops the run (bad config, auth, permission, a retry
  budget that ran out); ``Rejected`` gives up on this one record, keeps it
  with its reason and carries on with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AuthFailed",
    "ConfigError",
    "DocumentTooLarge",
    "ErrorBudgetExceeded",
    "Fatal",
    "FieldError",
    "GaveUp",
    "MarkerNotKept",
    "MarkersMissing",
    "MigratorError",
    "NonceRefused",
    "OutcomeUnknown",
    "PermissionDenied",
    "ProtocolError",
    "RateLimited",
    "Rejected",
    "Retriable",
    "ServerError",
    "TransportError",
    "most_telling",
]


class MigratorError(Exception):
    """Base of every error the project raises on purpose."""


class Fatal(MigratorError):
    """Stop: the condition will not go away by trying again."""


class ConfigError(Fatal):
    """A setting, profile or flag is missing or wrong; the message names it."""


class AuthFailed(Fatal):
    """The remote system refused our credentials."""


class PermissionDenied(Fatal):
    """The credentials are valid but may not use this endpoint."""

    def __init__(self, message: str, *, endpoint: str = "", permission: str = "") -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.permission = permission


class ProtocolError(Fatal):
    """The remote answered something we cannot interpret (not JSON, wrong shape)."""


class DocumentTooLarge(ProtocolError):
    """The server refused a query as too big (its complexity, depth or answer size).

    Fatal for that document, as any refused query is; a reader that can ask for
    the same records in smaller documents catches it and does (``DocumentSizer``).
    """


class MarkersMissing(Fatal):
    """Splynx lacks an additional field a marker needs: nothing may be written (exit 5)."""


class MarkerNotKept(Fatal):
    """A record was created but Splynx did not keep its marker: the run must stop.

    ``splynx_id`` is the record created, so the run can keep it in its id map
    (a re-run skips it rather than creating it again).
    """

    def __init__(self, message: str, *, splynx_id: int) -> None:
        super().__init__(message)
        self.splynx_id = splynx_id


class GaveUp(Fatal):
    """A retriable operation kept failing until its time budget ran out."""

    def __init__(self, operation: str, attempts: int, last: BaseException | None) -> None:
        detail = f": {last}" if last is not None else ""
        super().__init__(f"gave up on {operation} after {attempts} attempts{detail}")
        self.operation = operation
        self.attempts = attempts
        self.last = last


class ErrorBudgetExceeded(MigratorError):
    """More records were rejected than ``--max-errors`` / ``--max-error-rate`` allow."""


class Retriable(MigratorError):
    """Transient: try again later, no sooner than ``retry_after`` seconds if given."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(Retriable):
    """The server said we asked too often (HTTP 429 or a rate-limit body)."""


class ServerError(Retriable):
    """The server failed (5xx)."""


class NonceRefused(Retriable):
    """Splynx refused a signed request's nonce (used already, or below one it saw).

    The request did nothing; signed again with a later nonce it may go. Not a
    credentials problem: the same key and secret were accepted before.
    """


class TransportError(Retriable):
    """The request never got an answer: refused, reset, dropped or timed out.

    ``sent`` tells whether the request may have reached the server (so it is
    only retriable because it was a read or otherwise safe to repeat). A
    create sent without an answer is not this but ``OutcomeUnknown``.
    """

    def __init__(self, message: str, *, sent: bool = False) -> None:
        super().__init__(message)
        self.sent = sent


class OutcomeUnknown(MigratorError):
    """A write was sent but no answer came back: it may or may not exist now.

    Not retriable: re-sending it blindly could create a duplicate. Look it up
    by its marker first (adopting what is found), and only then send again.
    """


@dataclass(frozen=True)
class FieldError:
    """One field's complaint, as the sink or our own validation reported it."""

    field: str
    message: str


class Rejected(MigratorError):
    """This record cannot be migrated; the run goes on without it.

    ``raw`` keeps the remote's answer verbatim (for 422s whose body shape is
    not documented), so an operator can always see what the server said.
    """

    def __init__(
        self, reason: str, errors: list[FieldError] | None = None, raw: str | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.errors = list(errors or [])
        self.raw = raw

    @property
    def field(self) -> str:
        """The first field named, or empty when the reason is not about a field."""
        return self.errors[0].field if self.errors else ""

    def __str__(self) -> str:
        if not self.errors:
            return self.reason
        named = "; ".join(f"{e.field}: {e.message}" for e in self.errors)
        return f"{self.reason} ({named})"


# What to report when a task group fails with several errors at once: Ctrl-C
# first (the user asked to stop), then what the user must fix, then what
# stopped the run, then anything of ours, then a bug.
_PRECEDENCE: tuple[type[BaseException], ...] = (
    KeyboardInterrupt,
    ConfigError,
    Fatal,
    ErrorBudgetExceeded,
    MigratorError,
)


def most_telling(error: BaseException) -> BaseException:
    """The one error worth reporting out of a (possibly nested) exception group.

    Cancellations that merely followed the real failure are never chosen.
    """
    flat: list[BaseException] = []

    def walk(exc: BaseException) -> None:
        if isinstance(exc, BaseExceptionGroup):
            for inner in exc.exceptions:
                walk(inner)
        else:
            flat.append(exc)

    walk(error)
    for kind in _PRECEDENCE:
        for exc in flat:
            if isinstance(exc, kind):
                return exc
    return flat[0] if flat else error
