"""The verify report on a terminal: one table of counts, then each difference named.

Every record that makes an entity differ is shown with what an operator
needs to find it (entity, Sonar id, Splynx id, field, both values), up to
``shown`` per list; the JSON report (``--json``) always has them all.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from migrator.verify.report import EntityReport, VerifyReport

__all__ = ["render", "verdict"]


def _counts(report: VerifyReport) -> Table:
    table = Table(
        title="verify: Sonar / Splynx / state (created+adopted+existing, rejected)",
        title_justify="left",
    )
    table.add_column("entity", no_wrap=True)
    for column in ("sonar", "splynx", "state", "rejected", "compared", "missing", "extra"):
        table.add_column(column, justify="right")
    table.add_column("fields", justify="right")
    table.add_column("")
    for e in report.entities:
        mapped = e.state.created + e.state.adopted + e.state.existing
        table.add_row(
            e.entity, f"{e.sonar:,}", f"{e.splynx:,}", f"{mapped:,}", f"{e.state.rejected:,}",
            f"{e.compared:,}", f"{len(e.missing):,}", f"{len(e.extra) + len(e.duplicates):,}",
            f"{len(e.differences):,}", "[green]equal[/]" if e.equal else "[red]differs[/]",
        )  # fmt: skip
    return table


def _lines(entity: EntityReport) -> Iterator[str]:
    for m in entity.missing:
        why = f" ({m.reason})" if m.reason else ""
        yield f"{entity.entity} sonar {m.sonar_id}: missing from Splynx{why}"
    for x in entity.extra:
        yield f"{entity.entity} splynx {x.splynx_id} ({x.marker}): ours, but no Sonar record"
    for x in entity.duplicates:
        yield f"{entity.entity} splynx {x.splynx_id} ({x.marker}): marker on several records"
    for d in entity.differences:
        yield (
            f"{entity.entity} sonar {d.sonar_id} / splynx {d.splynx_id}: {d.field}: "
            f"Sonar gives {d.sonar!r}, Splynx has {d.splynx!r}"
        )


def render(report: VerifyReport, shown: int = 20) -> RenderableType:
    """The counts table, then up to ``shown`` named differences per entity."""
    parts: list[RenderableType] = [_counts(report)]
    for entity in report.entities:
        lines = list(_lines(entity))
        parts.extend(Text(line) for line in lines[:shown])
        if len(lines) > shown:
            parts.append(Text(f"... and {len(lines) - shown:,} more (--json lists all)"))
    if report.balances is not None:
        parts.extend(Text(line) for line in _balance_lines(report.balances))
    parts.append(Text(verdict(report), style="bold green" if report.equal else "bold red"))
    return Group(*parts)


def _balance_lines(balances: dict[str, object]) -> Iterator[str]:
    different = balances.get("different") or []
    assert isinstance(different, list)
    for d in different:
        yield (
            f"balance of account {d['account_id']} (customer {d['customer_id']}): "
            f"Sonar {d['sonar']}, Splynx {d['splynx'] or 'no billing record'}"
        )
    yield f"balances: {balances.get('equal')} of {balances.get('checked')} equal to the cent"


def verdict(report: VerifyReport) -> str:
    """One line: equal, or how many records differ where."""
    if report.equal:
        scope = "every record" if report.sample is None else f"a sample of {report.sample:,}"
        return f"equal: counts agree and {scope} per entity matched field by field"
    bad = [e.entity for e in report.entities if not e.equal]
    if report.balances and report.balances.get("different"):
        bad.append("balances")
    return f"differs: {', '.join(bad)}"
