"""What public Splynx API clients send, recorded as request sequences to replay.

Each ``ClientRecord`` is one client as its source shows it behaving on the wire
(read, not copied: the steps are ours): its User-Agent, how it logs in (which
nonce, in which scale and type, fresh or cached), which header it sends, and
the calls its examples or services make, in order. Every step names the
blueprint line (``L123`` of ``splynx_api_v2.apib``) or reference section it
relies on. ``tests/integration/test_splynx_client_replays.py`` replays them
against ``migrator sim splynx``.

The clients:

- the official PHP library, v2 mode (``IP-River-Developers/splynx-php-api``,
  ``src/SplynxApi.php`` and ``examples/v2_*.php``): logs in with a fresh nonce
  in hundredths that PHP's ``json_encode`` writes as a float; sends
  ``Splynx-EA (access_token=..)``, and ``Splynx-EA ()`` once logged out; renews
  and logs out with the refresh token;
- the official Python library (``dmcken/splynx-python-api``,
  ``splynx_api/v2/__request.py``): one nonce in hundredths taken when the
  object is made and reused for every login; flat ``urlencode`` query strings;
- an independent Python client (``dmcken/splynx-py-api``,
  ``src/splynx_py_api/splynxapi_v2.py``): a nonce in seconds, as text, cached
  and sent again with a new token request before every call; no User-Agent of
  its own; searches internet services across customers;
- an independent portal back end (``simonswanepoel1983/splynx-python-api``,
  ``rocketnet-portal/backend/app/services/splynx_service.py``) on the official
  Python library as an administrator;
- an independent ticket service (``rhernandezbas/splynx-tickets``,
  ``app/services/splynx_services.py``): an administrator's token from plain
  ``requests``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["CLIENTS", "Call", "ClientRecord", "Login", "Logout", "Ref", "Renew", "Signed", "Step"]


@dataclass(frozen=True)
class Ref:
    """A value remembered from an earlier answer (``Call.keep``) or login."""

    name: str


@dataclass(frozen=True)
class Login:
    """``POST admin/auth/tokens`` (L539-L575, L1166-L1179)."""

    auth_type: str
    cite: str
    nonce: str | None = None  # "hundredths-float" | "hundredths" | "seconds-text"
    cached: bool = False  # the first login's nonce is sent again
    who: str = ""  # "admin" | "portal" | "wrong": whose login and password
    session: str | None = None  # remembered session id (auth_type=session)
    status: int = 201
    code: str | None = None


@dataclass(frozen=True)
class Call:
    """One API request with the client's current credentials."""

    verb: str
    path: str  # may hold {name} for remembered values
    cite: str
    query: dict[str, Any] | None = None  # PHP http_build_query (brackets)
    flat: dict[str, Any] | None = None  # urlencode of a flat dict (the Python library)
    json: Any = None
    status: int = 200
    keep: str | None = None  # remember the answer's "id" under this name
    has: tuple[str, ...] = ()  # keys of the answer (or of its first element)
    count: str | None = None  # the X-total-count the answer carries
    code: str | None = None  # internal_code of an error answer


@dataclass(frozen=True)
class Renew:
    """``GET admin/auth/tokens/{refresh_token}`` (L592-L600, L116-L137)."""

    cite: str


@dataclass(frozen=True)
class Logout:
    """``DELETE admin/auth/tokens/{refresh_token}`` (L602-L606)."""

    cite: str


@dataclass(frozen=True)
class Signed:
    """A call with the blueprint's signature header, its nonce counted up from the moment
    the client was made (L29-L58: ``'nonce' => $nonce++``)."""

    call: Call


Step = Login | Call | Renew | Logout | Signed


@dataclass(frozen=True)
class ClientRecord:
    name: str
    read_from: str
    user_agent: str | None  # None: the HTTP library's own
    empty_header: str  # what it sends as Authorization without a token
    steps: tuple[Step, ...] = field(default_factory=tuple)


LOCATIONS = "admin/administration/locations"
CUSTOMERS = "admin/customers/customer"
TOKEN_BP = "L78-L85 api_key login; reference §1.3"

