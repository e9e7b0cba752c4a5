"""The choices a migration makes that a user may change, as the profile states them.

Every table here is a section of a profile (``profiles/*.toml``); the
defaults are what ``profiles/full.toml`` documents. The transforms read these
and nothing else, so a rehearsal can be re-run with a different mapping by
editing one file.
"""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, field_validator, model_validator

from migrator.sonar.entities import AccountTypeEnum, PaymentType, TicketPriority, TicketStatus

__all__ = [
    "DEFAULT_CATEGORY_BY_TYPE",
    "DEFAULT_PAYMENT_METHODS",
    "BillingRules",
    "Category",
    "CleanupRules",
    "CustomerRules",
    "CustomerStatus",
    "DefaultsRules",
    "FinanceRules",
    "InactiveStatus",
    "NetworkRules",
    "NoteRules",
    "ServiceRules",
    "ServiceStatus",
    "SupportRules",
    "SyncRules",
    "TicketPriorityName",
    "TransactionCategories",
]

CustomerStatus = Literal["new", "active", "blocked", "disabled"]
ServiceStatus = Literal["active", "stopped", "disabled", "hidden", "pending"]
Category = Literal["person", "company"]
InactiveStatus = Literal["new", "blocked", "disabled"]  # every Splynx status but "active"

# What an account type's kind (``AccountType.type``, a closed enum in Sonar) means in
# Splynx terms, for a type whose name the profile's [customers.category] does not map.
DEFAULT_CATEGORY_BY_TYPE: dict[AccountTypeEnum, Category] = {
    AccountTypeEnum.COMMERCIAL: "company",
    AccountTypeEnum.GOVERNMENT: "company",
    AccountTypeEnum.INDUSTRIAL: "company",
    AccountTypeEnum.RESIDENTIAL: "person",
    AccountTypeEnum.SENIOR_CITIZEN: "person",
}
DEFAULT_SERVICE_STATUS: dict[CustomerStatus, ServiceStatus] = {
    "new": "pending",
    "active": "active",
    "blocked": "stopped",
    "disabled": "disabled",
}
# Sonar payment type -> the payment method a fresh Splynx has ("Config / Finance / Payment
# methods": 1 Cash, 2 Bank transfer, 3 Credit card, 5 Other, 6 Refill card).
DEFAULT_PAYMENT_METHODS: dict[PaymentType, int] = {
    PaymentType.CASH: 1,
    PaymentType.BANKACCOUNT: 2,
    PaymentType.WIRE: 2,
    PaymentType.CREDITCARD: 3,
    PaymentType.CHECK: 5,
    PaymentType.PAYPAL: 5,
    PaymentType.OTHER: 5,
}
INFO_FIELDS = Literal["vat_id", "company_id", "passport", "birthday", "contact_person"]


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DefaultsRules(_Rules):
    """Where records without a Sonar counterpart go, and which clock Splynx keeps."""

    location: str = Field(default="Sonar import", min_length=1)
    partner: str | None = None  # None: the partner made from Sonar's default company
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name, e.g. UTC)") from None
        return value


class CustomerRules(_Rules):
    """How accounts become customers.

    A status is decided by what it does in Sonar, not by its name: there is no
    built-in name map, so every entry of ``status`` is one the user wrote, and it
    wins (a non-activating status may be mapped to "active" only there). An
    unmapped status that activates the account becomes "active", one that does
    not becomes ``inactive_status`` (never "active"); "reject" refuses accounts
    with an unmapped status instead. A delinquent account whose status came out
    "active" becomes ``delinquent_status`` ("active" keeps it active). Archived
    accounts become ``archived_status`` whatever their status.
    """

    status: dict[str, CustomerStatus] = Field(default_factory=dict)
    unknown_status: Literal["by_activation", "reject"] = "by_activation"
    inactive_status: InactiveStatus = "disabled"
    delinquent_status: CustomerStatus = "blocked"
    archived_status: CustomerStatus = "disabled"
    category: dict[str, Category] = Field(default_factory=dict)
    category_by_type: dict[AccountTypeEnum, Category] = Field(
        default_factory=lambda: dict(DEFAULT_CATEGORY_BY_TYPE)
    )
    login: Literal["sonar_id", "splynx"] = "sonar_id"
    login_prefix: str = "sonar"
    custom_fields: dict[str, INFO_FIELDS] = Field(default_factory=dict)

    @field_validator("unknown_status", mode="before")
    @classmethod
    def _no_blanket_status(cls, value: object) -> object:
        if value in ("new", "active", "blocked", "disabled"):
            raise ValueError(
                f"{value!r} is no longer an option: an unmapped status follows activates_account "
                '("by_activation", with inactive_status for those that do not activate) or '
                '"reject"; name a status in [customers.status] to give it a status of your own'
            )
        return value

    @model_validator(mode="before")
    @classmethod
    def _no_unknown_category(cls, data: object) -> object:
        if isinstance(data, dict) and "unknown_category" in data:
            raise ValueError(
                "unknown_category is no longer an option: a type not in [customers.category] "
                "takes the category of its kind, [customers.category_by_type]"
            )
        return data

    @field_validator("category_by_type")
    @classmethod
    def _every_type(cls, value: dict[AccountTypeEnum, Category]) -> dict[AccountTypeEnum, Category]:
        return {**DEFAULT_CATEGORY_BY_TYPE, **value}


