"""The Splynx API v2.0 simulator as an aiohttp application, for the CLI, the demo and tests.

    config = SplynxSimConfig(api_key="k", api_secret="s", workers=8)
    app = build_app(config)
    async with serve(app) as url:          # migrator.sim.harness
        ...                                # url + "/api/2.0/admin/customers/customer"
        rows = await app[STORE_KEY].rows("customers")   # look behind the API

``build_app`` is synchronous; the store opens (and, for ``db_dsn``, creates its
database and tables) and the fresh-install rows are seeded when the app starts.
Middlewares, outermost first: the throttle (429 before a worker is taken), the
shared latency / capacity / fault middleware (its latency net of our own
processing time, see ``service_time``), the meter of that time, then the
error envelope.
"""

from __future__ import annotations

import random
from typing import Any, cast

from aiohttp import web
from aiohttp.typedefs import Middleware
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from migrator.sim.faults import Capacity, FaultKind, FaultPlan, Latency, fault_middleware
from migrator.sim.splynx.additional import AdditionalField, AdditionalFields
from migrator.sim.splynx.auth import Authenticator
from migrator.sim.splynx.auth_endpoints import AuthEndpoints
from migrator.sim.splynx.clock import WALL_CLOCK, moment, sql_date
from migrator.sim.splynx.config_endpoints import FIELDS_PATH, FieldDefinitions
from migrator.sim.splynx.dispatch import SplynxApi, error_middleware
from migrator.sim.splynx.errors import SplynxError
from migrator.sim.splynx.handlers import Operations, build_endpoints
from migrator.sim.splynx.logins import LoginDesk
from migrator.sim.splynx.principals import Access
from migrator.sim.splynx.requests import Permissions
from migrator.sim.splynx.routing import Router
from migrator.sim.splynx.seed import SeedLogins, seed_store
from migrator.sim.splynx.served_endpoints import resources
from migrator.sim.splynx.service_time import NetLatency, ServiceMeter, metering_middleware
from migrator.sim.splynx.store import MemoryStore, Store
from migrator.sim.splynx.store_mysql import MySQLStore, parse_dsn
from migrator.sim.splynx.tables import catalog
from migrator.sim.splynx.throttle import Throttle, throttle_middleware
from migrator.sim.splynx.tokens import SessionRegistry, TokenRegistry

__all__ = [
    "CAPACITY_KEY",
    "CONFIG_KEY",
    "STORE_KEY",
    "THROTTLE_KEY",
    "PortalCustomer",
    "SplynxSimConfig",
    "build_app",
    "endpoint_names",
]

STORE_KEY = web.AppKey("splynx_store", Store)  # type: ignore[type-abstract]
CONFIG_KEY = web.AppKey("splynx_config", object)
CAPACITY_KEY = web.AppKey("splynx_capacity", Capacity)
THROTTLE_KEY = web.AppKey("splynx_throttle", object)


def endpoint_names() -> list[str]:
    """Every endpoint's name (its path under /api/2.0/), as ``--deny`` takes them."""
    return [*(resource.name for resource in resources()), FIELDS_PATH]


class PortalCustomer(BaseModel):
    """A customer who can log in to the portal (``auth_type=customer``)."""

    model_config = ConfigDict(frozen=True)

    login: str = Field(min_length=1)
    password: SecretStr

    @classmethod
    def parse(cls, spec: str) -> PortalCustomer:
        """``LOGIN:PASSWORD``, as ``--portal-customer`` takes it."""
        login, colon, password = spec.partition(":")
        if not colon or not login or not password:
            raise ValueError("--portal-customer takes LOGIN:PASSWORD")
        return cls(login=login, password=SecretStr(password))


