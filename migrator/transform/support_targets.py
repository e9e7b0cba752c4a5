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

__all__ = ["SupportTargets", "group_title"]


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
