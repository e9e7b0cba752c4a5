"""Pydantic models of the Sonar entities migrator reads. GENERATED: do not edit.

Written by ``python -m migrator.sonar.codegen`` from the pruned schema
(``migrator/sonar/schema.graphql``); a unit test fails when it is stale.
Field order is schema order, as in the fixture format.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, SecretStr

from migrator.sonar.scalars import Cents, Date, Datetime, Geopoint, Int64, SonarEntity, Time

__all__ = [
    "ENTITY_MODELS",
    "Account",
    "AccountBillingParameter",
    "AccountService",
    "AccountStatus",
    "AccountType",
    "AccountTypeEnum",
    "Address",
    "AddressType",
    "AddressableType",
    "AnchorDelinquencyLogic",
    "BillDayModeOption",
    "BillMode",
    "BillingDefaultFor",
    "BillingParameterDayOption",
    "Company",
    "Contact",
    "ContactableType",
    "Credit",
    "CreditableType",
    "CustomField",
    "CustomFieldData",
    "CustomFieldType",
    "CustomfielddataableType",
    "DataServiceDetail",
    "Debit",
    "FipsSource",
    "Invoice",
    "IpAssignment",
    "IpPool",
    "IpassignmentableType",
    "IspType",
    "Language",
    "Note",
    "NotePriority",
    "Payment",
    "PaymentStatus",
    "PaymentType",
    "PhoneNumber",
    "RadiusAccount",
    "RecurringServiceDetail",
    "Service",
    "ServiceApplication",
    "ServiceTax",
    "ServiceTransactionType",
    "ServiceType",
    "Subnet",
    "SubnetType",
    "Supernet",
    "Tax",
    "TaxApplication",
    "TaxExemption",
    "TaxJurisdiction",
    "TaxType",
    "TechnologyCode",
    "Ticket",
    "TicketComment",
    "TicketGroup",
    "TicketPriority",
    "TicketReply",
    "TicketStatus",
    "TicketableType",
    "UninventoriedMacAddress",
    "User",
]


class AccountTypeEnum(StrEnum):
    COMMERCIAL = "COMMERCIAL"
    RESIDENTIAL = "RESIDENTIAL"
    GOVERNMENT = "GOVERNMENT"
    INDUSTRIAL = "INDUSTRIAL"
    SENIOR_CITIZEN = "SENIOR_CITIZEN"


class AddressType(StrEnum):
    PHYSICAL = "PHYSICAL"
    MAILING = "MAILING"


class AddressableType(StrEnum):
    Account = "Account"
    InventoryLocation = "InventoryLocation"
    BankAccount = "BankAccount"
    CreditCard = "CreditCard"
    NetworkSite = "NetworkSite"
    Company = "Company"
    TowercoverageSubmission = "TowercoverageSubmission"
    Vendor = "Vendor"


class AnchorDelinquencyLogic(StrEnum):
    ALL = "ALL"
    ANCHOR_ONLY = "ANCHOR_ONLY"


class BillDayModeOption(StrEnum):
    FIXED = "FIXED"
    ANNIVERSARY_INVOICE_DAY = "ANNIVERSARY_INVOICE_DAY"
    ANNIVERSARY_BILL_DAY = "ANNIVERSARY_BILL_DAY"


class BillMode(StrEnum):
    INVOICE = "INVOICE"
    STATEMENT = "STATEMENT"


class BillingDefaultFor(StrEnum):
    ACCOUNT_TYPE = "ACCOUNT_TYPE"
    ANCHOR = "ANCHOR"
    LINKED = "LINKED"


class BillingParameterDayOption(StrEnum):
    BILL_DAY = "BILL_DAY"
    INVOICE_DAY = "INVOICE_DAY"


class ContactableType(StrEnum):
    Account = "Account"
    NetworkSite = "NetworkSite"
    Vendor = "Vendor"


class CreditableType(StrEnum):
    Discount = "Discount"
    Payment = "Payment"


class CustomFieldType(StrEnum):
    BOOLEAN = "BOOLEAN"
    DATE = "DATE"
    TEXT = "TEXT"


class CustomfielddataableType(StrEnum):
    Account = "Account"
    Address = "Address"
    Contact = "Contact"
    GenericInventoryAssignee = "GenericInventoryAssignee"
    Job = "Job"
    NetworkSite = "NetworkSite"
    PurchaseOrderItem = "PurchaseOrderItem"
    TestReadOnlyFileModel = "TestReadOnlyFileModel"
    Ticket = "Ticket"


class FipsSource(StrEnum):
    FCC = "FCC"
    MIGRATION = "MIGRATION"
    OTHER = "OTHER"
    SONAR = "SONAR"


class IpassignmentableType(StrEnum):
    Account = "Account"
    InventoryItem = "InventoryItem"
    InventoryModelFieldData = "InventoryModelFieldData"
    RadiusAccount = "RadiusAccount"
    UninventoriedMacAddress = "UninventoriedMacAddress"
    NetworkSite = "NetworkSite"


class IspType(StrEnum):
    ILEC = "ILEC"
    CLEC = "CLEC"
    IXC = "IXC"
    VOIP = "VOIP"
    ISP = "ISP"
    WIRELESS = "WIRELESS"
    RETAIL_SALES = "RETAIL_SALES"


class Language(StrEnum):
    en = "en"
    fr = "fr"


class NotePriority(StrEnum):
    NORMAL = "NORMAL"
    STICKY = "STICKY"
    STICKY_WITH_CONFIRMATION = "STICKY_WITH_CONFIRMATION"


class PaymentStatus(StrEnum):
    PENDING = "PENDING"
    FAILED = "FAILED"
    SUCCEEDED = "SUCCEEDED"


class PaymentType(StrEnum):
    CREDITCARD = "CREDITCARD"
    BANKACCOUNT = "BANKACCOUNT"
    CASH = "CASH"
    WIRE = "WIRE"
    CHECK = "CHECK"
    OTHER = "OTHER"
    PAYPAL = "PAYPAL"


class ServiceApplication(StrEnum):
    CREDIT = "CREDIT"
    DEBIT = "DEBIT"


class ServiceTransactionType(StrEnum):
    BASE_SERVICE = "BASE_SERVICE"
    VOICE_SERVICE_ADDITION = "VOICE_SERVICE_ADDITION"


class ServiceType(StrEnum):
    RECURRING = "RECURRING"
    EXPIRING = "EXPIRING"
    ONETIME = "ONETIME"
    OVERAGE = "OVERAGE"
    ADJUSTMENT = "ADJUSTMENT"
    DATA = "DATA"
    VOICE = "VOICE"


class SubnetType(StrEnum):
    MIXED = "MIXED"
    ACCOUNT = "ACCOUNT"
    NETWORK = "NETWORK"
    EXCLUDED = "EXCLUDED"


class TaxApplication(StrEnum):
    FLAT = "FLAT"
    PERCENTAGE = "PERCENTAGE"


class TaxJurisdiction(StrEnum):
    FEDERAL = "FEDERAL"
    STATE = "STATE"
    COUNTY = "COUNTY"
    CITY = "CITY"


class TaxType(StrEnum):
    GEOGRAPHICAL = "GEOGRAPHICAL"
    GLOBAL = "GLOBAL"


class TechnologyCode(StrEnum):
    ASYMMETRICXDSL = "ASYMMETRICXDSL"
    SYMMETRICXDSL = "SYMMETRICXDSL"
    COPPERWIRELINE = "COPPERWIRELINE"
    CABLEMODEM = "CABLEMODEM"
    FIBER = "FIBER"
    SATELLITE = "SATELLITE"
    NONGEOSTATIONARYSATELLITE = "NONGEOSTATIONARYSATELLITE"
    TERRESTRIALFIXEDWIRELESS = "TERRESTRIALFIXEDWIRELESS"
    UNLICENSEDTERRESTRIALFIXEDWIRELESS = "UNLICENSEDTERRESTRIALFIXEDWIRELESS"
    LICENSEDTERRESTRIALFIXEDWIRELESS = "LICENSEDTERRESTRIALFIXEDWIRELESS"
    LICENSEDBYRULETERRESTRIALFIXEDWIRELESS = "LICENSEDBYRULETERRESTRIALFIXEDWIRELESS"
    ELECTRICPOWERLINE = "ELECTRICPOWERLINE"
    OTHER = "OTHER"


class TicketPriority(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


class TicketStatus(StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    PENDING_INTERNAL = "PENDING_INTERNAL"
    PENDING_EXTERNAL = "PENDING_EXTERNAL"


class TicketableType(StrEnum):
    Account = "Account"
    NetworkSite = "NetworkSite"


class Company(SonarEntity):
    """``companies``: Sonar ``Company``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    billing_communication_delay_end_local_time: Time | None = None
    billing_communication_delay_start_local_time: Time | None = None
    checks_payable_to: str | None = None
    country: str
    customer_portal_url: str | None = None
    default: bool
    enabled: bool
    isp_type: IspType | None = None
    name: str
    phone_number: str | None = None
    primary_color: str
    secondary_color: str
    show_remittance_slip: bool
    tax_identification: str | None = None
    website_address: str | None = None


