"""Who a request acts for, and what each kind of caller may touch.

Splynx API v2.0 serves three kinds of caller (blueprint L60-L90, the token
section's four login types):

- an API key (Basic, a signature header, or a token from ``auth_type=api_key``):
  its permissions are the key's (``--deny`` withholds some, answered 403);
- an administrator (a token from ``auth_type=admin``, or ``session`` with an
  administrator's session): ASSUMPTION, the simulator's administrators act with
  every permission (the seeded one is a super-administrator, reference §7);
- a portal customer (a token from ``auth_type=customer`` or a customer's
  session): ASSUMPTION, it may read its own customer record and nothing else on
  ``admin/*``; another customer's record is ``NOT_ALLOWED_BY_USER_RESTRICTION``
  (blueprint L199: "when an user try to get sensitive information about another
  user"), everything else 403 ``FORBIDDEN``. The official PHP library's customer
  example reads exactly that record (``admin/customers/customer/{id}``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from migrator.sim.splynx.errors import SplynxError
from migrator.sim.splynx.requests import Permissions
from migrator.sim.splynx.routing import Route

__all__ = ["Access", "Kind", "Principal"]

Kind = Literal["api", "admin", "customer"]
CUSTOMERS = "admin/customers/customer"
_READ = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class Principal:
    """The caller: its kind, its id (API key id, admin id or customer id) and how it proved it."""

    kind: Kind
    ident: int
    method: str  # basic | signature | token

    @property
    def added_by(self) -> str:
        """What Splynx writes in ``added_by`` for records this caller creates."""
        return "admin" if self.kind == "admin" else "api"


class Access:
    """Whether a principal may use a verb on a route (403 otherwise)."""

    def __init__(self, permissions: Permissions) -> None:
        self.permissions = permissions

    def check(self, principal: Principal, route: Route, method: str) -> None:
        if principal.kind == "api":
            self.permissions.check(route.resource.name, method)
        elif principal.kind == "customer":
            _customer_may(principal, route, method)

    def check_name(self, principal: Principal, name: str, method: str) -> None:
        """The same for an endpoint outside the record resources (a config path)."""
        if principal.kind == "api":
            self.permissions.check(name, method)
        elif principal.kind == "customer":
            raise SplynxError(403, "You are not allowed to perform this action.", "FORBIDDEN")


def _customer_may(principal: Principal, route: Route, method: str) -> None:
    own_record = route.resource.name == CUSTOMERS and route.item is not None
    if own_record and method in _READ:
        if route.item == principal.ident:
            return
        raise SplynxError(
            403,
            "You are not allowed to view another customer.",
            "NOT_ALLOWED_BY_USER_RESTRICTION",
        )
    raise SplynxError(403, "You are not allowed to perform this action.", "FORBIDDEN")
