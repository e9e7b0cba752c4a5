"""Values an endpoint fills in from the request itself: today, now, who is asking.

Named as defaults in the endpoint descriptions (``served_endpoints.py``,
``finance_support_endpoints.py``) and called with each request's ``Context``.
"""

from __future__ import annotations

from migrator.sim.splynx.clock import sql_date, sql_datetime
from migrator.sim.splynx.resources import Context

__all__ = ["added_by", "key_id", "now", "today"]


def today(ctx: Context) -> str:
    return sql_date(ctx.now)


def now(ctx: Context) -> str:
    return sql_datetime(ctx.now)


def key_id(ctx: Context) -> int:
    return ctx.api_key_id


def added_by(ctx: Context) -> str:
    """``api`` for an API key, ``admin`` for an administrator's token (reference §2.7)."""
    return ctx.added_by