class AccountStatus(SonarEntity):
    """``account_statuses``: Sonar ``AccountStatus``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    activates_account: bool
    color: str
    icon: str
    name: str


class AccountType(SonarEntity):
    """``account_types``: Sonar ``AccountType``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    color: str
    icon: str
    invoice_message_id: Int64 | None = None
    name: str
    type: AccountTypeEnum


class Account(SonarEntity):
    """``accounts``: Sonar ``Account``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    account_status_id: Int64
    account_type_id: Int64
    activation_date: Date | None = None
    activation_time: Time | None = None
    archived_at: Datetime | None = None
    archived_by_user_id: Int64 | None = None
    company_id: Int64
    data_usage_percentage: int | None = None
    geopoint: Geopoint | None = None
    is_delinquent: bool
    is_eligible_for_archive: bool | None = None
    name: str
    next_bill_date: Date | None = None
    next_recurring_charge_amount: Cents | None = None
    parent_account_id: Int64 | None = None


class Contact(SonarEntity):
    """``contacts``: Sonar ``Contact``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    contactable_id: Int64
    contactable_type: ContactableType
    email_address: str | None = None
    language: Language | None = None
    marketing_opt_in: bool | None = None
    name: str
    primary: bool
    role: str | None = None
    username: str | None = None


class PhoneNumber(SonarEntity):
    """``phone_numbers``: Sonar ``PhoneNumber``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    contact_id: Int64
    country: str
    extension: str | None = None
    number: str
    number_formatted: str | None = None
    phone_number_type_id: Int64
    sms_opt_in: bool


class Address(SonarEntity):
    """``addresses``: Sonar ``Address``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    address_status_id: Int64 | None = None
    addressable_id: Int64 | None = None
    addressable_type: AddressableType | None = None
    anchor_address_id: Int64 | None = None
    attainable_download_speed: int | None = None
    attainable_upload_speed: int | None = None
    avalara_pcode: str | None = None
    billing_default_id: Int64 | None = None
    census_year: int | None = None
    city: str | None = None
    country: str | None = None
    county: str | None = None
    fips: str | None = None
    fips_source: FipsSource | None = None
    is_anchor: bool
    latitude: float | None = None
    line1: str | None = None
    line2: str | None = None
    longitude: float | None = None
    serviceable: bool
    subdivision: str | None = None
    timezone: str | None = None
    type: AddressType
    zip: str | None = None


