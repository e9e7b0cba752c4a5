"""The rollback report: per entity what would be (or was) deleted, and what was kept and why."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from migrator.rollback.plan import ROLLBACK_ORDER, Plan
from migrator.rollback.rollback import RollbackResult

__all__ = ["render"]

_SHOWN_IDS = 5  # Splynx ids named per entity in the "would delete" table


def render(result: RollbackResult, *, applied: bool) -> RenderableType:
    plan, outcome = result.plan, result.outcome
    parts: list[RenderableType] = []
    if plan.empty and not plan.kept:
        return Text("nothing to roll back")
    if outcome is None:
        parts.append(_would(plan))
    else:
        table = Table(title="rolled back" + (" (resumed)" if plan.resumed else ""))
        for column in ("entity", "deleted", "already gone"):
            table.add_column(column, justify="left" if column == "entity" else "right")
        gone = {e: len(ids) for e, ids in plan.gone.items()}
        for entity in ROLLBACK_ORDER:
            done, missing = outcome.deleted.get(entity, 0), outcome.gone.get(entity, 0)
            missing += gone.get(entity, 0)
            if done or missing:
                table.add_row(entity, f"{done:,}", f"{missing:,}")
        parts.append(table)
        if outcome.refused:
            refused = Table(title="refused by Splynx (still planned; roll back again)")
            for column in ("entity", "splynx id", "sonar id", "answer"):
                refused.add_column(column)
            for r in outcome.refused:
                refused.add_row(r.entity, str(r.splynx_id), str(r.sonar_id), r.reason)
            parts.append(refused)
    if plan.kept:
        kept = Table(title="kept in Splynx (--force deletes those changed since the run)")
        for column in ("entity", "splynx id", "sonar id", "why"):
            kept.add_column(column)
        for k in plan.kept:
            kept.add_row(k.entity, str(k.splynx_id), str(k.sonar_id), k.reason)
        parts.append(kept)
    if outcome is None and not applied:
        parts.append(Text("nothing was deleted: add --yes to delete what is listed"))
    return Group(*parts)


def _would(plan: Plan) -> Table:
    table = Table(
        title="would delete" + (" (an interrupted rollback's plan)" if plan.resumed else "")
    )
    for column in ("entity", "records", "already gone", "splynx ids"):
        table.add_column(
            column, justify="right" if column in ("records", "already gone") else "left"
        )
    for entity in ROLLBACK_ORDER:
        rows, gone = plan.deletes.get(entity, []), plan.gone.get(entity, [])
        if not rows and not gone:
            continue
        ids = ", ".join(str(r.splynx_id) for r in rows[:_SHOWN_IDS])
        more = f" (+{len(rows) - _SHOWN_IDS:,} more)" if len(rows) > _SHOWN_IDS else ""
        table.add_row(entity, f"{len(rows):,}", f"{len(gone):,}", ids + more)
    return table
