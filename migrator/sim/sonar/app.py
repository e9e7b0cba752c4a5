"""The Sonar simulator as a library: configure, build, serve, export.

    config = SonarSimConfig(scale=200, seed=7, rate_limit=0)
    app = build_app(config)                 # generates the data, synchronously
    async with serve(app) as url:           # migrator.sim.harness
        ...                                 # POST f"{url}/api/graphql", Bearer config.token
    dataset_of(app).records("accounts")     # ground truth, API-spelled, id order

``POST /admin/changes`` (``admin``) applies a batch of changes to the served
data, for delta syncs to find; ``apply_changes(dataset_of(app), seed=...)`` does
the same in process.

``build_app`` does all start-up work (generation or fixture loading, schema
building) before it returns, so a served app answers its first request at
full speed; at 10,000 accounts that takes a few seconds. Pass ``dataset=``
to serve data already built (several apps may share one).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, field_validator

from migrator.policy.clock import SYSTEM_CLOCK, Clock
from migrator.sim.faults import Capacity, FaultKind, FaultPlan, Latency, fault_middleware
from migrator.sim.sonar.access import WindowLimiter, access_middleware
from migrator.sim.sonar.admin import ADMIN_CHANGES_PATH, ADMIN_PREFIX, ChangesEndpoint
from migrator.sim.sonar.endpoint import GraphQLEndpoint, server_error
from migrator.sim.sonar.fixture_dump import write_fixture
from migrator.sim.sonar.fixture_load import load_fixture
from migrator.sim.sonar.generate import generate_dataset
from migrator.sim.sonar.graph import SonarContext, executable_schema
from migrator.sim.sonar.listing import Lister
from migrator.sim.sonar.table import Dataset

__all__ = [
    "ADMIN_CHANGES_PATH",
    "CONFIG",
    "DATASET",
    "DEFAULT_MAX_PAGE_SIZE",
    "DEFAULT_TOKEN",
    "GRAPHQL_PATH",
    "LIMITER",
    "SonarSimConfig",
    "build_app",
    "dataset_of",
    "export_fixture",
    "load_dataset",
]

GRAPHQL_PATH = "/api/graphql"
# ASSUMPTION: Sonar documents no page-size cap (reference/sonar_volumes.md; third parties
# mention 10,000) and a public client (PyPI sonar-software-api) asks for 1,000,000 records
# per page and works against real instances. A clamp lower than what the real server
# allows would make clients that work against Sonar fail here, so the default honours
# that request; --max-page-size sets a conservative one (the benchmarks use 100).
DEFAULT_MAX_PAGE_SIZE = 1_000_000
DEFAULT_TOKEN = "sonar-sim-token"  # a well-known test token, not a secret


class SonarSimConfig(BaseModel):
    """Everything a simulated Sonar instance is made of; the CLI flags map onto it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    token: str = Field(default=DEFAULT_TOKEN, min_length=1, description="the Bearer token accepted")
    extra_tokens: tuple[str, ...] = Field(
        default=(), description="more accepted tokens (own limits)"
    )
    scale: int = Field(default=1000, ge=0, le=1_000_000, description="accounts to generate")
    seed: int = Field(default=1, description="the generated data and the faults follow it")
    fixture: Path | None = Field(default=None, description="serve this fixture directory instead")
    max_page_size: int = Field(
        default=DEFAULT_MAX_PAGE_SIZE, ge=1, description="records_per_page is clamped to this"
    )
    rate_limit: int = Field(default=400, ge=0, description="requests per minute per token; 0 = off")
    latency: Latency = Field(default=Latency(), description="per-request service time")
    fault_rate: float = Field(
        default=0.0, ge=0.0, le=1.0, description="share of requests that fail"
    )
    fault_kinds: tuple[FaultKind, ...] = tuple(FaultKind)
    hang_seconds: float = Field(default=30.0, gt=0, description="how long a timeout fault hangs")
    capacity: int = Field(default=0, ge=0, description="requests served at once; 0 = unlimited")
    max_answer_entities: int = Field(
        default=0, ge=0, description="an answer holding more entities fails (500); 0 = no limit"
    )

    @field_validator("latency", mode="before")
    @classmethod
    def _latency(cls, value: Any) -> Any:
        return Latency.parse(value) if isinstance(value, str) else value

    @property
    def tokens(self) -> tuple[str, ...]:
        return (self.token, *self.extra_tokens)


CONFIG = web.AppKey("sonar_sim_config", SonarSimConfig)
DATASET = web.AppKey("sonar_sim_dataset", Dataset)
LIMITER = web.AppKey("sonar_sim_limiter", WindowLimiter)


def load_dataset(config: SonarSimConfig) -> Dataset:
    """The fixture named by the config, or the generated dataset for its scale and seed."""
    if config.fixture is not None:
        return load_fixture(config.fixture)
    return generate_dataset(config.scale, config.seed)


def build_app(
    config: SonarSimConfig, *, dataset: Dataset | None = None, clock: Clock = SYSTEM_CLOCK
) -> web.Application:
    """A ready aiohttp application serving ``POST /api/graphql`` (start-up work done here)."""
    data = dataset if dataset is not None else load_dataset(config)
    executable_schema()
    limiter = WindowLimiter(config.rate_limit, clock=clock)
    faults = fault_middleware(
        latency=config.latency,
        faults=FaultPlan(config.fault_rate, config.fault_kinds, config.hang_seconds),
        capacity=Capacity(config.capacity),
        rng=random.Random(f"faults-{config.seed}"),
        server_error=server_error,
        exempt=_is_admin,
    )
    # The shared fault middleware is typed as a plain callable, not aiohttp's Middleware.
    middlewares: list[Any] = [faults, access_middleware(config.tokens, limiter, _is_admin)]
    app = web.Application(middlewares=middlewares)
    endpoint = GraphQLEndpoint(
        SonarContext(data, Lister(config.max_page_size)),
        max_answer_entities=config.max_answer_entities,
    )
    app.router.add_post(GRAPHQL_PATH, endpoint.handle)
    app.router.add_post(ADMIN_CHANGES_PATH, ChangesEndpoint(data).handle)
    app[CONFIG] = config
    app[DATASET] = data
    app[LIMITER] = limiter
    return app


def _is_admin(request: web.Request) -> bool:
    """The simulator's own control endpoints: no faults, latency or rate limit."""
    return request.path.startswith(ADMIN_PREFIX)


def dataset_of(app: web.Application) -> Dataset:
    """The data an app built by ``build_app`` serves."""
    return app[DATASET]


def export_fixture(config: SonarSimConfig, directory: Path) -> dict[str, int]:
    """Write the config's dataset as a fixture directory; returns the count per query."""
    return write_fixture(load_dataset(config), directory)
