"""How big a nested document is after Sonar fails one, and when it grows back."""

from __future__ import annotations

import pytest

from migrator.errors import (
    AuthFailed,
    DocumentTooLarge,
    ProtocolError,
    RateLimited,
    ServerError,
    TransportError,
)
from migrator.sonar.sizing import (
    DocumentSize,
    DocumentSizer,
    retry_unless_oversize,
    shrinks_on,
)


@pytest.mark.parametrize(
    ("error", "shrinks", "retried_by_client"),
    [
        (ServerError("HTTP 500"), True, False),
        (DocumentTooLarge("Max query complexity should be 1000 but got 9000."), True, False),
        (TransportError("no answer within 30s", sent=True), True, False),
        (TransportError("connection refused", sent=False), False, True),
        (RateLimited("Request limit of 400/min reached."), False, True),
        (AuthFailed("bad token"), False, False),
        (ProtocolError("Cannot query field"), False, False),
    ],
)
def test_which_failures_mean_a_smaller_document(
    error: Exception, shrinks: bool, retried_by_client: bool
) -> None:
    assert shrinks_on(error) is shrinks
    assert retry_unless_oversize(error) is retried_by_client


def test_accounts_per_page_halve_first_then_nested_pages_down_to_the_floor() -> None:
    sizer = DocumentSizer(nested=100, min_accounts=1, min_nested=25)
    sizes = [sizer.size(100)]
    while sizer.shrink(sizes[-1]):
        sizes.append(sizer.size(100))
    assert [(s.accounts, s.nested) for s in sizes] == [
        (100, 100), (50, 100), (25, 100), (12, 100), (6, 100), (3, 100), (1, 100),
        (1, 50), (1, 25),
    ]  # fmt: skip
    assert sizer.at_floor(sizes[-1])
    assert not sizer.shrink(sizes[-1])  # the floor: the caller takes the ordinary error path
    assert sizer.shrinks == 8


def test_a_second_failure_in_a_row_or_a_refusal_as_too_large_shrinks() -> None:
    sizer = DocumentSizer(nested=100)
    big = sizer.size(100)
    assert sizer.failed(big, ServerError("HTTP 500"), 1)  # once more, same size
    assert sizer.size(100) == big
    assert sizer.failed(big, TransportError("no answer", sent=True), 1)  # another page's
    assert sizer.size(100) == big
    assert sizer.failed(big, ServerError("HTTP 500"), 2)  # the same document twice: smaller
    assert sizer.size(100) == DocumentSize(50, 100)
    assert sizer.failed(DocumentSize(50, 100), DocumentTooLarge("Max query complexity"))
    assert sizer.size(100) == DocumentSize(25, 100)  # said so: smaller at once
    assert sizer.shrinks == 2


def test_at_the_floor_failed_says_stop() -> None:
    sizer = DocumentSizer(accounts=1, nested=10, min_nested=10)
    assert not sizer.failed(sizer.size(100), DocumentTooLarge("too large"))
    assert sizer.shrinks == 0


def test_the_callers_page_size_stays_the_ceiling() -> None:
    sizer = DocumentSizer(nested=50)
    assert sizer.size(30) == DocumentSize(30, 50)
    assert sizer.shrink(DocumentSize(30, 50))
    assert sizer.size(100) == DocumentSize(15, 50)
    assert sizer.size(10) == DocumentSize(10, 50)


def test_a_failure_already_answered_by_another_producer_shrinks_once() -> None:
    sizer = DocumentSizer(nested=100)
    failed = sizer.size(100)
    assert sizer.shrink(failed)  # producer 1
    assert sizer.shrink(failed)  # producer 2, same document: retry at the current size
    assert sizer.size(100) == DocumentSize(50, 100)
    assert sizer.shrinks == 1


def test_it_grows_back_after_a_run_of_successes_and_waits_longer_after_a_relapse() -> None:
    sizer = DocumentSizer(nested=100, regrow_after=4)
    assert sizer.shrink(sizer.size(100))
    small = sizer.size(100)
    for _ in range(3):
        sizer.succeeded(small)
    assert sizer.size(100) == small
    sizer.succeeded(small)
    assert sizer.size(100) == DocumentSize(100, 100)  # four good answers: try the larger again
    assert sizer.shrink(DocumentSize(100, 100))  # refused again: a real limit
    assert sizer.patience == 8
    for _ in range(7):
        sizer.succeeded(small)
    assert sizer.size(100) == small
    sizer.succeeded(small)
    assert sizer.size(100) == DocumentSize(100, 100)
    sizer.succeeded(DocumentSize(100, 100))  # a page passed at the larger size this time,
    assert sizer.shrink(DocumentSize(100, 100))  # but another did not: a limit near the mean
    assert sizer.patience == 16


def test_nothing_to_grow_back_to_without_a_shrink() -> None:
    sizer = DocumentSizer(nested=100, regrow_after=1)
    for _ in range(5):
        sizer.succeeded(sizer.size(100))
    assert sizer.size(500) == DocumentSize(500, 100)


def test_sizes_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        DocumentSizer(nested=0)