class ServiceRules(_Rules):
    """How account services become internet and recurring services."""

    # An internet service's login: "radius" keeps the Sonar RADIUS username as it is (what
    # the subscriber's router sends), "prefixed" puts login_prefix before it. A data service
    # without a RADIUS account gets login_prefix + its Sonar account service id.
    login: Literal["radius", "prefixed"] = "radius"
    login_prefix: str = "sonar-svc"
    status: dict[CustomerStatus, ServiceStatus] = Field(
        default_factory=lambda: dict(DEFAULT_SERVICE_STATUS)
    )
    # How a plan billed every N months is billed in Splynx: "service_period" (monthly
    # tariff price = Sonar amount / N, each service charged N months at once through its
    # ``period``) or "tariff_days" (tariff at the full amount, ``custom_period`` 1 with
    # ``billing_days_count`` of N months in days, up to 365: Splynx's prepaid custom period).
    billing_period: Literal["service_period", "tariff_days"] = "service_period"
    # A RECURRING CREDIT service: "negative_price" (a recurring tariff and services at
    # minus its amount) or "reject" (each account service holding one rejected, named).
    credits: Literal["negative_price", "reject"] = "negative_price"
    # A taxed service whose Sonar tax(es) are not in the profile's [taxes]: "rate_only"
    # (the tariff carries the summed percentage as vat_percent, no tax_id, noted) or "reject".
    unmapped_tax: Literal["rate_only", "reject"] = "rate_only"
    # A tax-exempt account's service on a taxed tariff (Splynx has no per-customer
    # exemption field): "note" (migrated with a cleanup note) or "reject".
    tax_exempt: Literal["note", "reject"] = "note"


class NetworkRules(_Rules):
    """How Sonar subnets holding customer addresses become Splynx IPv4 / IPv6 networks."""

    # The networks' ``network_category`` (Config / Networking / Network categories): the
    # blueprint requires one and the API cannot create categories.
    category: int = Field(default=1, ge=1)


class BillingRules(_Rules):
    """How an account's billing parameters become the customer's billing settings.

    Splynx bills on days 1-28 only: a Sonar bill day of 29-31 becomes
    ``late_bill_day`` (noted per customer).
    """

    late_bill_day: int = Field(default=28, ge=1, le=28)


class NoteRules(_Rules):
    """How notes on accounts become customer comments."""

    type: Literal["comment", "customer", "finance", "service", "message", "support", "call"] = (
        "comment"
    )


TicketPriorityName = Literal["low", "medium", "high", "urgent"]


class SupportRules(_Rules):
    """How Sonar users and tickets meet what a Splynx instance already has.

    Splynx's API cannot create ticket statuses, groups or types (the blueprint has no
    POST for them), so they are named here and found by title in Splynx at the start
    of a run; ``migrator check`` lists the names Splynx lacks.
    """

    # Sonar user role id -> Splynx role name; a super administrator in Sonar gets super_role
    roles: dict[str, str] = Field(default_factory=dict)
    default_role: str = Field(default="administrator", min_length=1, max_length=32)
    super_role: str = Field(default="super-administrator", min_length=1, max_length=32)
    # Sonar ticket group name -> Splynx ticket group title (default: the same title)
    groups: dict[str, str] = Field(default_factory=dict)
    default_group: str | None = "Support"  # a group with no namesake in Splynx; None: none
    status: dict[TicketStatus, str] = Field(
        default_factory=lambda: {
            TicketStatus.OPEN: "New",
            TicketStatus.PENDING_INTERNAL: "Work in progress",
            TicketStatus.PENDING_EXTERNAL: "Waiting on customer",
            TicketStatus.CLOSED: "Resolved",
        }
    )
    priority: dict[TicketPriority, TicketPriorityName] = Field(
        default_factory=lambda: {  # type: ignore[arg-type]
            TicketPriority.LOW: "low",
            TicketPriority.MEDIUM: "medium",
            TicketPriority.HIGH: "high",
            TicketPriority.CRITICAL: "urgent",
        }
    )
    type: str = Field(default="Question", min_length=1)  # every ticket's Splynx type

    @model_validator(mode="after")
    def _complete(self) -> SupportRules:
        missing = [s.value for s in TicketStatus if s not in self.status]
        missing += [p.value for p in TicketPriority if p not in self.priority]
        if missing:
            raise ValueError(f"[support] status/priority must map every value; missing {missing}")
        return self


