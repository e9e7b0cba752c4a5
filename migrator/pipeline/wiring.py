"""How each entity of the entity map is wired: its Sonar reader, transform and sink.

The entities, their order, Sonar queries, dependencies and Splynx endpoints
are the entity map's (``migrator.entity_map``); this module adds what is code:
which reader reads a row's query, which pure transform makes its payload,
which parents a record names, and what follows a write (a customer's info
and billing rows, ``customer_rows``). ``build_specs`` makes the ``EntitySpec`` of each
selected entity from the profile's rules, the small Sonar reference tables
(loaded once by ``load_lookups``), the network lookups (read while the first
entities run: ``late_lookups``) and a sink factory (the API, or a dry run).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import cache, partial
from typing import Any
from zoneinfo import ZoneInfo

from migrator.entity_map import ENTITY_ORDER, MappedEntity, mapped
from migrator.errors import ConfigError
from migrator.pipeline.archived import ArchivedSince
from migrator.pipeline.customer_rows import customer_rows
from migrator.pipeline.entities import EntitySpec, Sink
from migrator.pipeline.finance_specs import (
    FINANCE_ENTITIES,
    LedgerSink,
    finance_entities,
    finance_makers,
)
from migrator.pipeline.ip_marks import static_ip_marks
from migrator.pipeline.late_lookups import AfterNetworks, LateNetworks, WaitingSource
from migrator.pipeline.lookups import Lookups
from migrator.pipeline.sources import SonarSource, StaticSource, widening
from migrator.pipeline.support_specs import stand_in_targets, support_makers
from migrator.profile import Profile
from migrator.profile_rules import BillingRules
from migrator.records import Cleaned
from migrator.sonar.changed_parents import CUSTOMER_CHILDREN, SERVICE_CHILDREN, ChangedParents
from migrator.sonar.entities import (
    Company,
)
from migrator.sonar.extract import Extractor
from migrator.sonar.models import AccountWithRelations
from migrator.sonar.queries import CUSTOMER_RELATIONS, SERVICE_RELATIONS
from migrator.sonar.readers import FlatRecords, NestedAccounts
from migrator.splynx.payloads import Partner
from migrator.transform import tariffs
from migrator.transform.administration import location, partner
from migrator.transform.billing_period import Frequencies
from migrator.transform.customer_billing import with_billing
from migrator.transform.customers import (
    CustomerLookups,
    CustomerPayload,
    customer_from_account,
    customer_parents,
)
from migrator.transform.networks import (
    CustomerSubnets,
    ipv4_network,
    ipv6_network,
    network_parents,
)
from migrator.transform.notes import comment_from_note, note_parents
from migrator.transform.services import (
    AccountServiceRecord,
    InternetServicePayload,
    ServiceLookups,
    internet_service,
    recurring_service,
    service_parents,
)
from migrator.transform.support_targets import SupportTargets
from migrator.transform.taxes import TaxLookups

__all__ = ["NETWORK_ENTITIES", "build_specs", "select"]

# The entities made with the network lookups: they wait for them (``late_lookups``).
NETWORK_ENTITIES = frozenset(
    {"ipv4_networks", "ipv6_networks", "internet_services", "recurring_services"}
)

SinkFactory = Callable[..., Sink[Any]]


def select(only: Iterable[str] | None, skip: Iterable[str] | None, profile: Profile) -> list[str]:
    """The entities to run, in order: the profile's, narrowed by --only / --skip."""
    chosen = list(profile.entities or ENTITY_ORDER)
    for name in [*(only or ()), *(skip or ()), *chosen]:
        if name not in ENTITY_ORDER:
            raise ConfigError(f"unknown entity {name!r}; known: {', '.join(ENTITY_ORDER)}")
    if only:
        chosen = [name for name in chosen if name in set(only)]
    chosen = finance_entities(chosen, profile.finance)
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
    networks: LateNetworks,
    extractor: Extractor,
    sink: SinkFactory,
    nested_page_size: int = 100,
    ledger: LedgerSink | None = None,
    support: SupportTargets | None = None,
    changed: ChangedParents | None = None,
    archived: ArchivedSince | None = None,
) -> list[EntitySpec[Any, Any]]:
    """The specs of the selected entities (``sink(entity, **options)`` makes each sink).

    ``nested_page_size`` is how many of an account's ledger records (or a ticket's
    messages) one nested page holds; ``ledger`` is told each account's Sonar balance as
    the money is read; ``support`` holds the Splynx ticket statuses, groups and type
    found by title (None: a dry run's stand-ins). In a delta (``extractor`` reads a
    window) ``changed`` finds the parents whose children changed: what is read nested
    under a parent reads them too; ``archived`` notes (or skips) the accounts archived
    since.
    """
    zone = ZoneInfo(profile.defaults.timezone)
    makers = _makers(profile, lookups, networks, extractor, sink, zone, changed, archived)
    makers.update(
        finance_makers(
            profile.finance, extractor, sink, zone,
            nested_page_size=nested_page_size, ledger=ledger,
            consumers=len(FINANCE_ENTITIES.keys() & set(names)), changed=changed,
        )
    )  # fmt: skip
    makers.update(
        support_makers(
            profile.support, extractor, sink, zone, support or stand_in_targets(profile.support),
            nested_page_size=nested_page_size, changed=changed,
            consumers=len({"tickets", "ticket_messages"} & set(names)),
        )
    )  # fmt: skip
    return [makers[name](mapped(name)) for name in names]


