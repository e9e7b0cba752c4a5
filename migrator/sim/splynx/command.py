"""``migrator sim splynx``: run the Splynx API v2.0 simulator in the foreground."""

from __future__ import annotations

import argparse
import logging
import os

import anyio
from pydantic import SecretStr, ValidationError

from migrator.errors import ConfigError, Fatal
from migrator.exitcodes import ExitCode
from migrator.logconfig import configure_logging
from migrator.sim.command_spec import SimCommand
from migrator.sim.faults import Latency
from migrator.sim.harness import serve_until_signal
from migrator.sim.splynx.additional import MARKER_FIELDS, AdditionalField
from migrator.sim.splynx.app import PortalCustomer, SplynxSimConfig, build_app, endpoint_names
from migrator.sim.splynx.requests import ACTIONS
from migrator.sim.splynx.store_mysql import DatabaseUnavailable

__all__ = ["COMMAND", "config_from_args"]

log = logging.getLogger(__name__)

DEFAULT_KEY = "splynx-sim-key"
DEFAULT_SECRET = "splynx-sim-secret"
DEFAULT_ADMIN_PASSWORD = "splynx-sim-admin"

DESCRIPTION = """\
Serve a simulated Splynx REST API v2.0 on this machine until Ctrl-C or SIGTERM.
The base URL (use it as SPLYNX_URL) is the first line on standard output; the
API lives under /api/2.0/ as on a real Splynx.

It answers like the real one (../shared/reference): the same paths, verbs and
status codes (201 {"id"}, 202, 204), field names and enum values, the error
envelope {"error": {"message", "code", "internal_code"}}, auth by Basic (only
with --unsecure-basic), Splynx-EA signatures, or 30-minute access tokens from
any of the four login types (api_key, admin, customer, session); PHP bracket
searches with all 13 operators; validation answered with 422 and per-field
messages; OPTIONS and HEAD. A fresh instance holds what a fresh Splynx holds:
partner and location 1 "Main", admin 1 (login "admin", --admin-password),
payment methods, transaction categories, ticket statuses, groups and types.

Nonces: like the live key (api.check_nonce = 0), any signed nonce is accepted
unless --check-nonce, which refuses a nonce not above the key's last one (on
the signature header and at token login).

Load: --workers is the server's capacity (a PHP-FPM pool: more concurrent
requests wait for a free worker), --latency-ms the time each request holds a
worker, so capacity = workers / latency (8 / 50 ms = 160 requests/s).
--fault-rate fails a seeded share of requests (5xx, timeouts, dropped
connections, sometimes after the write happened). --throttle answers 429 with
Retry-After above RATE requests/s (a token bucket of RATE, refilled at RATE/s).

State lives in memory, or with --db in MariaDB under Splynx's real table and
column names (created if absent), so SQL sees what the API wrote and the API
serves rows inserted with SQL."""

