"""The Splynx ticket statuses, groups and type that Sonar's tickets go to, by id.

Splynx's API cannot create them, so the profile's ``[support]`` names them and
the run finds their ids by title before the first ticket (``pipeline.support``).
Plain data here: the transforms only read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from migrator.profile_rules import SupportRules
from migrator.sonar.entities import TicketStatus
from migrator.splynx.ticket_settings import TicketSettings, title_key

__all__ = ["SupportTargets", "group_title", "missing_targets", "support_targets"]


def group_title(sonar_name: str, rules: SupportRules) -> str:
    """The Splynx group title a Sonar group goes to before the default applies."""
    return rules.groups.get(sonar_name, sonar_name)


@dataclass(frozen=True)
class SupportTargets:
    """Ids in Splynx: a status per Sonar status, the ticket type, a group per Sonar group."""

    rules: SupportRules
    statuses: Mapping[TicketStatus, int]
    type_id: int
    groups: Mapping[int, int] = field(default_factory=dict)  # Sonar group id -> Splynx
    default_group: int | None = None

    def group_for(self, sonar_group: int | None) -> int | None:
        if sonar_group is None:
            return None
        return self.groups.get(sonar_group, self.default_group)


def missing_targets(rules: SupportRules, found: TicketSettings) -> list[str]:
    """What the profile names and Splynx lacks (titles compared without case)."""
    missing = [
        f"ticket status {title!r} ([support.status] {status})"
        for status, title in rules.status.items()
        if title_key(title) not in found.statuses
    ]
    if title_key(rules.type) not in found.types:
        missing.append(f"ticket type {rules.type!r} ([support] type)")
    if rules.default_group is not None and title_key(rules.default_group) not in found.groups:
        missing.append(f"ticket group {rules.default_group!r} ([support] default_group)")
    return missing


def support_targets(
    rules: SupportRules, found: TicketSettings, sonar_groups: Mapping[int, str]
) -> SupportTargets:
    """The ids of what the profile names (``missing_targets`` must be empty)."""
    titles = {
        sonar_id: title_key(group_title(name, rules)) for sonar_id, name in sonar_groups.items()
    }
    default = rules.default_group
    return SupportTargets(
        rules,
        {status: found.statuses[title_key(title)] for status, title in rules.status.items()},
        found.types[title_key(rules.type)],
        {sonar_id: found.groups[t] for sonar_id, t in titles.items() if t in found.groups},
        None if default is None else found.groups[title_key(default)],
    )
