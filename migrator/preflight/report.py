"""How a pre-flight ``Report`` is shown: a rich table for people, JSON for scripts.

The table has one row per finding (check, result, what was seen and what to
fix), then Sonar's counts, then the duration estimate with its arithmetic, then
the mapping of Sonar's account statuses and types, then one line saying
whether a migration may go ahead. All text is printed as plain
text (no rich markup), since details quote paths and brackets verbatim.
"""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table
from rich.text import Text

from migrator.preflight.estimate import Estimate
from migrator.preflight.findings import Report, Status
from migrator.preflight.mapping_table import mapping_table
from migrator.preflight.plan import DEFAULT_PLAN, MigrationPlan

__all__ = ["print_report", "report_json"]

_STYLE = {Status.OK: "green", Status.WARNING: "yellow", Status.BLOCKER: "bold red"}
_LABEL = {Status.OK: "ok", Status.WARNING: "warning", Status.BLOCKER: "BLOCKER"}
_COLUMNS = 2  # query/records pairs side by side in the counts table


def report_json(report: Report) -> str:
    """The documented JSON document (``migrator.preflight.findings``), indented."""
    return json.dumps(report.as_json(), indent=2, ensure_ascii=False)


def _findings_table(report: Report) -> Table:
    table = Table(title="migrator check", title_justify="left", show_lines=True, expand=True)
    table.add_column("check", no_wrap=True, overflow="fold")
    table.add_column("result", no_wrap=True)
    table.add_column("detail / what to fix", ratio=1, overflow="fold")
    for finding in report.findings:
        cell = Text(finding.detail)
        if finding.fix:
            cell.append("\nfix: ", style="bold")
            cell.append(finding.fix)
        label = Text(_LABEL[finding.status], style=_STYLE[finding.status])
        table.add_row(Text(finding.check), label, cell)
    return table


def _counts_table(report: Report, plan: MigrationPlan) -> Table | None:
    counts = report.counts.sonar
    if not counts:
        return None
    read = plan.queries()
    table = Table(title="Sonar records (* read by the migration)", title_justify="left")
    for _ in range(_COLUMNS):
        table.add_column("query", no_wrap=True)
        table.add_column("records", justify="right", no_wrap=True)
    cells = [(f"{q}{' *' if q in read else ''}", f"{n:,}") for q, n in counts.items()]
    rows = -(-len(cells) // _COLUMNS)
    for row in range(rows):
        line: list[str] = []
        for column in range(_COLUMNS):
            index = column * rows + row
            line += list(cells[index]) if index < len(cells) else ["", ""]
        table.add_row(*line)
    return table


def _estimate_text(estimate: Estimate) -> Text:
    text = Text("Duration estimate\n", style="bold")
    for bound in (estimate.sonar, estimate.splynx):
        name = "Sonar reads" if bound.system == "sonar" else "Splynx writes"
        first, *rest = bound.arithmetic or [""]
        text.append(f"  {name} ({first}):\n")
        for line in rest:
            text.append(f"    {line}\n")
    text.append(f"  Estimate: {estimate.summary}\n", style="bold")
    text.append("  Assumes:\n", style="dim")
    for assumption in estimate.assumptions:
        text.append(f"    - {assumption}\n", style="dim")
    return text


def _verdict(report: Report) -> Text:
    blockers, warnings = len(report.blockers), len(report.warnings)
    if blockers:
        return Text(
            f"{blockers} blocker(s), {warnings} warning(s): fix the blockers, then run "
            "`migrator check` again",
            style="bold red",
        )
    note = f" ({warnings} warning(s) above)" if warnings else ""
    return Text(f"ready: nothing blocks a migration{note}", style="bold green")


def print_report(report: Report, console: Console, plan: MigrationPlan = DEFAULT_PLAN) -> None:
    console.print(_findings_table(report))
    counts = _counts_table(report, plan)
    if counts is not None:
        console.print(counts)
    if report.estimate is not None:
        console.print(_estimate_text(report.estimate))
    if report.mapping:
        console.print(
            mapping_table(report.mapping, "What Sonar's values become (the profile's rules)")
        )
    console.print(_verdict(report))
