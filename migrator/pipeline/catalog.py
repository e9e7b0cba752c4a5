"""The entities this migration knows, wired from their Sonar query, transform and sink.

``ENTITY_ORDER`` lists them parents first. ``build_specs`` makes the
``EntitySpec`` of each selected entity from the profile's rules, the small
Sonar reference tables (loaded once by ``load_lookups``) and a sink factory
(the API, or a dry run).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from migrator.errors import ConfigError
from migrator.pipeline.entities import EntitySpec, Sink
from migrator.pipeline.lookups import Lookups
from migrator.pipeline.sources import SonarSource, StaticSource
from migrator.profile import Profile
from migrator.records import Cleaned
from migrator.sonar.entities import (
    Company,
)
from migrator.sonar.extract import Extractor
from migrator.sonar.models import AccountWithRelations
from migrator.sonar.queries import CUSTOMER_RELATIONS, SERVICE_RELATIONS
from migrator.sonar.readers import FlatRecords, NestedAccounts
from migrator.splynx.payloads import Partner
from migrator.transform import catalog as tariffs
from migrator.transform.customers import (
    CustomerLookups,
    CustomerPayload,
    customer_from_account,
    customer_parents,
)
from migrator.transform.notes import comment_from_note, note_parents
from migrator.transform.services import (
    AccountServiceRecord,
    ServiceLookups,
    internet_service,
    recurring_service,
    service_parents,
)

__all__ = ["ENTITY_ORDER", "ENTITY_SINKS", "build_specs", "select"]

ENTITY_ORDER: tuple[str, ...] = (
    "partners",
    "locations",
    "internet_tariffs",
    "recurring_tariffs",
    "customers",
    "internet_services",
    "recurring_services",
    "customer_notes",
)
# The Splynx endpoint each entity writes (names of migrator.splynx.endpoints).
ENTITY_SINKS: dict[str, str] = {name: name for name in ENTITY_ORDER}

SinkFactory = Callable[..., Sink[Any]]


def select(only: Iterable[str] | None, skip: Iterable[str] | None, profile: Profile) -> list[str]:
    """The entities to run, in order: the profile's, narrowed by --only / --skip."""
    chosen = list(profile.entities or ENTITY_ORDER)
    for name in [*(only or ()), *(skip or ()), *chosen]:
        if name not in ENTITY_ORDER:
            raise ConfigError(f"unknown entity {name!r}; known: {', '.join(ENTITY_ORDER)}")
    if only:
        chosen = [name for name in chosen if name in set(only)]
    return [name for name in chosen if name not in set(skip or ())]


def _describe(record: Any) -> dict[str, Any]:
    """The original Sonar record as JSON-ready data, for a reject."""
    if isinstance(record, AccountServiceRecord):
        return record.service.model_dump(mode="json", by_alias=True)
    if hasattr(record, "model_dump"):
        return record.model_dump(mode="json", by_alias=True)  # type: ignore[no-any-return]
    return {"value": str(record)}


def _services_of(kinds: frozenset[str] | None, lookups: Lookups) -> Callable[..., Any]:
    """Explode an account into its account services of these catalog types (None: the rest)."""

    def explode(account: AccountWithRelations) -> list[tuple[int, AccountServiceRecord]]:
        chosen = []
        for held in sorted(account.account_services, key=lambda s: s.id):
            kind = getattr(lookups.services.get(held.service_id), "type", None)
            internet = kind in tariffs.INTERNET_SERVICE_TYPES
            if (kinds is not None and internet) or (kinds is None and not internet):
                chosen.append((held.id, AccountServiceRecord(account, held)))
        return chosen

    return explode


def build_specs(
    names: Sequence[str],
    *,
    profile: Profile,
    lookups: Lookups,
    extractor: Extractor,
    sink: SinkFactory,
) -> list[EntitySpec[Any, Any]]:
    """The specs of the selected entities (``sink(entity, **options)`` makes each sink)."""
    zone = ZoneInfo(profile.defaults.timezone)
    makers = _makers(profile, lookups, extractor, sink, zone)
    return [makers[name]() for name in names]


