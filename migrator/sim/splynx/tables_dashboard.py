"""Tables behind the endpoints a dashboard client reads: sessions online and their
statistics, payment statements, refill cards (assumptions, documented).

None was dumped. Columns are the fields of the blueprint's structures
(``Customer Online Base`` L2727, ``Customer Statistics`` L2669, ``Payment
Statement Base`` L5282) and of the live OPTIONS answers (reference
``splynx_options*.json``), typed as the dumped siblings are (ids ``int
unsigned``, money ``decimal(19,4)``, flags ``enum('0','1')``). Table names:
``cards_refill`` is the live instance's (``405_error_investigation``, the
source of reference §2.3's refill-card sizes); ``customers_online``,
``customers_statistics`` and ``bank_statements`` are ours, after Splynx's
``customers_*`` and the endpoint's names. IP addresses are kept as text
(``10.0.0.1``), the form the blueprint answers.
"""

from __future__ import annotations

from collections.abc import Iterator

from migrator.sim.splynx.columns import CURRENT_TIMESTAMP, Column
from migrator.sim.splynx.table_layout import Table

__all__ = ["dashboard_tables"]

FLAG = "enum('0','1')"
MONEY = "decimal(19,4)"
ID = "int unsigned"
COUNTER = "bigint unsigned"


def C(name: str, sql_type: str, default: str | None = None, *, null: bool = False) -> Column:
    return Column(name, sql_type, null, default)


def _key() -> Column:
    return Column("id", ID, False, None, True)


def _session_columns() -> tuple[Column, ...]:
    """What a RADIUS session of a service has, online or finished."""
    return (
        C("customer_id", ID),
        C("service_id", ID, "0"),
        C("tariff_id", ID, "0"),
        C("partner_id", ID, "0"),
        C("nas_id", ID, "0"),
        C("login", "varchar(128)", ""),
        C("in_bytes", COUNTER, "0"),
        C("out_bytes", COUNTER, "0"),
        C("ipv4", "varchar(15)", ""),
        C("ipv6", "varchar(64)", ""),
        C("mac", "varchar(255)", ""),
        C("call_to", "varchar(64)", ""),
        C("port", "varchar(64)", ""),
        C("price", MONEY, "0.0000"),
        C("session_id", "varchar(64)", ""),
    )


def dashboard_tables() -> Iterator[Table]:
    by_customer = (("customer_id",),)
    yield Table(
        "customers_online",
        (
            _key(),
            *_session_columns(),
            C("username_real", "varchar(128)", ""),
            C("start_session", "datetime", "0000-00-00 00:00:00"),
            C("ipv6_prefix", "varchar(64)", ""),
            C("time_on", ID, "0"),
            C("last_change", "datetime", CURRENT_TIMESTAMP),
            C("type", "varchar(32)", ""),
            C("login_is", "varchar(32)", "user"),
            C("blocked", FLAG, "0"),
            C("nas_identifier", "varchar(64)", ""),
        ),
        indexes=by_customer,
    )
    yield Table(
        "customers_statistics",
        (
            _key(),
            *_session_columns(),
            C("start_date", "date", "0000-00-00"),
            C("start_time", "time", "00:00:00"),
            C("end_date", "date", "0000-00-00"),
            C("end_time", "time", "00:00:00"),
            C("error", "tinyint unsigned", "0"),
            C("error_repeat", "tinyint unsigned", "0"),
            C("terminate_cause", "varchar(64)", "0"),
        ),
        indexes=by_customer,
    )
    yield from _finance_tables()


def _finance_tables() -> Iterator[Table]:
    yield Table(
        "bank_statements",
        (
            _key(),
            C("date_time", "datetime", CURRENT_TIMESTAMP),
            C("title", "varchar(255)", ""),
            C("handler", "varchar(64)", ""),
            C("payment_type", ID, "0"),
            C("status", "enum('new','fail','success')", "new"),
            C("filename_original", "varchar(255)", ""),
            C("filename_uploaded", "varchar(255)", ""),
            C("filename_parsed", "varchar(255)", ""),
            C("delimiter", "varchar(32)", ""),
            C("records", ID, "0"),
            C("processed", ID, "0"),
            C("errors", ID, "0"),
            C("new", ID, "0"),
            C("canceled", ID, "0"),
            C("ignored", ID, "0"),
            C("manual_paired", ID, "0"),
            C("pending", ID, "0"),
            C("deleted", FLAG, "0"),
        ),
    )
    yield Table(
        "cards_refill",
        (
            _key(),
            C("type", "varchar(32)", "card"),
            C("status", "varchar(32)", "new"),
            C("price", MONEY, "0.0000"),
            C("partner_id", ID, "0"),
            C("prefix", "varchar(32)"),
            C("code", "varchar(64)", ""),
            C("seller_name", "varchar(255)", ""),
            C("remark", "varchar(255)", ""),
            C("activated_at", "datetime", null=True),
            C("customer_id", ID, "0"),
            C("valid_till", "date", "0000-00-00"),
            C("serie", "varchar(32)", ""),
            C("quantity", ID, "1"),
            C("created_at", "datetime", CURRENT_TIMESTAMP),
            C("changed", "datetime", null=True),
            C("is_import", FLAG, "0"),
            C("deleted", FLAG, "0"),
        ),
    )
