"""Endpoints a dashboard client reads first, described as data (continues ``served_endpoints.py``).

- ``admin/customers/customers-online`` (blueprint L2139-L2200): sessions online;
  full CRUD plus ``PUT /{customer_id}--kill``. ``POST {}`` was 422 live
  (reference §2.3) and OPTIONS marks ``customer_id`` required.
- ``admin/customers/customer-statistics`` (L2041-L2058): finished sessions,
  read-only; ``GET /{id}`` is the array of that customer's sessions. Writing
  answers 404, as ``POST {}`` did live (reference §2.3).
- ``admin/finance/bank-statements`` (L4658-L4705): payment statements. The
  blueprint requires a title, OPTIONS nothing, and ``POST {}`` was 201 live
  (reference §2.3): nothing is required. ``GET /{id}`` answers an array (L4683).
- ``admin/finance/refill-cards`` (L4784-L4830): the blueprint has POST, PUT and
  DELETE but no GET; live, ``GET`` answered 405 ``METHOD_DISABLED`` (88 bytes)
  while ``HEAD`` counted (204) and OPTIONS answered (reference §2.1, §2.3).

Online and statistics searches take IP addresses packed by PHP's ``inet_pton``
(L248-L262).
"""

from __future__ import annotations

from migrator.sim.splynx.behaviours_online import OnlineBehaviour
from migrator.sim.splynx.context_defaults import now
from migrator.sim.splynx.resources import Behaviour, Reference, Resource

__all__ = ["dashboard_resources"]

ADDRESSES = frozenset({"ipv4", "ipv6"})
# Payment statement attributes the live OPTIONS lists that drive an upload or an
# import rather than being kept (ASSUMPTION): accepted and ignored.
STATEMENT_FORM = frozenset(
    {"file", "selected_columns", "dataFromApi", "make_preview", "make_import", "paired_data",
     "pair_to_inactive_customers", "countRows", "countRowsWithErrors"}
)  # fmt: skip


class _FormKeys(Behaviour):
    """Takes attributes the model accepts without keeping them."""

    def __init__(self, keys: frozenset[str]) -> None:
        self.input_keys = keys


def dashboard_resources() -> list[Resource]:
    return [*_sessions(), *_finance()]


def _sessions() -> list[Resource]:
    return [
        Resource(
            "admin/customers/customers-online",
            "customers_online",
            "Online customer",
            options_key="admin/customers/customers-online",
            required=("customer_id",),
            readonly=frozenset({"id"}),
            references={
                "customer_id": Reference("customers", zero_ok=False),
                "service_id": Reference("services_internet"),
                "tariff_id": Reference("tariffs_internet"),
                "partner_id": Reference("partners"),
            },
            defaults={"start_session": now, "last_change": now},
            packed_ips=ADDRESSES,
            actions=frozenset({"kill"}),
            behaviour=OnlineBehaviour(),
        ),
        Resource(
            "admin/customers/customer-statistics",
            "customers_statistics",
            "Customer statistic",
            options_key="admin/customers/customer-statistics",
            verbs=frozenset({"GET"}),
            missing_verb_status=404,
            item_list_by="customer_id",
            packed_ips=ADDRESSES,
        ),
    ]


def _finance() -> list[Resource]:
    counters = {"records", "processed", "errors", "new", "canceled", "ignored",
                "manual_paired", "pending"}  # fmt: skip
    return [
        Resource(
            "admin/finance/bank-statements",
            "bank_statements",
            "Payment statement",
            options_key="admin/finance/bank-statements",
            readonly=frozenset({"id", *counters}),
            references={"payment_type": Reference("payments_types")},
            defaults={"date_time": now},
            item_list_by="id",
            behaviour=_FormKeys(STATEMENT_FORM),
        ),
        Resource(
            "admin/finance/refill-cards",
            "cards_refill",
            "Refill card",
            options_key="admin/finance/refill-cards",
            af_module="cards_refill",
            required=("prefix", "quantity"),
            readonly=frozenset({"id", "created_at", "changed", "activated_at"}),
            references={
                "partner_id": Reference("partners"),
                "customer_id": Reference("customers"),
            },
            defaults={"created_at": now},
            reads_disabled=True,
        ),
    ]
