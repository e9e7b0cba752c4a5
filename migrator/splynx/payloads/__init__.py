"""Typed request bodies for every endpoint the migration writes.

Field names and enum values follow the blueprint and the live OPTIONS answers;
string sizes follow the real columns (splynx_tables.json) where they are known.
``field_limits(Model)`` exposes those sizes so the transforms can truncate first.
"""

from migrator.splynx.payloads.administration import Administrator, Location, Partner
from migrator.splynx.payloads.base import REDACTED, SplynxPayload, field_limits
from migrator.splynx.payloads.billing import CustomerBilling
from migrator.splynx.payloads.customers import Customer, CustomerInfo, CustomerNote
from migrator.splynx.payloads.finance import Invoice, InvoiceItem, Payment, Transaction
from migrator.splynx.payloads.networking import Ipv4IpAssignment, Ipv4Network, Ipv6Network
from migrator.splynx.payloads.services import InternetService, RecurringService
from migrator.splynx.payloads.support import Ticket, TicketMessage
from migrator.splynx.payloads.tariffs import InternetTariff, RecurringTariff

__all__ = [
    "REDACTED",
    "Administrator",
    "Customer",
    "CustomerBilling",
    "CustomerInfo",
    "CustomerNote",
    "InternetService",
    "InternetTariff",
    "Invoice",
    "InvoiceItem",
    "Ipv4IpAssignment",
    "Ipv4Network",
    "Ipv6Network",
    "Location",
    "Partner",
    "Payment",
    "RecurringService",
    "RecurringTariff",
    "SplynxPayload",
    "Ticket",
    "TicketMessage",
    "Transaction",
    "field_limits",
]
