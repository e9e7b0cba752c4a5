"""Finance and support endpoints, described as data (continues ``served_endpoints.py``)."""

from __future__ import annotations

from migrator.sim.splynx.behaviours_invoices import InvoiceBehaviour
from migrator.sim.splynx.behaviours_payments import PaymentBehaviour, TransactionBehaviour
from migrator.sim.splynx.behaviours_support import TicketBehaviour, TicketMessageBehaviour
from migrator.sim.splynx.clock import sql_datetime
from migrator.sim.splynx.columns import Column
from migrator.sim.splynx.context_defaults import added_by, key_id, now, today
from migrator.sim.splynx.resources import ArrayField, Context, Reference, Resource
from migrator.splynx.support_rules import TICKET_DEFAULTS

__all__ = ["finance_resources", "support_resources"]

READ_ONLY = frozenset({"GET"})
CUSTOMER = Reference("customers", zero_ok=False)


def _time(ctx: Context) -> str:
    return sql_datetime(ctx.now)[11:]


def finance_resources() -> list[Resource]:
    """Invoices, payments and transactions."""
    added = {"added_by": added_by, "added_by_id": key_id, "real_create_datetime": now}
    return [
        Resource(
            "admin/finance/invoices",
            "invoices",
            "Invoice",
            options_key="admin/finance/invoices",
            af_module="invoices",
            # Laxer rule: OPTIONS requires customer_id and status; the blueprint (L5028) also
            # number and items. A missing number is generated (ASSUMPTION), no items is a
            # zero invoice.
            required=("customer_id", "status"),
            readonly=frozenset(
                {"id", "real_create_datetime", "total", "due", "added_by", "added_by_id"}
            ),
            references={"customer_id": CUSTOMER, "payment_id": Reference("payments")},
            unique=("number",),
            defaults={**added, "date_created": today, "date_updated": today},
            behaviour=InvoiceBehaviour(),
        ),
        Resource(
            "admin/finance/payments",
            "payments",
            "Payment",
            options_key="admin/finance/payments",
            af_module="payments",
            readonly=frozenset(
                {"id", "real_create_datetime", "remind_amount", "added_by", "added_by_id"}
            ),
            references={
                "customer_id": CUSTOMER,
                "invoice_id": Reference("invoices"),
                "payment_type": Reference("payments_types", zero_ok=False),
            },
            defaults={**added, "payment_type": 1, "updated_at": now},
            behaviour=PaymentBehaviour(),
        ),
        Resource(
            "admin/finance/transactions",
            "billing_transactions",
            "Transaction",
            options_key="admin/finance/transactions",
            af_module="billing_transactions",
            # Laxer rule: OPTIONS requires customer_id and description, the blueprint
            # (L4983) customer_id, type, tax_percent, date and category. Left out, type takes
            # MySQL's implicit default for a NOT NULL enum (its first member, debit).
            required=("customer_id",),
            readonly=frozenset({"id", "total", "updated_at"}),
            references={
                "customer_id": CUSTOMER,
                "category": Reference("billing_transactions_categories", zero_ok=False),
                "invoice_id": Reference("invoices"),
                "payment_id": Reference("payments"),
            },
            defaults={"date": today, "updated_at": now},
            behaviour=TransactionBehaviour(),
        ),
        Resource(
            "admin/finance/invoice-relations",
            "invoice_payers",
            "Invoice relation",
            # Blueprint L4939-L4970: GET only, filtered by ?customer_id= or ?invoice_id=;
            # the rows are written by payments that pay an invoice (allocations.py).
            verbs=READ_ONLY,
            plain_filters=frozenset({"customer_id", "invoice_id"}),
        ),
        *_finance_settings(),
    ]


def _finance_settings() -> list[Resource]:
    """Payment methods and transaction categories."""
    return [
        Resource(
            "admin/finance/payment-methods",
            "payments_types",
            "Payment method",
            options_key="admin/finance/payment-methods",
            required=("name", "is_active"),
        ),
        Resource(
            "admin/finance/transaction-categories",
            "billing_transactions_categories",
            "Transaction category",
            options_key="admin/finance/transaction-categories",
            required=("name",),
        ),
    ]


def support_resources() -> list[Resource]:
    """Tickets and their messages."""
    admin = Reference("admins")
    return [
        Resource(
            "admin/support/tickets",
            "ticket",
            "Ticket",
            options_key="admin/support/tickets",
            af_module="ticket",
            required=("subject", "priority", "type_id"),
            choices={"priority": ("low", "medium", "high", "urgent")},
            references={
                "customer_id": Reference("customers"),
                "type_id": Reference("ticket_types", zero_ok=False),
                "status_id": Reference("ticket_statuses", zero_ok=False),
                "group_id": Reference("ticket_groups"),
                "assign_to": admin,
            },
            defaults={
                **TICKET_DEFAULTS,
                "reporter_type": added_by,
                "reporter_id": key_id,
                "created_at": now,
            },
            behaviour=TicketBehaviour(),
        ),
        Resource(
            "admin/support/ticket-messages",
            "ticket_messages",
            "Ticket message",
            # ASSUMPTION: the blueprint marks nothing required; a message needs its ticket
            # and its text.
            required=("ticket_id", "message"),
            readonly=frozenset({"id", "api_id", "is_merged", "updated_at"}),
            references={
                "ticket_id": Reference("ticket", zero_ok=False),
                "customer_id": Reference("customers"),
                "admin_id": admin,
            },
            defaults={"date": today, "time": _time, "api_id": key_id},
            behaviour=TicketMessageBehaviour(),
        ),
        *_support_settings(),
    ]


def _support_settings() -> list[Resource]:
    """Ticket statuses, groups and types (read-only)."""
    return [
        Resource(
            "admin/support/tickets-statuses",
            "ticket_statuses",
            "Ticket status",
            verbs=READ_ONLY,
            arrays={
                "mark": ArrayField(
                    Column("value", "enum('open','unresolved','closed')"), csv_column="mark"
                )
            },
        ),
        Resource(
            "admin/support/tickets-groups",
            "ticket_groups",
            "Ticket group",
            verbs=READ_ONLY,
            arrays={
                "agent_ids": ArrayField(
                    Column("value", "int unsigned"),
                    link_table="ticket_agent_to_group",
                    owner_column="group_id",
                    value_column="admin_id",
                )
            },
        ),
        Resource("admin/support/tickets-types", "ticket_types", "Ticket type", verbs=READ_ONLY),
    ]