PHP_LIBRARY = ClientRecord(
    "official PHP library",
    "IP-River-Developers/splynx-php-api src/SplynxApi.php, examples/v2_example.php",
    "Splynx PHP API 2.0",
    "Splynx-EA ()",
    (
        Login("api_key", TOKEN_BP + "; PHP json_encode writes the nonce as a float",
              nonce="hundredths-float"),
        Call("HEAD", LOCATIONS, "L529-L537 count; reference §2.4", status=204, count="1"),
        Call("OPTIONS", LOCATIONS, "L521-L527; reference §2.5", has=("attributes",)),
        Call("GET", LOCATIONS, "reference §7 location 1 Main", has=("id", "name")),
        Call("POST", LOCATIONS, "L8260 create location", json={"name": "API test #4711"},
             status=201, keep="location"),
        Call("GET", LOCATIONS + "/{location}", "L8260 retrieve", has=("name",)),
        Call("PUT", LOCATIONS + "/{location}", "L156-L160 PUT 202",
             json={"name": "NAME CHANGED #42"}, status=202),
        Call("DELETE", LOCATIONS + "/{location}", "L156-L160 DELETE 204", status=204),
        Call("GET", LOCATIONS + "/{location}", "L174 NOT_FOUND", status=404, code="NOT_FOUND"),
        Login("api_key", TOKEN_BP + "; a second run of the example, a fresh nonce",
              nonce="hundredths-float"),
        Call("HEAD", CUSTOMERS, "examples/v2_get_count_of_active_customers.php; L220-L245",
             query={"main_attributes": {"status": "active"}}, status=204, count="2"),
        Renew("L116-L137 renew before expiry"),
        Call("GET", CUSTOMERS, "the renewed token works", has=("id", "login")),
        Logout("L602-L606; the library passes the refresh token"),
        Call("GET", LOCATIONS, "L205 EMPTY_ACCESS_TOKEN: http_build_query drops the null",
             status=401, code="EMPTY_ACCESS_TOKEN"),
    ),
)  # fmt: skip

PHP_ADMIN = ClientRecord(
    "official PHP library as an administrator",
    "IP-River-Developers/splynx-php-api examples/v2_login_as_admin.php",
    "Splynx PHP API 2.0",
    "Splynx-EA ()",
    (
        Login("admin", "L84, L553-L566 admin: login, password", who="wrong", status=401,
              code="UNAUTHORIZED"),
        Login("admin", "L84, L553-L566 admin: login, password", who="admin"),
        Call("GET", LOCATIONS, "an administrator lists locations", has=("id", "name")),
        Call("POST", "admin/auth/sessions", "L654-L665 a session of this administrator",
             status=201, keep="session", has=("session_id", "csrf_token")),
    ),
)  # fmt: skip

PHP_SESSION = ClientRecord(
    "official PHP library by session",
    "IP-River-Developers/splynx-php-api examples/v2_login_by_session.php",
    "Splynx PHP API 2.0",
    "Splynx-EA ()",
    (
        Login("session", "L86, L562 session_id; L211 INVALID_USER", session="unknown",
              status=401, code="INVALID_USER"),
        Login("session", "L86, L562 session_id", session="session"),
        Call("GET", CUSTOMERS, "the session's administrator lists customers"),
    ),
)  # fmt: skip

PHP_CUSTOMER = ClientRecord(
    "official PHP library as a customer",
    "IP-River-Developers/splynx-php-api examples/v2_login_as_customer.php",
    "Splynx PHP API 2.0",
    "Splynx-EA ()",
    (
        Login("customer", "L85, L553-L566 customer: login, password", who="portal"),
        Call("GET", CUSTOMERS + "/{portal_id}", "the example reads its own record",
             has=("id", "login", "status")),
    ),
)  # fmt: skip

PYTHON_LIBRARY = ClientRecord(
    "official Python library",
    "dmcken/splynx-python-api splynx_api/v2/__request.py, examples/v2/*.py",
    "Splynx Python API v2",
    "Splynx-EA (access_token=None)",
    (
        Login("api_key", TOKEN_BP + "; hundredths, taken once", nonce="hundredths",
              cached=True),
        Call("GET", CUSTOMERS, "api_key_auth_search_example.py", has=("id",)),
        Call("POST", CUSTOMERS, "L1781-L1825 create; reference §4.1 [OBS] body",
             json={"name": "Replay Ann", "email": "ann@example.com", "partner_id": 1,
                   "location_id": 1, "category": "person", "status": "active"},
             status=201, keep="ann"),
        Call("PUT", CUSTOMERS + "/{ann}", "L2127-L2137 PUT partial",
             json={"name": "Narrator"}, status=202),
        Call("GET", CUSTOMERS, "flat urlencode of a bracket key (the library's GET params)",
             flat={"main_attributes[name]": "Narrator"}, has=("id", "name")),
        Call("GET", CUSTOMERS, "example_v2.py: an unknown parameter is ignored",
             flat={"id": 1}, has=("id",)),
        Call("POST", "admin/tariffs/recurring", "L1381-L1401 only the required fields",
             json={"title": "Static IP", "partners_ids": [1], "with_vat": True, "price": 5},
             status=201, keep="static_ip"),
        Call("GET", "admin/tariffs/recurring/{static_ip}", "reference §6.2 response",
             has=("id", "title", "services", "tariffs_for_change")),
        Call("DELETE", CUSTOMERS + "/{ann}", "L2127-L2137 204; reference §2.7 soft delete",
             status=204),
        Call("GET", CUSTOMERS + "/{ann}", "a deleted customer is gone", status=404,
             code="NOT_FOUND"),
        Login("api_key", TOKEN_BP + "; the cached nonce again (check_nonce = 0, §1.2)",
              nonce="hundredths", cached=True),
        Call("HEAD", "admin/tariffs/recurring", "L529-L537", status=204, count="1"),
        Logout("L602-L606; the library passes the refresh token"),
    ),
)  # fmt: skip