class CleanupRules(_Rules):
    """What to do with text that does not fit Splynx as it is."""

    truncate: bool = True  # cut text longer than its column (noted); False: reject the record
    # A value Splynx would refuse (an email, a GPS point): "drop" leaves the field out of
    # the record with a note; "reject" refuses the record naming the field.
    invalid_fields: Literal["drop", "reject"] = "drop"


class TransactionCategories(_Rules):
    """Splynx transaction category ids ("Config / Finance / Transaction categories").

    The defaults are the base categories of a fresh Splynx: 1 Service, 2 Discount,
    3 Payment, 4 Refund, 5 Correction (the API cannot create categories).
    """

    debits: PositiveInt = 1  # Sonar debits (charges for a service), on an invoice or not
    adjustments: PositiveInt = 5  # Sonar debits of an ADJUSTMENT service
    discounts: PositiveInt = 2  # Sonar discounts, as the credits applying them to invoices
    opening_balance: PositiveInt = 5  # "balance" mode: the one transaction per customer


class SyncRules(_Rules):
    """What a delta sync (``run --since``) does with an account archived in Sonar since.

    ``archived``: "disable" updates its customer like any change (the customer takes
    ``[customers] archived_status``); "report" leaves it as it is in Splynx and lists it,
    for an ISP that closes customers in Splynx by its own procedure. Either way the
    summary names them.
    """

    archived: Literal["disable", "report"] = "disable"


class FinanceRules(_Rules):
    """How Sonar's money (invoices, payments, debits, credits) moves into Splynx.

    ``mode``: "history" moves every invoice, payment and transaction; "balance"
    moves each customer's open invoices and one opening-balance transaction
    that brings the balance to Sonar's. Both end with the same balances.
    """

    mode: Literal["history", "balance"] = "history"
    # An invoice's Splynx number, which is also how a re-run finds it: "sonar_id" (Sonar's
    # invoice id, the number customers have seen) or "prefixed" (invoice_prefix + id).
    invoice_number: Literal["sonar_id", "prefixed"] = "sonar_id"
    invoice_prefix: str = Field(default="SONAR-", min_length=1, max_length=40)
    # A voided invoice: "deleted" (kept in Splynx with status deleted: it owes nothing)
    # or "reject" (refused, named, like any rejected record).
    void_invoices: Literal["deleted", "reject"] = "deleted"
    # An invoice of 0.00 (a free or staff plan): "migrate" (as paid, noted) or "reject".
    zero_invoices: Literal["migrate", "reject"] = "migrate"
    # Credits applied to an invoice adding up to more than it: "note" (the invoice is
    # paid, the excess stays on the customer's balance, noted) or "reject".
    excess_credits: Literal["note", "reject"] = "note"
    # A negative Sonar payment (a refund): "migrate" (a negative Splynx payment, which
    # Splynx takes; noted) or "reject".
    negative_payments: Literal["migrate", "reject"] = "migrate"
    # Sonar payment type -> Splynx payment method id. A table written in the profile
    # replaces this one whole: a type it leaves out is unmapped.
    payment_methods: dict[PaymentType, PositiveInt] = Field(
        default_factory=lambda: dict(DEFAULT_PAYMENT_METHODS)
    )
    # A payment whose type is not in payment_methods: "reject", or a method id to use.
    unmapped_payment_method: Literal["reject"] | PositiveInt = "reject"
    transaction_categories: TransactionCategories = TransactionCategories()
    # The invoice item that carries an invoice's taxes (Sonar keeps them per invoice).
    tax_item: str = Field(default="Taxes", min_length=1, max_length=256)