def _makers(
    profile: Profile,
    lookups: Lookups,
    networks: LateNetworks,
    extractor: Extractor,
    sink: SinkFactory,
    zone: ZoneInfo,
    changed: ChangedParents | None,
    archived: ArchivedSince | None,
) -> dict[str, Callable[[MappedEntity], EntitySpec[Any, Any]]]:
    counts = Counter(tariffs.title_key(s.name) for s in lookups.services.values())
    frequencies = Frequencies(lookups.frequencies)
    taxes = TaxLookups(lookups.taxes, lookups.service_taxes, profile.taxes)
    tariff_lookups = tariffs.TariffLookups(
        lookups.details, counts, frequencies, taxes, profile.services
    )
    customers = CustomerLookups(lookups.statuses, lookups.types, lookups.custom_fields)
    service_lookups = ServiceLookups(
        lookups.services, customers, profile.customers, profile.services, profile.cleanup, zone,
        frequencies, taxes, lookups.exemptions,
    )  # fmt: skip

    @cache
    def with_networks() -> ServiceLookups:  # once the network lookups are read
        return replace(service_lookups, networks=networks.value)

    # Each entity reads only the relations it is made of.
    customer_accounts = NestedAccounts(relations=CUSTOMER_RELATIONS)
    services_only = NestedAccounts(relations=SERVICE_RELATIONS)
    default_company = lookups.default_company

    def partners(row: MappedEntity) -> EntitySpec[Any, Any]:
        return EntitySpec(
            row.name,
            SonarSource(extractor, _query(row), FlatRecords(_query(row))),
            sink(row.endpoint, natural_key=True),
            partner if profile.defaults.partner is None else _fixed_partner(profile),
            depends_on=row.depends_on,
            describe=_describe,
        )

    def locations(row: MappedEntity) -> EntitySpec[Any, Any]:
        return EntitySpec(
            row.name,
            StaticSource([profile.defaults.location]),
            sink(row.endpoint, natural_key=True),
            location,
            depends_on=row.depends_on,
        )

    def tariff(
        row: MappedEntity, kinds: frozenset[str], make: Callable[..., Any]
    ) -> EntitySpec[Any, Any]:
        return EntitySpec(
            row.name,
            SonarSource(
                extractor, _query(row), FlatRecords(_query(row)), keep=lambda s: s.type in kinds
            ),
            sink(row.endpoint, natural_key=True),
            partial(make, lookups=tariff_lookups),
            parents=partial(tariffs.tariff_parents, default_company=default_company),
            depends_on=row.depends_on,
            describe=_describe,
        )

    def customers_spec(row: MappedEntity) -> EntitySpec[Any, Any]:
        transform = partial(
            _customer_with_billing,
            lookups=customers,
            rules=profile.customers,
            billing=profile.billing,
            cleanup=profile.cleanup,
            zone=zone,
        )
        return EntitySpec(
            row.name,
            SonarSource(
                extractor,
                _query(row),
                customer_accounts,
                **widening(changed, CUSTOMER_CHILDREN),
            ),
            sink(
                row.endpoint,
                body=_customer_body,
                after=customer_rows(row.then),
                link_fields={"parent_account_id": "parent_id"},
            ),
            transform if archived is None else archived.watch(transform),
            parents=customer_parents,
            depends_on=row.depends_on,
            describe=_describe,
        )

    def network_spec(
        row: MappedEntity, version: int, make: Callable[..., Any]
    ) -> EntitySpec[Any, Any]:
        keep = AfterNetworks(networks, lambda held: CustomerSubnets(held, version))
        source: SonarSource[Any, Any]
        source = SonarSource(extractor, _query(row), FlatRecords(_query(row)), keep=keep)
        return EntitySpec(
            row.name,
            WaitingSource(source, networks.wait),
            sink(row.endpoint, natural_key=True),
            AfterNetworks(
                networks, lambda held: partial(make, lookups=held, rules=profile.networks)
            ),
            parents=network_parents,
            depends_on=row.depends_on,
            describe=_describe,
        )

    def services(
        row: MappedEntity, kinds: frozenset[str] | None, make: Callable[..., Any]
    ) -> EntitySpec[Any, Any]:
        explode = _services_of(kinds, lookups)
        written = (
            sink(row.endpoint, body=_internet_body, after=static_ip_marks(row.then))
            if kinds is not None
            else sink(row.endpoint)
        )
        return EntitySpec(
            row.name,
            WaitingSource(
                SonarSource(
                    extractor,
                    _query(row),
                    services_only,
                    explode=explode,
                    **widening(changed, SERVICE_CHILDREN),
                ),
                networks.wait,
            ),
            written,
            AfterNetworks(networks, lambda _: partial(make, lookups=with_networks())),
            parents=AfterNetworks(
                networks, lambda _: partial(service_parents, lookups=with_networks())
            ),
            depends_on=row.depends_on,
            describe=_describe,
        )

    def notes(row: MappedEntity) -> EntitySpec[Any, Any]:
        return EntitySpec(
            row.name,
            SonarSource(
                extractor,
                _query(row),
                FlatRecords(_query(row)),
                keep=lambda n: n.noteable_type == "Account",
            ),
            sink(row.endpoint),
            partial(comment_from_note, rules=profile.notes, cleanup=profile.cleanup, zone=zone),
            parents=note_parents,
            depends_on=row.depends_on,
            describe=_describe,
        )

    return {
        "partners": partners,
        "locations": locations,
        "internet_tariffs": lambda row: tariff(
            row, tariffs.INTERNET_SERVICE_TYPES, tariffs.internet_tariff
        ),
        "recurring_tariffs": lambda row: tariff(
            row, tariffs.RECURRING_SERVICE_TYPES, tariffs.recurring_tariff
        ),
        "ipv4_networks": lambda row: network_spec(row, 4, ipv4_network),
        "ipv6_networks": lambda row: network_spec(row, 6, ipv6_network),
        "customers": customers_spec,
        "internet_services": lambda row: services(
            row, tariffs.INTERNET_SERVICE_TYPES, internet_service
        ),
        "recurring_services": lambda row: services(row, None, recurring_service),
        "customer_notes": notes,
    }


def _query(row: MappedEntity) -> str:
    assert row.query is not None, f"{row.name} is not read from Sonar"
    return row.query


def _customer_body(payload: CustomerPayload) -> Any:
    return payload.customer


def _internet_body(payload: InternetServicePayload) -> Any:
    return payload.service


def _customer_with_billing(
    account: AccountWithRelations, resolved: Any, *, billing: BillingRules, **rules: Any
) -> Cleaned[CustomerPayload]:
    return with_billing(customer_from_account(account, resolved, **rules), account, billing)


def _fixed_partner(profile: Profile) -> Callable[..., Cleaned[Partner]]:
    """Every company goes to the one partner the profile names ([defaults] partner)."""
    name = profile.defaults.partner or ""

    def transform(company: Company, resolved: Any) -> Cleaned[Partner]:
        return Cleaned(Partner(name=name), (f"name: company {company.name!r} mapped to {name!r}",))

    return transform