class SplynxSimConfig(BaseModel):
    """Everything that makes one simulated Splynx differ from another."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    api_key: str = "splynx-sim-key"
    api_secret: SecretStr = SecretStr("splynx-sim-secret")
    unsecure_basic: bool = False
    # api.check_nonce: '0' on the live key and by default (reference §1.2)
    check_nonce: bool = False
    admin_password: SecretStr = SecretStr("splynx-sim-admin")  # administrator 1, login admin
    portal_customer: PortalCustomer | None = None
    workers: int = Field(default=8, ge=0, description="PHP-FPM-like pool size; 0 = unlimited")
    latency: Latency = Latency()
    fault_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    fault_kinds: tuple[FaultKind, ...] = tuple(FaultKind)
    hang_seconds: float = Field(default=30.0, ge=0.0)
    throttle: float = Field(default=0.0, ge=0.0, description="requests per second; 0 = off")
    db_dsn: str | None = None
    deny: tuple[str, ...] = ()
    # A fresh Splynx has no additional fields (MARKER_FIELDS: the migration's markers)
    additional_fields: tuple[AdditionalField, ...] = ()
    # unknown additional attributes in a body dropped silently instead of refused (422)
    drop_unknown_attributes: bool = False
    seed: int | None = None
    seed_data: bool = True
    clock: Any = WALL_CLOCK

    @field_validator("deny")
    @classmethod
    def _known_endpoints(cls, deny: tuple[str, ...]) -> tuple[str, ...]:
        Permissions(deny, endpoint_names())
        return deny

    @field_validator("db_dsn")
    @classmethod
    def _readable_dsn(cls, dsn: str | None) -> str | None:
        if dsn:
            parse_dsn(dsn)
        return dsn or None


def _server_error(status: int) -> web.Response:
    return SplynxError(status).response()


def _store(config: SplynxSimConfig) -> Store:
    if config.db_dsn:
        return MySQLStore(config.db_dsn, catalog(), config.clock, pool_size=config.workers + 4)
    return MemoryStore(catalog(), config.clock)


def _api(config: SplynxSimConfig, store: Store, rng: random.Random) -> SplynxApi:
    tokens = TokenRegistry(config.clock, random.Random(rng.getrandbits(64)))
    sessions = SessionRegistry(tokens)
    auth = Authenticator(
        config.api_key,
        config.api_secret.get_secret_value(),
        unsecure_basic=config.unsecure_basic,
        check_nonce=config.check_nonce,
        tokens=tokens,
    )
    logins = LoginDesk(auth, tokens, sessions, store)
    fields = AdditionalFields(config.additional_fields)
    endpoints = build_endpoints(
        resources(), catalog(), fields, drop_unknown=config.drop_unknown_attributes
    )
    return SplynxApi(
        Router(resources()),
        endpoints,
        Operations(store, config.clock),
        auth,
        Access(Permissions(config.deny, endpoint_names())),
        AuthEndpoints(auth, logins, tokens, sessions),
        FieldDefinitions(fields),
    )


def _seed_logins(config: SplynxSimConfig) -> SeedLogins:
    portal = config.portal_customer
    return SeedLogins(
        config.admin_password.get_secret_value(),
        None if portal is None else (portal.login, portal.password.get_secret_value()),
        sql_date(moment(config.clock)),
    )


def _middlewares(
    config: SplynxSimConfig, capacity: Capacity, throttle: Throttle | None, rng: random.Random
) -> list[Middleware]:
    meter = ServiceMeter()
    faults = fault_middleware(
        latency=NetLatency.of(config.latency, meter),
        faults=FaultPlan(config.fault_rate, config.fault_kinds, config.hang_seconds),
        capacity=capacity,
        rng=rng,
        server_error=_server_error,
    )
    chain = [] if throttle is None else [throttle_middleware(throttle)]
    # fault_middleware is typed as a plain callable; it is an aiohttp middleware.
    return [*chain, cast(Middleware, faults), metering_middleware(meter), error_middleware]


def build_app(config: SplynxSimConfig) -> web.Application:
    """The simulator for this configuration (not yet serving; see ``migrator.sim.harness``)."""
    store = _store(config)
    rng = random.Random(config.seed)
    api = _api(config, store, rng)
    capacity = Capacity(config.workers)
    throttle = Throttle(config.throttle, config.clock) if config.throttle > 0 else None
    app = web.Application(middlewares=_middlewares(config, capacity, throttle, rng))
    app[STORE_KEY] = store
    app[CONFIG_KEY] = config
    app[CAPACITY_KEY] = capacity
    app[THROTTLE_KEY] = throttle
    app.router.add_route("*", "/api/2.0/{path:.*}", api.handle)
    app.router.add_route("*", "/{path:.*}", _outside_api)

    async def start(app: web.Application) -> None:
        await store.open()
        if config.seed_data:
            await seed_store(store, _seed_logins(config))

    async def stop(app: web.Application) -> None:
        await store.close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app


async def _outside_api(request: web.Request) -> web.StreamResponse:
    raise SplynxError(404, "Page not found.", "NOT_FOUND")