EXAMPLES = """\
  migrator sim splynx --port 8081
  migrator sim splynx --workers 8 --latency-ms 50:10 --fault-rate 0.05 --throttle 100
  migrator sim splynx --db mysql://root@127.0.0.1:3306/splynx_sim --unsecure-basic
  migrator sim splynx --check-nonce --portal-customer ann:ann-password
  migrator sim splynx --marker-fields          # sonar_id defined, as after `migrator check --fix`
  migrator sim splynx --deny admin/finance/payments --drop-unknown-attributes
  migrator sim splynx --deny admin/customers/customer:delete --additional-field customers:ref"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    _add_server_flags(parser)
    _add_login_flags(parser)
    _add_instance_flags(parser)


def _add_server_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks a free one")
    parser.add_argument(
        "--api-key",
        default=argparse.SUPPRESS,
        help=f"the API key clients must use (default: $SPLYNX_API_KEY, else {DEFAULT_KEY})",
    )
    parser.add_argument(
        "--api-secret",
        default=argparse.SUPPRESS,
        help=f"the key's secret (default: $SPLYNX_API_SECRET, else {DEFAULT_SECRET})",
    )
    parser.add_argument(
        "--unsecure-basic",
        action="store_true",
        help='allow Basic auth, like the key setting "Unsecure access"',
    )
    parser.add_argument(
        "--check-nonce",
        action="store_true",
        help="refuse a nonce not above the key's last one, like the key setting check_nonce "
        "(off by default, as on the live key)",
    )
    parser.add_argument("--workers", type=int, default=8, help="concurrent requests served")
    parser.add_argument(
        "--latency-ms",
        default="0",
        metavar="MEAN[:JITTER]",
        help="time each request takes, uniform in MEAN +- JITTER milliseconds",
    )
    parser.add_argument(
        "--fault-rate", type=float, default=0.0, help="share of requests that fail (0..1)"
    )
    parser.add_argument(
        "--throttle",
        type=float,
        default=0.0,
        metavar="RATE",
        help="answer 429 + Retry-After above RATE requests per second (0 = off)",
    )
    parser.add_argument("--seed", type=int, default=None, help="seed latency, faults and tokens")
    parser.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )


def _add_login_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--admin-password",
        default=argparse.SUPPRESS,
        help="password of administrator 1 (login admin) for auth_type=admin "
        f"(default: {DEFAULT_ADMIN_PASSWORD})",
    )
    parser.add_argument(
        "--portal-customer",
        default=argparse.SUPPRESS,
        metavar="LOGIN:PASSWORD",
        help="seed customer 1 with this portal login for auth_type=customer "
        "(a fresh Splynx has no customers, so none by default)",
    )


def _add_instance_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="DSN",
        default=argparse.SUPPRESS,
        help="keep state in MariaDB: mysql://user:password@host:3306/database",
    )
    parser.add_argument(
        "--deny",
        action="append",
        default=argparse.SUPPRESS,
        metavar="ENDPOINT[:ACTIONS]",
        help=(
            "withhold a permission from the key: every verb on ENDPOINT (OPTIONS too), "
            f"or only ACTIONS ({', '.join(ACTIONS)}, comma-separated); answered 403. "
            f"Endpoints: {', '.join(endpoint_names())}"
        ),
    )
    parser.add_argument(
        "--additional-field",
        action="append",
        default=argparse.SUPPRESS,
        metavar="MODULE:NAME[:TYPE][:unique][:required]",
        help="define an additional field, e.g. customers:contract_no:unique",
    )
    markers = ", ".join(f"{f.module}.{f.name}" for f in MARKER_FIELDS)
    parser.add_argument(
        "--marker-fields",
        action="store_true",
        help=f"start with the migration's unique searchable marker fields ({markers}); "
        "a fresh Splynx, like this simulator by default, has none until `migrator check --fix` "
        "(or an operator) creates them",
    )
    parser.add_argument(
        "--drop-unknown-attributes",
        action="store_true",
        help="drop an additional attribute the module does not define silently instead of "
        "refusing it (422): what a real Splynx does is not recorded, and it may do this",
    )


def config_from_args(args: argparse.Namespace) -> SplynxSimConfig:
    """The simulator configuration the flags describe; ConfigError names the bad flag."""
    try:
        fields = list(MARKER_FIELDS) if args.marker_fields else []
        fields += [AdditionalField.parse(spec) for spec in getattr(args, "additional_field", [])]
        key = getattr(args, "api_key", None) or os.environ.get("SPLYNX_API_KEY") or DEFAULT_KEY
        secret = getattr(args, "api_secret", None) or os.environ.get("SPLYNX_API_SECRET")
        portal = getattr(args, "portal_customer", None)
        return SplynxSimConfig(
            api_key=key,
            api_secret=SecretStr(secret or DEFAULT_SECRET),
            unsecure_basic=args.unsecure_basic,
            check_nonce=args.check_nonce,
            admin_password=SecretStr(getattr(args, "admin_password", DEFAULT_ADMIN_PASSWORD)),
            portal_customer=None if portal is None else PortalCustomer.parse(portal),
            workers=args.workers,
            latency=Latency.parse(args.latency_ms),
            fault_rate=args.fault_rate,
            throttle=args.throttle,
            db_dsn=getattr(args, "db", None),
            deny=tuple(getattr(args, "deny", ())),
            additional_fields=tuple(fields),
            drop_unknown_attributes=args.drop_unknown_attributes,
            seed=args.seed,
        )
    except (ValueError, ValidationError) as exc:
        raise ConfigError(f"sim splynx: {_first_line(exc)}") from exc


def _first_line(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        return f"{where}: {error['msg'].removeprefix('Value error, ')}"
    return str(exc)


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    secrets = [config.api_secret.get_secret_value(), config.admin_password.get_secret_value()]
    if config.portal_customer is not None:
        secrets.append(config.portal_customer.password.get_secret_value())
    configure_logging(args.log_level, secrets=secrets)
    app = build_app(config)

    def announce(url: str) -> None:
        print(url, flush=True)
        store = "MariaDB" if config.db_dsn else "memory"
        log.info(
            "Splynx simulator at %s/api/2.0/ (workers %d, latency %s ms, faults %.0f%%, "
            "throttle %s, nonce check %s, state in %s)",
            url,
            config.workers,
            args.latency_ms,
            config.fault_rate * 100,
            f"{config.throttle:g}/s" if config.throttle else "off",
            "on" if config.check_nonce else "off",
            store,
        )

    try:
        anyio.run(serve_until_signal, app, args.host, args.port, announce, backend="asyncio")
    except DatabaseUnavailable as exc:
        raise Fatal(str(exc)) from exc
    except OSError as exc:
        raise Fatal(f"cannot listen on {args.host}:{args.port}: {exc}") from exc
    return ExitCode.OK


COMMAND = SimCommand(
    name="splynx",
    help="run the Splynx API v2.0 simulator",
    description=DESCRIPTION,
    examples=EXAMPLES,
    add_arguments=add_arguments,
    run=run,
)
