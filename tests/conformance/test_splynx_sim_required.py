"""Which fields each simulated endpoint requires, against the blueprint and live OPTIONS.

The rule (``migrator/sim/splynx/resources.py``): a field is required only if
every source listing the endpoint's fields requires it, i.e. the blueprint's
data structure and, where one was recorded, the live OPTIONS answer (reference
§14.2: they disagree on customers, tariffs, transactions, invoices,
administrators...). A required field whose blueprint line documents a default
("Default: false") may be left out. The few deliberate exceptions are listed
with their evidence.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from migrator.sim.splynx.served_endpoints import resources

# Endpoint -> the blueprint data structures describing its create body.
STRUCTURES: dict[str, tuple[str, ...]] = {
    "admin/customers/customer": ("Customer Base",),
    "admin/customers/customer-notes": ("Customer comment Base",),
    "admin/customers/customer/internet-services": (
        "Service Base",
        "Customer Internet service Base",
    ),
    "admin/customers/customer/recurring-services": (
        "Service Base",
        "Customer Recurring service Base",
    ),
    "admin/tariffs/internet": ("Internet tariff Base",),
    "admin/tariffs/recurring": ("Recurring tariff Base",),
    "admin/tariffs/one-time": ("`One-time tariff Base`",),
    "admin/tariffs/voice": ("Voice tariff Base",),
    "admin/administration/locations": ("Location Base",),
    "admin/administration/partners": ("Partner Base",),
    "admin/administration/administrators": ("Administrator Base", "Administrator Request"),
    "admin/finance/invoices": ("Invoice Base",),
    "admin/finance/payments": ("Payment Base",),
    "admin/finance/transactions": ("Transaction Base",),
    "admin/finance/payment-methods": ("PaymentMethods Base",),
    "admin/finance/transaction-categories": ("TransactionCategories Base",),
    "admin/support/tickets": ("Ticket Base",),
    "admin/support/ticket-messages": ("Ticket Message Base",),
    "admin/customers/customers-online": ("Customer Online Base",),
    "admin/finance/bank-statements": ("Payment Statement Base",),
    # the blueprint gives only an example body (L4784-L4802): the live OPTIONS decides
    "admin/finance/refill-cards": (),
    "admin/networking/ipv4": ("IPv4 network Base",),
    "admin/networking/ipv6": ("IPv6 network Base",),
    "admin/networking/ipv6-ip": ("IPv6 IP Base",),
}
FROM_THE_URL = {"customer_id"}  # a service's customer is the one in its URL (blueprint L3449)
# Endpoint -> (fields required beyond the rule, fields the rule requires that are checked
# elsewhere), each with its evidence.
EXCEPTIONS: dict[str, tuple[set[str], set[str]]] = {
    # ASSUMPTION (inference, the lowest evidence): the blueprint marks nothing required,
    # but a message without its ticket or its text is meaningless.
    "admin/support/ticket-messages": ({"ticket_id", "message"}, set()),
    # live observation (reference §2.3, logs_api): customer_id and a non-zero amount are
    # checked by PaymentBehaviour with the live server's own messages.
    "admin/finance/payments": (set(), {"customer_id"}),
    # live observation (reference §2.3): POST {} answered 422; OPTIONS marks customer_id
    "admin/customers/customers-online": ({"customer_id"}, set()),
    # live observation (reference §2.3): POST {} answered 422; OPTIONS marks name
    "admin/administration/partners": ({"name"}, set()),
    # ASSUMPTION (inference): a network without its size, or a prefix taken without its
    # address, means nothing; the prefix's network is the one in its URL (L6174).
    "admin/networking/ipv4": ({"mask"}, set()),
    "admin/networking/ipv6": ({"prefix"}, set()),
    "admin/networking/ipv6-ip": ({"ip"}, {"ipv6_networks_id"}),
}
_FIELD = re.compile(r"^\+ `?([A-Za-z_0-9]+)`?[^(]*\(([^)]*)\)(.*)$")


def blueprint_required(blueprint: str, structure: str) -> set[str]:
    """Fields marked ``required`` in a data structure, less those documenting a default."""
    start = blueprint.index(f"\n## {structure} (")
    end = blueprint.find("\n## ", start + 1)
    required = set()
    for line in blueprint[start:end].splitlines():
        match = _FIELD.match(line)
        if match is None:
            continue
        name, kinds, rest = match.groups()
        flags = {k.strip() for k in kinds.split(",")}
        if "required" in flags and "Default" not in rest:
            required.add(name)
    return required


def options_required(options: dict[str, object], path: str) -> set[str] | None:
    answer = options.get(path)
    if not isinstance(answer, dict):
        return None
    return {a["name"] for a in answer["attributes"] if a["required"]}


@pytest.fixture(scope="module")
def sources(reference_dir: Path) -> tuple[str, dict[str, object]]:
    blueprint = (reference_dir / "splynx_api_v2.apib").read_text(encoding="utf-8")
    options = json.loads((reference_dir / "splynx_options.json").read_text())
    extra = json.loads((reference_dir / "splynx_options_extra.json").read_text())
    return blueprint, {**extra, **options}


@pytest.mark.parametrize("name", sorted(STRUCTURES))
def test_an_endpoint_requires_what_every_source_requires(
    name: str, sources: tuple[str, dict[str, object]]
) -> None:
    blueprint, options = sources
    [resource] = [r for r in resources() if r.name == name]
    structures = STRUCTURES[name]
    expected = set().union(*(blueprint_required(blueprint, s) for s in structures))
    live = options_required(options, resource.options_key or "")
    if live is not None:
        expected = expected & live if structures else live
    expected -= FROM_THE_URL if "/customer/" in name else set()
    beyond, elsewhere = EXCEPTIONS.get(name, (set(), set()))
    assert set(resource.required) == (expected | beyond) - elsewhere


def test_every_writable_endpoint_is_checked() -> None:
    writable = {r.name for r in resources() if "POST" in r.verbs}
    assert writable <= set(STRUCTURES)


def test_the_parser_reads_the_blueprint_as_the_reference_summarises_it(
    sources: tuple[str, dict[str, object]],
) -> None:
    # reference §6.2: Recurring tariff Base requires title*, partners_ids*, with_vat*,
    # hide_on_admin_portal* (the last with "Default: false")
    blueprint, _ = sources
    assert blueprint_required(blueprint, "Recurring tariff Base") == {
        "title",
        "partners_ids",
        "with_vat",
    }
    # reference §4.1: customers require partner_id, location_id, name, category (the last
    # documents a default)
    assert blueprint_required(blueprint, "Customer Base") == {"partner_id", "location_id", "name"}
