"""The transform's per-field rules against the Splynx simulator's validation, value by value.

The two are written apart on purpose (no shared code): the simulator is the
oracle for what Splynx refuses, the transform must never send it a value it
refuses, and must keep every value it takes as it is. One table of tricky
values goes to both: each value is POSTed as a customer's field over HTTP, and
the transform's rule runs on it; the two verdicts must agree.
"""

from __future__ import annotations

import pytest

from migrator.errors import Rejected
from migrator.transform.cleaning import Notes, clean_email, gps_point, name_text
from tests.support.splynx_sim import RunningSim, running

CUSTOMERS = "admin/customers/customer"
BASE = {"name": "Ann Example", "partner_id": 1, "location_id": 1}

LONG_LOCAL = "l" * 65
# (raw contact email, what the transform must put in Splynx's email field, or None)
EMAILS: list[tuple[str, str | None]] = [
    ("ann@example.com", "ann@example.com"),
    ("ANN@EXAMPLE.COM", "ANN@EXAMPLE.COM"),  # case is kept
    ("ann+billing@example.com", "ann+billing@example.com"),  # plus-addressing
    ("o'brien@example.ie", "o'brien@example.ie"),
    ("a.b.c@sub.example.co.uk", "a.b.c@sub.example.co.uk"),
    ("x@example.museum", "x@example.museum"),
    ("  ann@example.com \t", "ann@example.com"),  # trimmed
    ("ann@example.com, bob@example.org", "ann@example.com, bob@example.org"),  # Splynx takes both
    ("ann@example.com;bob@example.org", "ann@example.com"),  # ";" it does not: the first
    ("not-an-email; bob@example.org", "bob@example.org"),
    ("josé@example.com", None),  # non-ASCII local part
    ("ann@bücher.de", "ann@xn--bcher-kva.de"),  # IDN domain: its ASCII form
    ("josé@bücher.de", None),
    ("a..b@x.com", None),  # consecutive dots
    (".ann@example.com", None),  # leading dot
    ("ann.@example.com", None),  # trailing dot in the local part
    ("ann@example.com.", None),  # trailing dot in the domain
    ("ann@.example.com", None),
    ("a@b_c.com", None),  # underscore in the domain
    ("ann@-example.com", None),  # hyphen at a label's start
    ("ann@example", None),  # a single label
    ('"ann smith"@example.com', None),  # quoted local part
    ("Ann <ann@example.com>", None),  # a display name
    ("ann smith@example.com", None),  # inner whitespace
    ("ann@@example.com", None),
    ("ann@exa mple.com", None),
    (f"{LONG_LOCAL}@example.com", None),  # local part over 64
    ("l" * 64 + "@example.com", "l" * 64 + "@example.com"),
    ("u@" + ".".join(["d" * 60] * 4) + "dddddd.com", None),  # 255: over 254 in all
    ("u@" + ".".join(["d" * 60] * 4) + "ddddd.com", "u@" + ".".join(["d" * 60] * 4) + "ddddd.com"),
    ("ann@[192.168.0.1]", None),
    ("\ud800ann@example.com", None),  # a lone surrogate
]


async def splynx_takes(sim: RunningSim, field: str, value: str) -> bool:
    answer = await sim.client.post(CUSTOMERS, json={**BASE, field: value})
    if answer.status_code == 201:
        return True
    assert answer.status_code == 422, answer.text
    assert {p["field"] for p in answer.json()} == {field}, answer.text
    return False


async def test_the_email_rule_keeps_exactly_what_splynx_takes() -> None:
    async with running() as sim:
        for raw, expected in EMAILS:
            notes = Notes()
            kept = clean_email(raw, "email", notes, limit=256)
            assert kept == expected, raw
            trimmed = raw.strip()
            if "\ud800" not in trimmed:  # JSON cannot carry a lone surrogate to Splynx
                # Whatever Splynx takes as written is kept as written ...
                assert (kept == trimmed) == await splynx_takes(sim, "email", trimmed), raw
            # ... whatever the transform sends, Splynx takes; what it changes or drops is noted
            if kept is not None:
                assert await splynx_takes(sim, "email", kept), raw
                assert await splynx_takes(sim, "billing_email", kept), raw
            assert bool(notes.lines) == (kept != trimmed), raw


# (latitude, longitude, what the transform puts in Splynx's gps field, or None)
POINTS: list[tuple[float, float, str | None]] = [
    (30.267153, -97.743057, "30.267153,-97.743057"),
    (0.00001, -0.000001, "0.00001,-0.000001"),  # never 1e-05
    (90.0, 180.0, "90,180"),
    (-90.0, -180.0, "-90,-180"),
    (0.0, 0.0, "0,0"),
    (90.000001, 10.0, None),
    (-91.0, 10.0, None),
    (45.0, 180.5, None),
    (45.0, -361.0, None),
]


@pytest.mark.parametrize(("lat", "lng", "expected"), POINTS)
async def test_the_gps_rule_sends_only_points_splynx_takes(
    lat: float, lng: float, expected: str | None
) -> None:
    async with running() as sim:
        notes = Notes()
        kept = gps_point(lat, lng, notes)
        assert kept == expected
        assert await splynx_takes(sim, "gps", f"{lat:f},{lng:f}") == (kept is not None)
        if kept is not None:
            assert await splynx_takes(sim, "gps", kept)
        assert bool(notes.lines) == (kept is None)


PHONES: list[tuple[str, str | None]] = [
    ("(512) 555-0100", "(512) 555-0100"),
    ("+1 512 555 0100 x12", "+1 512 555 0100 x12"),
    ("555-CALL-NOW", "555-CALL-NOW"),  # letters: Splynx's phone is free text
    ("  512   555 0100 ", "512 555 0100"),
    ("5" * 300, "5" * 256),  # cut to the column, noted
    ("٠١٢٣٤٥٦٧٨٩", "٠١٢٣٤٥٦٧٨٩"),
]


async def test_the_phone_rule_sends_only_values_splynx_takes() -> None:
    async with running() as sim:
        for raw, expected in PHONES:
            kept = name_text(raw, "phone", 256, True, Notes())
            assert kept == expected, raw
            assert kept is not None
            assert await splynx_takes(sim, "phone", kept), raw
            too_long = len(raw) > 256
            assert await splynx_takes(sim, "phone", raw.strip()) != too_long, raw


def test_drop_or_reject_is_the_profiles_choice() -> None:
    assert clean_email("a..b@x.com", "email", Notes()) is None
    with pytest.raises(Rejected) as caught:
        clean_email("a..b@x.com", "email", Notes(), drop=False)
    assert caught.value.field == "email"
    with pytest.raises(Rejected):
        gps_point(95.0, 0.0, Notes(), drop=False)
