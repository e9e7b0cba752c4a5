"""The error budget: stop a run that is going bad before it rejects everything."""

from __future__ import annotations

from migrator.errors import ErrorBudgetExceeded

__all__ = ["ErrorBudget", "ErrorBudgetExceeded"]


class ErrorBudget:
    """Counts settled and rejected records; ``check()`` raises once a limit is passed.

    The rate is judged only after ``min_sample`` records so that the first
    reject of a run does not count as a 100% failure rate.
    """

    def __init__(
        self, max_errors: int | None, max_error_rate: float | None, *, min_sample: int = 100
    ) -> None:
        self.max_errors = max_errors
        self.max_error_rate = max_error_rate
        self.min_sample = min_sample
        self.settled = 0
        self.rejected = 0

    def record(self, *, rejected: bool) -> None:
        self.settled += 1
        if rejected:
            self.rejected += 1
        # Only a reject raises the rate, but the rate is first judged when the sample is
        # complete: rejects before it must count then, even if none follows.
        if rejected or self.settled == self.min_sample:
            self.check()

    def check(self) -> None:
        if self.max_errors is not None and self.rejected > self.max_errors:
            raise ErrorBudgetExceeded(
                f"{self.rejected} records rejected, more than --max-errors {self.max_errors}"
            )
        if (
            self.max_error_rate is not None
            and self.settled >= self.min_sample
            and self.rejected / self.settled > self.max_error_rate
        ):
            rate = self.rejected / self.settled
            raise ErrorBudgetExceeded(
                f"{rate:.1%} of {self.settled} records rejected, more than "
                f"--max-error-rate {self.max_error_rate:g}"
            )