PY_API_INDEPENDENT = ClientRecord(
    "independent Python client",
    "dmcken/splynx-py-api src/splynx_py_api/splynxapi_v2.py",
    None,
    "",
    (
        Login("api_key", TOKEN_BP + "; int(time.time()) as text", nonce="seconds-text",
              cached=True),
        Call("GET", CUSTOMERS + "/0/internet-services", "L3449-L3560 search across customers",
             query={"main_attributes": {"mac": "00:11:22:33:44:55"}}, has=("id", "mac")),
        Login("api_key", TOKEN_BP + "; the same cached nonce before every call",
              nonce="seconds-text", cached=True),
        Call("GET", CUSTOMERS + "/0/internet-services", "L3449-L3560 a MAC nobody has",
             query={"main_attributes": {"mac": "66:77:88:99:AA:BB"}}),
    ),
)  # fmt: skip

PORTAL_BACKEND = ClientRecord(
    "independent portal back end",
    "simonswanepoel1983/splynx-python-api rocketnet-portal/backend/app/services/"
    "splynx_service.py",
    "Splynx Python API v2",
    "Splynx-EA (access_token=None)",
    (
        Login("admin", "L84 admin login through the official Python library", who="admin"),
        Call("GET", CUSTOMERS + "/{portal_id}", "get_customer_info", has=("id", "name")),
        Call("GET", "admin/finance/invoices", "get_customer_billing: flat params, limit honoured",
             flat={"customer_id": "{portal_id}", "limit": 50}),
        Call("GET", "admin/customers/internet", "get_available_packages: not a Splynx path; "
             "reference §2.1 unknown path -> 404", flat={"limit": 100}, status=404,
             code="NOT_FOUND"),
    ),
)  # fmt: skip

TICKET_SERVICE = ClientRecord(
    "independent ticket service",
    "rhernandezbas/splynx-tickets app/services/splynx_services.py",
    None,
    "",
    (
        Login("admin", "L84 admin login from plain requests", who="admin"),
        Call("GET", CUSTOMERS + "/{portal_id}", "search_customer", has=("id",)),
        Call("GET", "admin/support/tickets/{ticket}", "get_ticket_data_status",
             has=("id", "subject", "status_id")),
        Call("GET", "admin/support/tickets/999999", "a missing ticket: 404", status=404,
             code="NOT_FOUND"),
        Call("GET", "admin/support/tickets", "get_unassigned_tickets: flat params are ignored",
             flat={"group_id": "4", "assign_to": "0"}, has=("id",)),
    ),
)  # fmt: skip

SIGNATURE_CLIENT = ClientRecord(
    "blueprint signature recipe",
    "splynx_api_v2.apib L29-L58 (the PHP library signs so in its v1 mode)",
    "Splynx PHP API 1.0",
    "",
    (
        Signed(Call("GET", "admin/tariffs/internet", "L29-L58 key, signature, nonce")),
        Signed(Call("GET", CUSTOMERS, "L220-L245 LIKE search",
                    query={"main_attributes": {"name": ["LIKE", "Mac"]}}, has=("id",))),
        Signed(Call("HEAD", "admin/support/tickets", "L529-L537", status=204, count="1")),
    ),
)  # fmt: skip

CLIENTS = (
    SIGNATURE_CLIENT,
    PHP_LIBRARY,
    PHP_ADMIN,
    PHP_SESSION,
    PHP_CUSTOMER,
    PYTHON_LIBRARY,
    PY_API_INDEPENDENT,
    PORTAL_BACKEND,
    TICKET_SERVICE,
)