class CustomField(SonarEntity):
    """``custom_fields``: Sonar ``CustomField``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    entity_type: CustomfielddataableType
    enum_options: list[str | None] | None = None
    name: str
    required: bool
    type: CustomFieldType
    unique: bool


class CustomFieldData(SonarEntity):
    """``custom_field_data``: Sonar ``CustomFieldData``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    custom_field_id: Int64
    customfielddataable_id: Int64
    customfielddataable_type: CustomfielddataableType
    value: str


class Service(SonarEntity):
    """``services``: Sonar ``Service``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    amount: Cents | None = None
    application: ServiceApplication
    company_id: Int64 | None = None
    display_if_zero: bool
    enabled: bool
    general_ledger_code_id: Int64 | None = None
    name: str
    reverse_tax_definition_id: Int64 | None = None
    tax_definition_id: Int64 | None = None
    type: ServiceType


class DataServiceDetail(SonarEntity):
    """``data_service_details``: Sonar ``DataServiceDetail``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    billing_frequency: int
    download_speed_kilobits_per_second: int
    service_id: Int64
    technology_code: TechnologyCode
    telrad_global_service_profile_name: str | None = None
    upload_speed_kilobits_per_second: int
    usage_based_billing_policy_id: Int64 | None = None


class RecurringServiceDetail(SonarEntity):
    """``recurring_service_details``: Sonar ``RecurringServiceDetail``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    billing_frequency: int
    service_id: Int64


class Tax(SonarEntity):
    """``taxes``: Sonar ``Tax``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    application: TaxApplication
    name: str
    rate: float
    type: TaxType


class ServiceTax(SonarEntity):
    """``service_taxes``: Sonar ``ServiceTax``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    exemption_amount: int
    service_id: Int64
    tax_id: Int64


class AccountService(SonarEntity):
    """``account_services``: Sonar ``AccountService``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    account_id: Int64
    addition_prorate_date: Date | None = None
    data_usage_last_calculated_date: Date | None = None
    name_override: str | None = None
    next_bill_date: Date | None = None
    number_of_times_billed: int | None = None
    package_id: Int64 | None = None
    price_override: Cents | None = None
    price_override_reason: str | None = None
    quantity: int
    service_id: Int64
    unique_package_relationship_id: str | None = None


