"""How big one nested document is: smaller when Sonar chokes on one, larger again later.

A page of accounts with their ledgers nested replaces dozens of flat pages,
but its answer is large (about 9,400 records for 100 accounts with nested
pages of 100), and how large an answer a real Sonar serves is unknown: too
big a document may come back as a 5xx (the server ran out of memory or time),
a timeout, or a GraphQL refusal of its complexity. Retrying the same document
would fail the same way and spend the budget; asking for the same accounts in
a smaller document costs one request and usually passes.

``DocumentSizer`` is that decision, shared by every producer of a reader:

- ``size(page_size)``: the ``DocumentSize`` to send now (accounts per page,
  records per nested page), never more accounts than the caller's page size;
- ``failed(size, error)``: after a document of ``size`` failed with an error
  ``shrinks_on`` accepts, whether to ask again, and at what ``size()``: the
  same size after a first 5xx or timeout (Sonar fails one request in a while
  whatever its size: a page of 100 accounts must not fall to one account
  under 5% random faults), smaller after ``strikes`` of that document in a
  row, or at once
  when Sonar says the query is too large (``shrink``: halve the accounts per
  page down to ``min_accounts``, then the nested page size down to
  ``min_nested``). False at that floor: the caller takes the ordinary error
  path (the client's retries, then GaveUp);
- ``succeeded(size)``: after ``regrow_after`` successes in a row, undo one
  shrink (the failure may have been a busy moment, not a limit). When a size
  grown back fails again (even after some pages passed at it: a limit near
  the average page fails some pages, not all), the next attempt to grow waits
  twice as long, so a hard limit costs a handful of refused requests in a run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from migrator.errors import DocumentTooLarge, ServerError, TransportError
from migrator.policy.retry import is_retriable

__all__ = ["DocumentSize", "DocumentSizer", "retry_unless_oversize", "shrinks_on"]

log = logging.getLogger(__name__)


def shrinks_on(error: BaseException) -> bool:
    """Whether ``error`` may mean the document was too large: a refusal that says so, a 5xx,
    or a request sent that got no answer in time (or was dropped). Not a rate limit, nor a
    connection that never opened: those say nothing about the document."""
    if isinstance(error, TransportError):
        return error.sent
    return isinstance(error, DocumentTooLarge | ServerError)


def retry_unless_oversize(error: BaseException) -> bool:
    """The client's retry rule while a smaller document is still possible: retry what is
    transient and unrelated to size, hand the rest back at once."""
    return is_retriable(error) and not shrinks_on(error)


@dataclass(frozen=True)
class DocumentSize:
    """Accounts per page and records per nested page of one document."""

    accounts: int
    nested: int

    def __str__(self) -> str:
        return f"{self.accounts} accounts x {self.nested} nested"


class DocumentSizer:
    """The current document size of one reader: halved on a failure, regrown after a run of
    successes (see the module's docstring)."""

    def __init__(
        self,
        *,
        accounts: int = 10_000,
        nested: int = 100,
        min_accounts: int = 1,
        min_nested: int = 10,
        regrow_after: int = 32,
        strikes: int = 2,
    ) -> None:
        if min(accounts, nested, min_accounts, min_nested, regrow_after, strikes) < 1:
            raise ValueError("document sizes, regrow_after and strikes must be at least 1")
        self.accounts = accounts
        self.nested = nested
        self.min_accounts = min_accounts
        self.min_nested = min(min_nested, nested)
        self.patience = regrow_after
        self.strikes = strikes
        self.shrinks = 0
        self._earlier: list[DocumentSize] = []
        self._streak = 0
        self._grown_from: DocumentSize | None = None

    def size(self, page_size: int) -> DocumentSize:
        """What to send now for a caller whose page size is ``page_size``."""
        return DocumentSize(min(page_size, self.accounts), self.nested)

    def at_floor(self, size: DocumentSize) -> bool:
        """Whether nothing smaller than ``size`` is left to try."""
        return size.accounts <= self.min_accounts and size.nested <= self.min_nested

    def failed(self, size: DocumentSize, error: BaseException, times: int = 1) -> bool:
        """Whether to ask again (at ``size()``) after the same document of ``size`` failed
        ``times`` times in a row, the last with ``error``.

        Counted per document, not across producers: a page too large fails every time,
        however many other pages pass meanwhile.
        """
        if self.size(size.accounts) != size:
            return True  # another producer shrank (or grew) it meanwhile: send what is current
        if self.at_floor(size):
            return False
        if times < self.strikes and not isinstance(error, DocumentTooLarge):
            return True  # maybe a passing failure: once more at the same size
        return self.shrink(size)

    def shrink(self, failed: DocumentSize) -> bool:
        """Make documents smaller than ``failed``; False when ``failed`` was the floor."""
        if self.size(failed.accounts) != failed:
            return True  # another producer shrank (or grew) it meanwhile: send what is current
        if failed.accounts > self.min_accounts:
            smaller = replace(failed, accounts=max(self.min_accounts, failed.accounts // 2))
        elif failed.nested > self.min_nested:
            smaller = replace(failed, nested=max(self.min_nested, failed.nested // 2))
        else:
            return False
        if self._grown_from is not None and _exceeds(failed, self._grown_from):
            self.patience *= 2  # grown back and refused again: a limit, most likely
        self._earlier.append(DocumentSize(self.accounts, self.nested))
        self.accounts, self.nested = smaller.accounts, smaller.nested
        self.shrinks += 1
        self._streak = 0
        self._grown_from = None
        log.info("Sonar failed a document of %s: asking for %s from now on", failed, smaller)
        return True

    def succeeded(self, size: DocumentSize) -> None:
        """Count a good answer; after ``patience`` of them in a row, grow back one step."""
        self._streak += 1
        if self._streak < self.patience or not self._earlier:
            return
        self._grown_from = DocumentSize(self.accounts, self.nested)
        larger = self._earlier.pop()
        self.accounts, self.nested = larger.accounts, larger.nested
        self._streak = 0
        log.info("%d good answers in a row: trying up to %s again", self.patience, larger)


def _exceeds(size: DocumentSize, limits: DocumentSize) -> bool:
    """Whether ``size`` is larger than ``limits`` in either dimension."""
    return size.accounts > limits.accounts or size.nested > limits.nested
