"""Realistic finance payloads for the database path's tests and benchmark.

A deterministic mix per seed, shaped like the migration's: invoices with one
to three items (tax on some, a category on some, a few paid, deleted or
without transactions), payments of which about half pay an invoice (some in
full, some in part, some more than owed, a refund now and then) and
transactions (debits and credits, quantities, VAT). Markers are unique per
``run`` so a benchmark can write the same shapes again.

Records come customer by customer (each customer's in a run of its own), as
the migration reads them: an account with its ledger.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from decimal import Decimal

from migrator.splynx.payloads import Invoice, InvoiceItem, Payment, Transaction

__all__ = ["invoices", "payments", "transactions"]


def _owner(customers: Sequence[int], n: int, count: int) -> int:
    """The customer of record ``n`` of ``count``: consecutive records share one."""
    return customers[n * len(customers) // count]


_PLANS = (
    ("Internet 100M", "29.9900"),
    ("Internet 1G", "59.0000"),
    ("Static IP", "5.0000"),
    ("Router rental", "4.5000"),
    ("Installation", "99.0000"),
    ("TV basic", "12.3400"),
)


def _item(rng: random.Random, month: int) -> InvoiceItem:
    title, price = rng.choice(_PLANS)
    return InvoiceItem(
        description=f"{title}, 2024-{month:02d}",
        quantity=rng.choice((1, 1, 1, 2)),
        price=Decimal(price),
        tax=rng.choice((Decimal(0), Decimal(20), Decimal("7.5"))),
        period_from=f"2024-{month:02d}-01",
        period_to=f"2024-{month:02d}-28",
        categoryIdForTransaction=rng.choice((None, None, 1, 2)),
    )


def invoices(customers: Sequence[int], count: int, *, run: int = 0, seed: int = 7) -> list[Invoice]:
    """``count`` invoices spread over ``customers``, numbers ``SONAR-INV-<run>-<n>``."""
    rng = random.Random(seed)
    made = []
    for n in range(count):
        month = 1 + n % 12
        status = rng.choices(("not_paid", "paid", "deleted"), (85, 12, 3))[0]
        made.append(
            Invoice(
                customer_id=_owner(customers, n, count),
                number=f"SONAR-INV-{run}-{n}",
                status=status,  # type: ignore[arg-type]
                items=[_item(rng, month) for _ in range(rng.randint(1, 3))],
                date_created=f"2024-{month:02d}-01",
                date_till=f"2024-{month:02d}-15",
                use_transactions="0" if n % 50 == 49 else None,
                note=f"Sonar invoice {n}" if n % 3 == 0 else None,
            )
        )
    return made


def payments(
    customers: Sequence[int],
    count: int,
    open_invoices: Mapping[int, tuple[int, Decimal]],
    *,
    run: int = 0,
    seed: int = 11,
) -> list[Payment]:
    """``count`` payments; about half pay one of ``open_invoices`` (id -> (customer, total))."""
    rng = random.Random(seed)
    owed = sorted(open_invoices.items())
    made = []
    for n in range(count):
        invoice_id, customer = None, _owner(customers, n, count)
        amount = Decimal(rng.choice(("10.0000", "25.5000", "49.9900", "100.0000")))
        if owed and n % 2 == 0:
            invoice_id, (customer, total) = owed[(n // 2) * len(owed) // ((count + 1) // 2)]
            amount = rng.choice((total, total / 2, total + 5)).quantize(Decimal("0.0001"))
        if n % 40 == 39:
            amount = -amount  # a refund
        made.append(
            Payment(
                customer_id=customer,
                amount=amount,
                date=f"2024-{1 + n % 12:02d}-20",
                payment_type=rng.choice((1, 2)),
                receipt_number=f"SONAR-PAY-{run}-{n}",
                invoice_id=invoice_id,
                comment=f"Sonar payment {n}" if n % 4 == 0 else None,
            )
        )
    return made


def transactions(
    customers: Sequence[int], count: int, *, run: int = 0, seed: int = 13
) -> list[Transaction]:
    """``count`` debits and credits, comments ``sonar:tx:<run>:<n>`` (the marker)."""
    rng = random.Random(seed)
    made = []
    for n in range(count):
        kind = rng.choice(("debit", "credit"))
        made.append(
            Transaction(
                type=kind,  # type: ignore[arg-type]
                customer_id=_owner(customers, n, count),
                date=f"2024-{1 + n % 12:02d}-10",
                category=rng.choice((1, 2, 4, 5)) if kind == "debit" else rng.choice((2, 5)),
                description=f"Sonar {kind} {n}",
                quantity=rng.choice((None, 1, 3)),
                price=Decimal(rng.choice(("1.5000", "19.9900", "7.0000"))),
                tax_percent=rng.choice((Decimal(0), Decimal(20))),
                comment=f"sonar:tx:{run}:{n}",
                to_invoice=rng.choice((None, False, True)),
            )
        )
    return made