def _makers(
    profile: Profile, lookups: Lookups, extractor: Extractor, sink: SinkFactory, zone: ZoneInfo
) -> dict[str, Callable[[], EntitySpec[Any, Any]]]:
    counts = Counter(tariffs.title_key(s.name) for s in lookups.services.values())
    tariff_lookups = tariffs.TariffLookups(lookups.details, counts)
    customers = CustomerLookups(lookups.statuses, lookups.types, lookups.custom_fields)
    service_lookups = ServiceLookups(
        lookups.services, customers, profile.customers, profile.services, profile.cleanup, zone
    )
    # Each entity reads only the relations it is made of.
    customer_accounts = NestedAccounts(relations=CUSTOMER_RELATIONS)
    services_only = NestedAccounts(relations=SERVICE_RELATIONS)
    default_company = lookups.default_company

    def partners() -> EntitySpec[Any, Any]:
        return EntitySpec(
            "partners",
            SonarSource(extractor, "companies", FlatRecords("companies")),
            sink("partners", natural_key=True),
            tariffs.partner if profile.defaults.partner is None else _fixed_partner(profile),
            describe=_describe,
        )

    def locations() -> EntitySpec[Any, Any]:
        return EntitySpec(
            "locations",
            StaticSource([profile.defaults.location]),
            sink("locations", natural_key=True),
            tariffs.location,
        )

    def tariff(name: str, kinds: frozenset[str], make: Callable[..., Any]) -> EntitySpec[Any, Any]:
        return EntitySpec(
            name,
            SonarSource(
                extractor, "services", FlatRecords("services"), keep=lambda s: s.type in kinds
            ),
            sink(name, natural_key=True),
            partial(make, lookups=tariff_lookups),
            parents=partial(tariffs.tariff_parents, default_company=default_company),
            depends_on=("partners", "locations"),
            describe=_describe,
        )

    def customers_spec() -> EntitySpec[Any, Any]:
        return EntitySpec(
            "customers",
            SonarSource(extractor, "accounts", customer_accounts),
            sink(
                "customers",
                body=_customer_body,
                after="customer_info",
                link_fields={"parent_account_id": "parent_id"},
            ),
            partial(
                customer_from_account,
                lookups=customers,
                rules=profile.customers,
                cleanup=profile.cleanup,
                zone=zone,
            ),
            parents=customer_parents,
            depends_on=("partners", "locations"),
            describe=_describe,
        )

    def services(
        name: str, kinds: frozenset[str] | None, make: Callable[..., Any], tariff_entity: str
    ) -> EntitySpec[Any, Any]:
        return EntitySpec(
            name,
            SonarSource(extractor, "accounts", services_only, explode=_services_of(kinds, lookups)),
            sink(name),
            partial(make, lookups=service_lookups),
            parents=partial(service_parents, lookups=service_lookups),
            depends_on=("customers", tariff_entity),
            describe=_describe,
        )

    def notes() -> EntitySpec[Any, Any]:
        return EntitySpec(
            "customer_notes",
            SonarSource(
                extractor,
                "notes",
                FlatRecords("notes"),
                keep=lambda n: n.noteable_type == "Account",
            ),
            sink("customer_notes"),
            partial(comment_from_note, rules=profile.notes, cleanup=profile.cleanup, zone=zone),
            parents=note_parents,
            depends_on=("customers",),
            describe=_describe,
        )

    return {
        "partners": partners,
        "locations": locations,
        "internet_tariffs": lambda: tariff(
            "internet_tariffs", tariffs.INTERNET_SERVICE_TYPES, tariffs.internet_tariff
        ),
        "recurring_tariffs": lambda: tariff(
            "recurring_tariffs", tariffs.RECURRING_SERVICE_TYPES, tariffs.recurring_tariff
        ),
        "customers": customers_spec,
        "internet_services": lambda: services(
            "internet_services",
            tariffs.INTERNET_SERVICE_TYPES,
            internet_service,
            "internet_tariffs",
        ),
        "recurring_services": lambda: services(
            "recurring_services", None, recurring_service, "recurring_tariffs"
        ),
        "customer_notes": notes,
    }


def _customer_body(payload: CustomerPayload) -> Any:
    return payload.customer


def _fixed_partner(profile: Profile) -> Callable[..., Cleaned[Partner]]:
    """Every company goes to the one partner the profile names ([defaults] partner)."""
    name = profile.defaults.partner or ""

    def transform(company: Company, resolved: Any) -> Cleaned[Partner]:
        return Cleaned(Partner(name=name), (f"name: company {company.name!r} mapped to {name!r}",))

    return transform
