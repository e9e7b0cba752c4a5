"""The service catalog: ~100 services, 55 of them data plans with their speed details.

The sizes follow ``reference/sonar_volumes.md`` (services ~100, data plans 55).
Prices are in cents, speeds in kilobits per second, as Sonar holds them.
Later generators bill from this catalog, so debits name real services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CatalogService", "ServiceCatalog", "build_catalog"]

# (label, technology code, tiers in Mbps down, upload divisor, base price per Mbps tier)
_DATA_FAMILIES = (
    ("Fiber", "FIBER", (50, 100, 250, 500, 1000, 2000), 1, 4500),
    ("Wireless", "LICENSEDTERRESTRIALFIXEDWIRELESS", (10, 25, 50, 100, 200), 5, 5500),
    ("Wireless Lite", "UNLICENSEDTERRESTRIALFIXEDWIRELESS", (6, 12, 25, 50), 6, 4000),
    ("DSL", "ASYMMETRICXDSL", (3, 6, 12, 24), 8, 3500),
    ("Cable", "CABLEMODEM", (100, 300, 600, 1000), 10, 5000),
)
_SEGMENTS = ("Residential", "Business", "Legacy 2019")
_RECURRING = (
    "Static IP", "Router rental", "Mesh extender rental", "Managed Wi-Fi", "VoIP line",
    "Streaming TV", "Priority support", "Backup LTE", "Extra mailbox", "Public IP block /29",
    "Web hosting", "Domain parking", "Cloud backup 100GB", "Security suite", "Smart home pack",
    "Business SLA", "Second VoIP line", "Fax line", "Outdoor antenna rental", "UPS rental",
    "Seasonal hold", "Data cap unlimited", "Gaming boost", "Tower lease share", "Modem rental",
)  # fmt: skip
_ONE_TIME = (
    "Installation fee", "Late fee", "Service call", "Router purchase", "Reconnection fee",
    "Returned payment fee", "Site survey", "Equipment not returned", "Relocation fee",
    "Professional install (roof mount)",
)  # fmt: skip
_EXPIRING = ("Install financing (12 mo)", "Promo 3 months", "Promo 6 months",
             "Equipment financing (24 mo)", "Winter promo")  # fmt: skip
_ADJUSTMENT = ("Billing adjustment", "Courtesy credit", "Outage credit", "Referral credit",
               "Write-off")  # fmt: skip


@dataclass(frozen=True)
class CatalogService:
    id: int
    name: str
    type: str  # ServiceType
    amount: int  # cents
    enabled: bool = True
    technology: str = ""
    download_kbps: int = 0
    upload_kbps: int = 0
    application: str = "DEBIT"  # CREDIT: it credits the customer (ADJUSTMENT, discounts)
    months: int = 1  # billing_frequency: how many months one charge covers


@dataclass
class ServiceCatalog:
    """Every service by id, and the groups billing draws from."""

    by_id: dict[int, CatalogService] = field(default_factory=dict)
    plans: list[CatalogService] = field(default_factory=list)
    recurring: list[CatalogService] = field(default_factory=list)
    one_time: dict[str, CatalogService] = field(default_factory=dict)
    adjustments: list[CatalogService] = field(default_factory=list)
    # Added after the original catalog (ids above it) so earlier ids and draws stay put.
    long_plans: list[CatalogService] = field(default_factory=list)  # DATA, 3 or 12 months
    long_recurring: list[CatalogService] = field(default_factory=list)  # RECURRING, 3/12
    credits: list[CatalogService] = field(default_factory=list)  # RECURRING CREDIT

    @property
    def recurring_details(self) -> list[CatalogService]:
        """Every RECURRING service, in id order (one recurring_service_details row each)."""
        return [*self.recurring, *self.long_recurring, *self.credits]

    def add(self, service: CatalogService) -> CatalogService:
        self.by_id[service.id] = service
        return service

    @property
    def enabled_plans(self) -> list[CatalogService]:
        return [plan for plan in self.plans if plan.enabled]


def _data_plans() -> list[tuple[str, str, int, int, int, bool]]:
    plans = []
    for label, technology, tiers, divisor, base in _DATA_FAMILIES:
        for segment in _SEGMENTS:
            for tier in tiers:
                business = segment == "Business"
                price = base + tier * 3 + (4000 if business else 0)
                price = price // 100 * 100 - 1  # 64.99 style
                name = f"{label} {tier if tier < 1000 else f'{tier // 1000} Gig'} {segment}"
                upload = max(1, tier // divisor) * 1000
                plans.append(
                    (name, technology, tier * 1000, upload, price, segment != _SEGMENTS[2])
                )
    return plans[:55]


def build_catalog() -> ServiceCatalog:
    """The same catalog for every seed: an ISP's price list does not depend on its customers."""
    catalog = ServiceCatalog()
    next_id = 1
    for name, technology, down, up, price, enabled in _data_plans():
        service = CatalogService(next_id, name, "DATA", price, enabled, technology, down, up)
        catalog.plans.append(catalog.add(service))
        next_id += 1
    for index, name in enumerate(_RECURRING):
        service = CatalogService(next_id, name, "RECURRING", 500 + 250 * (index % 9))
        catalog.recurring.append(catalog.add(service))
        next_id += 1
    next_id += 3  # a few deleted services leave a gap
    for index, name in enumerate(_ONE_TIME):
        service = CatalogService(next_id, name, "ONETIME", 2500 + 2500 * (index % 6))
        catalog.one_time[name] = catalog.add(service)
        next_id += 1
    for index, name in enumerate(_EXPIRING):
        catalog.add(CatalogService(next_id, name, "EXPIRING", 1000 + 500 * index))
        next_id += 1
    for name in _ADJUSTMENT:
        catalog.adjustments.append(catalog.add(CatalogService(next_id, name, "ADJUSTMENT", 0)))
        next_id += 1
    _add_periodic(catalog, next_id)
    return catalog


# Plans paid every quarter or year (a month free a year), and monthly discounts that
# credit the customer: (name, type, amount in cents, months, application)
_PERIODIC = (
    ("Fiber 100 Residential Annual", "DATA", 4799 * 11, 12, "DEBIT"),
    ("Wireless 25 Residential Quarterly", "DATA", 5599 * 3, 3, "DEBIT"),
    ("Router rental Annual", "RECURRING", 750 * 11, 12, "DEBIT"),
    ("Static IP Quarterly", "RECURRING", 500 * 3, 3, "DEBIT"),
    ("Loyalty discount", "RECURRING", 500, 1, "CREDIT"),
    ("Senior discount", "RECURRING", 1000, 1, "CREDIT"),
)


def _add_periodic(catalog: ServiceCatalog, next_id: int) -> None:
    speeds = {"Fiber": ("FIBER", 100_000, 100_000), "Wireless": (
        "LICENSEDTERRESTRIALFIXEDWIRELESS", 25_000, 5_000)}  # fmt: skip
    for offset, (name, kind, amount, months, application) in enumerate(_PERIODIC):
        technology, down, up = speeds.get(name.split()[0], ("", 0, 0))
        if kind != "DATA":
            technology, down, up = "", 0, 0
        service = catalog.add(
            CatalogService(next_id + offset, name, kind, amount, True, technology, down, up,
                           application, months)
        )  # fmt: skip
        group = (
            catalog.long_plans if kind == "DATA"
            else catalog.credits if application == "CREDIT"
            else catalog.long_recurring
        )  # fmt: skip
        group.append(service)
