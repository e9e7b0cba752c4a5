"""One-line texts: whitespace of any kind separates words; other controls go."""

from __future__ import annotations

import pytest

from migrator.transform.cleaning import Notes, name_text


@pytest.mark.parametrize(
    ("raw", "kept", "noted"),
    [
        ("512\t555 0100", "512 555 0100", True),  # a tab between words is a space
        ("Main St\r\nSuite 4", "Main St Suite 4", True),  # so are line breaks
        ("Ad\x00a\x07 Lovelace", "Ada Lovelace", True),  # other controls are removed
        ("  Ada   Lovelace ", "Ada Lovelace", True),
        ("Ada Lovelace", "Ada Lovelace", False),
        ("\t\n", None, False),  # only whitespace: nothing to keep, nothing lost
    ],
)
def test_name_text_collapses_whitespace_and_drops_controls(
    raw: str, kept: str | None, noted: bool
) -> None:
    notes = Notes()
    assert name_text(raw, "phone", 64, True, notes) == kept
    assert bool(notes.lines) is noted
