"""Notes on accounts → customer comments, each titled with its Sonar id (the marker)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from migrator.errors import FieldError, Rejected
from migrator.profile_rules import CleanupRules, NoteRules
from migrator.records import Cleaned, ParentRef, Resolved
from migrator.sonar.entities import Note
from migrator.splynx.payloads import CustomerNote
from migrator.transform.cleaning import Notes, long_text
from migrator.transform.dates import splynx_datetime

__all__ = ["COMMENT_LIMIT", "comment_from_note", "note_marker", "note_parents"]

# customer_notes.comment is a MySQL TEXT: 65,535 bytes, so 16,383 characters of
# four-byte UTF-8 for certain; longer notes are cut (noted) or rejected.
COMMENT_LIMIT = 16_383
_CLASS = {"NORMAL": "default", "STICKY": "warning", "STICKY_WITH_CONFIRMATION": "danger"}


def note_marker(note_id: int) -> str:
    return f"sonar:note:{note_id}"


def note_parents(note: Note) -> list[ParentRef]:
    return [ParentRef("customers", note.noteable_id, "noteable_id")]


def comment_from_note(
    note: Note, resolved: Resolved, *, rules: NoteRules, cleanup: CleanupRules, zone: ZoneInfo
) -> Cleaned[CustomerNote]:
    notes = Notes()
    comment = long_text(note.message, "message", COMMENT_LIMIT, cleanup.truncate, notes)
    if not comment:
        raise Rejected("the note is empty", [FieldError("message", "empty")])
    sticky = note.priority != "NORMAL"
    payload = CustomerNote.model_validate(
        {
            "customer_id": resolved.parents["noteable_id"],
            "comment": comment,
            "title": note_marker(note.id),
            "datetime": splynx_datetime(note.created_at, zone),
            "type": rules.type,
            "class": _CLASS.get(note.priority, "default"),  # a Python keyword: set by alias
            "is_pinned": "1" if sticky else None,
        }
    )
    return Cleaned(payload, tuple(notes.lines))
