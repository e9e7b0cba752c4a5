"""Invoice, debit, credit and payment records, built on demand from the billing columns.

ASSUMPTION: ``Invoice.status`` ("the phase of the invoice moving through
creation") is ``COMPLETE`` for every invoice of a finished billing run; the
reference does not list the values.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from migrator.sim.sonar.draw import Draw
from migrator.sim.sonar.generate.accounts import AccountFacts
from migrator.sim.sonar.generate.billing import DUE_AFTER
from migrator.sim.sonar.generate.common import Columns, Salt, World, common_fields
from migrator.sim.sonar.generate.ledger_codes import DebitKind, PaymentFlag
from migrator.sim.sonar.generate.service_catalog import ServiceCatalog
from migrator.sim.sonar.instance_time import DAY, NOW, instant_to_iso, local_date
from migrator.sim.sonar.table import NULL, CodeColumn, Table

__all__ = ["ledger_tables"]

CREDITABLE = ("Payment", "Discount")
_PAYMENT_TYPES = ("CREDITCARD",) * 11 + ("BANKACCOUNT",) * 4 + ("CHECK",) * 2 + (
    "CASH", "PAYPAL", "WIRE", "OTHER")  # fmt: skip


def _invoice(world: World, cols: Columns, row: int) -> dict[str, Any]:
    invoice_id, issued = cols.ids[row], cols.created[row]
    draw = world.draw(Salt.INVOICE, invoice_id)
    remaining, flags = cols.extra["remaining_due"][row], cols.extra["flags"][row]
    day = local_date(issued)
    due = day + timedelta(days=DUE_AFTER // DAY)
    overdue = remaining > 0 and local_date(NOW) > due + timedelta(days=30)
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    autopay = draw.chance(0.6)
    record = common_fields(draw, invoice_id, issued, cols.updated[row])
    record.update(
        account_id=str(cols.extra["account_id"][row]),
        auto_pay_attempts=draw.between(0, 2) if autopay else 0,
        auto_pay_date=due.isoformat() if autopay else None,
        child_invoice_remaining_due=0,
        company_id="1",
        date=day.isoformat(),
        delinquency_date=(due + timedelta(days=30)).isoformat() if overdue else None,
        delinquent=overdue,
        due_date=due.isoformat(),
        end_date=(next_month - timedelta(days=1)).isoformat(),
        frozen=draw.chance(0.002),
        invoice_template_version_id="1",
        late_fee_applied=bool(flags & 2),
        late_fee_only=False,
        message=None if draw.chance(0.9) else "Thank you for choosing Hill Country Broadband!",
        number_of_months=1,
        parent_invoice_id=None,
        pending_email=False,
        remaining_due=remaining,
        status="COMPLETE",
        tax_committed=True,
        tax_provider_id=None,
        total_debits=cols.extra["total_debits"][row],
        total_taxes=0,
        void=bool(flags & 1),
        voided_at=instant_to_iso(issued + 2 * DAY) if flags & 1 else None,
    )
    return record


def _debit(world: World, accounts: AccountFacts, cols: Columns, row: int) -> dict[str, Any]:
    debit_id, at = cols.ids[row], cols.created[row]
    draw = world.draw(Salt.DEBIT, debit_id)
    catalog: ServiceCatalog = world.facts["catalog"]
    service = catalog.by_id[cols.extra["service_id"][row]]
    kind, account_id = cols.extra["kind"][row], cols.extra["account_id"][row]
    reversed_ = bool(kind & DebitKind.REVERSED)
    prorated = kind & DebitKind.KIND == DebitKind.PRORATED
    if prorated:
        account_row = accounts.table.row_of(account_id)
        assert account_row is not None
        since = local_date(accounts.created[account_row]).isoformat()
    invoice_id = cols.extra["invoice_id"][row]
    manual = kind & DebitKind.KIND == DebitKind.AD_HOC
    record = common_fields(draw, debit_id, at, cols.updated[row])
    record.update(
        account_id=str(account_id),
        amount=cols.extra["amount"][row],
        company_id="1",
        description=f"Prorated {service.name}"
        if prorated
        else f"{service.name} (waived)"
        if kind & DebitKind.WAIVED
        else service.name,
        general_ledger_code="4000" if service.type == "DATA" else "4100",
        general_ledger_code_description="Internet revenue"
        if service.type == "DATA"
        else "Other revenue",
        invoice_id=None if invoice_id == NULL else str(invoice_id),
        linked_debit_id=None,
        minutes=None,
        number_of_months=1,
        prorated_from=since if prorated else None,
        prorated_to=(local_date(at) - timedelta(days=1)).isoformat() if prorated else None,
        quantity=1,
        quantity_prorated_from=None,
        quantity_prorated_to=None,
        reversed=reversed_,
        reversed_at=instant_to_iso(cols.updated[row]) if reversed_ else None,
        reversed_by_user_id=str(draw.pick(world.facts["staff"])) if reversed_ else None,
        service_id=str(service.id),
        service_name=service.name,
        service_transaction_type="BASE_SERVICE" if service.type in ("DATA", "RECURRING") else None,
        type=service.type,
        user_id=str(draw.pick(world.facts["staff"])) if manual else None,
        voice_service_generic_parameter_id=None,
    )
    return record


def _credit(world: World, cols: Columns, row: int) -> dict[str, Any]:
    credit_id = cols.ids[row]
    record = common_fields(
        world.draw(Salt.CREDIT, credit_id), credit_id, cols.created[row], cols.updated[row]
    )
    record.update(
        account_id=str(cols.extra["account_id"][row]),
        amount=cols.extra["amount"][row],
        creditable_id=str(cols.extra["creditable_id"][row]),
        creditable_type=CREDITABLE[cols.extra["creditable_type"][row]],
        invoice_id=str(cols.extra["invoice_id"][row]),
        void=False,
        voided_at=None,
    )
    return record


def _payment(world: World, cols: Columns, row: int) -> dict[str, Any]:
    payment_id, at, flags = cols.ids[row], cols.created[row], cols.extra["flags"][row]
    draw = world.draw(Salt.PAYMENT, payment_id)
    ok, autopay = bool(flags & PaymentFlag.SUCCESSFUL), bool(flags & PaymentFlag.AUTOPAY)
    returned, refund = bool(flags & PaymentFlag.RETURNED_CHECK), bool(flags & PaymentFlag.REFUND)
    kind = (
        "CHECK"
        if returned or refund
        else draw.pick(("CREDITCARD", "BANKACCOUNT"))
        if autopay or not ok
        else draw.pick(_PAYMENT_TYPES)
    )
    card, bank, paper = kind == "CREDITCARD", kind == "BANKACCOUNT", kind in ("CHECK", "CASH")
    record = common_fields(draw, payment_id, at, cols.updated[row])
    record.update(
        account_id=str(cols.extra["account_id"][row]),
        amount=cols.extra["amount"][row],
        amount_remaining=cols.extra["amount_remaining"][row],
        bank_account_id=str(draw.between(1, 900)) if bank else None,
        company_id="1",
        creation_token=None,
        credit_card_id=str(draw.between(1, 15000)) if card else None,
        deposit_slip_id=str(draw.between(1, 400)) if paper else None,
        description=_payment_description(draw, kind, returned, refund),
        fee=draw.between(30, 300) if card else None,
        fractional_fee=None,
        full_processor_response='{"response":"1","responsetext":"SUCCESS"}'
        if card and ok
        else None,
        is_autopay=autopay,
        passed_3ds_check=None,
        passed_avs_check=True if card else None,
        passed_cvv_check=True if card and not autopay else None,
        payment_datetime=instant_to_iso(at),
        payment_tracker_id=draw.uuid() if card or bank else None,
        payment_type=kind,
        processor_message=("Approved" if ok else "Insufficient funds") if card or bank else None,
        processor_status=("approved" if ok else "declined") if card or bank else None,
        reference=str(draw.between(100000, 999999)) if kind in ("CHECK", "WIRE") else None,
        status="SUCCEEDED" if ok else "FAILED",
        successful=ok,
        transaction_id=str(draw.bits() % 10**10) if card or bank else None,
        user_id=str(draw.pick(world.facts["staff"])) if paper else None,
    )
    return record


def _payment_description(draw: Draw, kind: str, returned: bool, refund: bool) -> str | None:
    if refund:
        return f"Refund of overpayment, check #{draw.between(1000, 9999)}"
    if kind != "CHECK":
        return None
    number = draw.between(1000, 9999)
    return f"Check #{number} returned: insufficient funds" if returned else f"Check #{number}"


def ledger_tables(world: World, accounts: AccountFacts, history: Any) -> dict[str, Table]:
    inv, deb, cre, pay = history.invoices, history.debits, history.credits, history.payments
    credits = cre.table(
        "credits",
        lambda row: _credit(world, cre, row),
        ("account_id", "invoice_id", "creditable_id", "amount"),
    )
    credits.columns["creditable_type"] = CodeColumn(cre.extra["creditable_type"], CREDITABLE)
    return {
        "invoices": inv.table(
            "invoices",
            lambda row: _invoice(world, inv, row),
            ("account_id", "total_debits", "remaining_due"),
        ),
        "debits": deb.table(
            "debits",
            lambda row: _debit(world, accounts, deb, row),
            ("account_id", "invoice_id", "service_id", "amount"),
        ),
        "credits": credits,
        "payments": pay.table(
            "payments",
            lambda row: _payment(world, pay, row),
            ("account_id", "amount", "amount_remaining"),
        ),
    }
