"""``POST /admin/changes``: change the served data while it is served (not a Sonar endpoint).

A test or a rehearsal asks the running simulator to apply one batch of changes
(``changes.apply_changes``) so that a delta sync (``migrator run --since``) has
something to find over HTTP. The body is ``{"seed": int, "fraction": float}``
(``fraction`` optional, default 0.01; ``now``, an ISO-8601 time with offset,
optional too: the batch's moment, default the wall clock). The answer is the
batch's ``ChangeSummary`` as JSON (200); a body it cannot use is answered 400
``{"error": "..."}``.

It takes the same Bearer token as ``/api/graphql`` and is neither counted by
the rate limiter nor hit by injected faults or latency (see ``app``): it is the
test's control, not part of the Sonar being modelled. The handler never awaits
while it changes the data, so a GraphQL request sees the data before or after a
batch, never halfway. The batch changes the app's dataset in place: apps built on
one shared dataset (``build_app(dataset=...)``) all see it.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from migrator.sim.sonar.changes import apply_changes
from migrator.sim.sonar.table import Dataset

__all__ = ["ADMIN_CHANGES_PATH", "ADMIN_PREFIX", "ChangeRequest", "ChangesEndpoint"]

log = logging.getLogger(__name__)

ADMIN_PREFIX = "/admin/"
ADMIN_CHANGES_PATH = "/admin/changes"


class ChangeRequest(BaseModel):
    """The body of ``POST /admin/changes``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = Field(strict=True)
    fraction: float = Field(default=0.01, gt=0, le=1)
    now: datetime | None = None


def _refused(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)


class ChangesEndpoint:
    """The handler of ``POST /admin/changes`` for one dataset."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    async def handle(self, request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.read())
            wanted = ChangeRequest.model_validate(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _refused("The request body is not valid JSON.")
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(part) for part in problem["loc"]) or "body"
            return _refused(f"{where}: {problem['msg']}")
        try:
            summary = apply_changes(
                self.dataset, seed=wanted.seed, fraction=wanted.fraction, now=wanted.now
            )
        except ValueError as exc:
            return _refused(str(exc))
        return web.json_response(summary.model_dump(mode="json"))
