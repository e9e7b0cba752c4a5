"""Companies → partners, and the default location (Splynx's Administration records).

Partners and locations are matched by name: a Splynx partner or location that
already has the name is used as it is, otherwise it is created.
"""

from __future__ import annotations

from migrator.errors import FieldError, Rejected
from migrator.records import Cleaned, Resolved
from migrator.sonar.entities import Company
from migrator.splynx.payloads import Location, Partner
from migrator.transform.cleaning import Notes, name_text

__all__ = ["location", "partner"]

# The partners table was not dumped (splynx/payloads/administration.py): a name is kept
# as short as a tariff title, which any sane column holds.
NAME_LIMIT = 128


def partner(company: Company, resolved: Resolved) -> Cleaned[Partner]:
    notes = Notes()
    name = name_text(company.name, "name", NAME_LIMIT, True, notes)
    if not name:
        raise Rejected("the company has no name", [FieldError("name", "empty")])
    return Cleaned(Partner(name=name), tuple(notes.lines))


def location(name: str, resolved: Resolved) -> Cleaned[Location]:
    return Cleaned(Location(name=name))