class AccountBillingParameter(SonarEntity):
    """``account_billing_parameters``: Sonar ``AccountBillingParameter``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    account_id: Int64
    aggregate_invoice_taxes: bool
    aggregate_linked_debits: bool
    anchor_delinquency_logic: AnchorDelinquencyLogic | None = None
    auto_pay_day: BillingParameterDayOption
    auto_pay_days: int
    bill_day: int | None = None
    bill_day_mode: BillDayModeOption
    bill_mode: BillMode
    billing_default_id: Int64 | None = None
    days_of_delinquency_for_status_switch: int | None = None
    default_for: BillingDefaultFor
    delinquency_account_status_id: Int64 | None = None
    delinquency_removal_account_status_id: Int64 | None = None
    due_days: int
    due_days_day: BillingParameterDayOption
    grace_days: int
    grace_until: Date | None = None
    invoice_day: int | None = None
    lifeline: bool
    months_to_bill: int
    print_invoice: bool
    switch_status_after_delinquency: bool
    tax_exempt: bool


class TaxExemption(SonarEntity):
    """``tax_exemptions``: Sonar ``TaxExemption``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    account_id: Int64
    jurisdictions: list[TaxJurisdiction | None] | None = None
    name: str
    tax_provider_id: Int64


class IpAssignment(SonarEntity):
    """``ip_assignments``: Sonar ``IpAssignment``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    description: str | None = None
    ip_pool_id: Int64 | None = None
    ipassignmentable_id: Int64
    ipassignmentable_type: IpassignmentableType
    reference: str | None = None
    soft: bool
    subnet: str
    subnet_id: Int64


class RadiusAccount(SonarEntity):
    """``radius_accounts``: Sonar ``RadiusAccount``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    account_id: Int64
    password: SecretStr | None = None
    username: str


class UninventoriedMacAddress(SonarEntity):
    """``uninventoried_mac_addresses``: Sonar ``UninventoriedMacAddress``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    account_id: Int64
    mac_address: str


class Subnet(SonarEntity):
    """``subnets``: Sonar ``Subnet``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    largest_cidr_available: int | None = None
    name: str | None = None
    poller_id: Int64 | None = None
    polling_priority: int
    subnet: str
    supernet_id: Int64
    type: SubnetType


class Supernet(SonarEntity):
    """``supernets``: Sonar ``Supernet``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    largest_cidr_available: int | None = None
    name: str | None = None
    subnet: str


class IpPool(SonarEntity):
    """``ip_pools``: Sonar ``IpPool``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    dhcp_server_identifier_id: Int64 | None = None
    ip_range: str
    ips_available: int
    name: str | None = None
    subnet_id: Int64


class User(SonarEntity):
    """``users``: Sonar ``User``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    completed_setup: bool
    email_address: str
    enabled: bool
    is_sonar_staff: bool | None = None
    language: Language | None = None
    mobile_number: str | None = None
    name: str
    public_name: str
    role_id: Int64 | None = None
    super_admin: bool
    username: str


class Note(SonarEntity):
    """``notes``: Sonar ``Note``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    message: str
    noteable_id: Int64
    noteable_type: str
    priority: NotePriority
    user_id: Int64 | None = None


class Invoice(SonarEntity):
    """``invoices``: Sonar ``Invoice``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    account_id: Int64
    auto_pay_attempts: int
    auto_pay_date: Date | None = None
    child_invoice_remaining_due: Cents
    company_id: Int64
    date: Date
    delinquency_date: Date | None = None
    delinquent: bool
    due_date: Date
    end_date: Date
    frozen: bool
    invoice_template_version_id: Int64 | None = None
    late_fee_applied: bool
    late_fee_only: bool
    message: str | None = None
    number_of_months: int
    parent_invoice_id: Int64 | None = None
    pending_email: bool
    remaining_due: Cents
    status: str
    tax_committed: bool
    tax_provider_id: Int64 | None = None
    total_debits: Cents
    total_taxes: Cents
    void: bool
    voided_at: Datetime | None = None


class Debit(SonarEntity):
    """``debits``: Sonar ``Debit``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    account_id: Int64
    amount: Cents
    company_id: Int64
    description: str | None = None
    general_ledger_code: str | None = None
    general_ledger_code_description: str | None = None
    invoice_id: Int64 | None = None
    linked_debit_id: Int64 | None = None
    minutes: float | None = None
    number_of_months: int
    prorated_from: Date | None = None
    prorated_to: Date | None = None
    quantity: int
    quantity_prorated_from: int | None = None
    quantity_prorated_to: int | None = None
    reversed: bool
    reversed_at: Datetime | None = None
    reversed_by_user_id: Int64 | None = None
    service_id: Int64
    service_name: str
    service_transaction_type: ServiceTransactionType | None = None
    type: ServiceType
    user_id: Int64 | None = None
    voice_service_generic_parameter_id: Int64 | None = None


class Credit(SonarEntity):
    """``credits``: Sonar ``Credit``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    account_id: Int64
    amount: Cents
    creditable_id: Int64
    creditable_type: CreditableType
    invoice_id: Int64
    void: bool
    voided_at: Datetime | None = None


class Payment(SonarEntity):
    """``payments``: Sonar ``Payment``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    account_id: Int64
    amount: Cents
    amount_remaining: Cents
    bank_account_id: Int64 | None = None
    company_id: Int64
    creation_token: str | None = None
    credit_card_id: Int64 | None = None
    deposit_slip_id: Int64 | None = None
    description: str | None = None
    fee: Cents | None = None
    fractional_fee: Cents | None = None
    full_processor_response: str | None = None
    is_autopay: bool | None = None
    passed_3ds_check: bool | None = None
    passed_avs_check: bool | None = None
    passed_cvv_check: bool | None = None
    payment_datetime: Datetime
    payment_tracker_id: str | None = None
    payment_type: PaymentType
    processor_message: str | None = None
    processor_status: str | None = None
    reference: str | None = None
    status: PaymentStatus | None = None
    successful: bool
    transaction_id: str | None = None
    user_id: Int64 | None = None


class TicketGroup(SonarEntity):
    """``ticket_groups``: Sonar ``TicketGroup``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    enabled: bool
    name: str
    private: bool


class Ticket(SonarEntity):
    """``tickets``: Sonar ``Ticket``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    global_updated_at: Datetime | None = None
    closed_at: Datetime | None = None
    closed_by_user_id: Int64 | None = None
    company_id: Int64 | None = None
    description: str
    due_date: Date | None = None
    inbound_mailbox_id: Int64 | None = None
    is_spam: bool | None = None
    parent_ticket_id: Int64 | None = None
    priority: TicketPriority
    spam_score: float | None = None
    status: TicketStatus
    subject: str
    ticket_group_id: Int64 | None = None
    ticketable_id: Int64 | None = None
    ticketable_type: TicketableType | None = None
    user_id: Int64 | None = None


class TicketReply(SonarEntity):
    """``ticket_replies``: Sonar ``TicketReply``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    author: str | None = None
    author_email: str | None = None
    body: str
    headers: str | None = None
    incoming: bool
    raw_body: str | None = None
    signature: str | None = None
    ticket_id: Int64
    user_id: Int64 | None = None


class TicketComment(SonarEntity):
    """``ticket_comments``: Sonar ``TicketComment``."""

    sonar_unique_id: str
    created_at: Datetime
    updated_at: Datetime
    version: str = Field(alias="_version")
    body: str
    ticket_id: Int64
    user_id: Int64


ENTITY_MODELS: dict[str, type[SonarEntity]] = {
    "companies": Company,
    "account_statuses": AccountStatus,
    "account_types": AccountType,
    "accounts": Account,
    "contacts": Contact,
    "phone_numbers": PhoneNumber,
    "addresses": Address,
    "custom_fields": CustomField,
    "custom_field_data": CustomFieldData,
    "services": Service,
    "data_service_details": DataServiceDetail,
    "recurring_service_details": RecurringServiceDetail,
    "taxes": Tax,
    "service_taxes": ServiceTax,
    "account_services": AccountService,
    "account_billing_parameters": AccountBillingParameter,
    "tax_exemptions": TaxExemption,
    "ip_assignments": IpAssignment,
    "radius_accounts": RadiusAccount,
    "uninventoried_mac_addresses": UninventoriedMacAddress,
    "subnets": Subnet,
    "supernets": Supernet,
    "ip_pools": IpPool,
    "users": User,
    "notes": Note,
    "invoices": Invoice,
    "debits": Debit,
    "credits": Credit,
    "payments": Payment,
    "ticket_groups": TicketGroup,
    "tickets": Ticket,
    "ticket_replies": TicketReply,
    "ticket_comments": TicketComment,
}
"""The model of each list query's entity."""
