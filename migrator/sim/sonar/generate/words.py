"""The vocabulary generated records are made of, including the awkward part.

Real ISP data is mostly plain and partly nasty: accented, right-to-left and
CJK names, emoji in business names, names longer than any column, stray
spaces and quotes, shouting capitals. ``NameStyle`` lists those kinds; the
generator gives a small seeded share of accounts one of them.
"""

from __future__ import annotations

from enum import IntEnum

from migrator.sim.sonar.draw import Draw

__all__ = [
    "BUSINESS_WORDS",
    "CITIES",
    "FIRST_NAMES",
    "LAST_NAMES",
    "STREETS",
    "NameStyle",
    "ascii_slug",
    "business_name",
    "person_name",
    "styled_name",
]

FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Carlos", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty",
    "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Andrew", "Emily", "Paul",
    "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Melissa",
    "Maria", "Deborah", "Luis", "Stephanie", "Jose", "Rebecca", "Tyler", "Laura", "Aaron",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker",
)  # fmt: skip
BUSINESS_WORDS = (
    ("Lone Star", "Hill Country", "Riverside", "Blue Bonnet", "Pecan Grove", "Mesa", "Prairie",
     "Cedar Creek", "Red Oak", "Canyon", "Frontier", "Summit", "Bluebird", "Trinity"),
    ("Plumbing", "Dental", "Feed & Supply", "Auto Repair", "Veterinary Clinic", "Realty",
     "Coffee Co.", "Bakery", "Church", "Insurance", "Farms", "Storage", "Law Office", "Motel"),
    ("LLC", "Inc.", "", "Co.", "Ltd.", "PLLC", ""),
)  # fmt: skip
STREETS = (
    "Main", "Oak", "Pecan", "Elm", "Ranch Road", "County Road 12", "Mesquite", "Cedar",
    "Bluebonnet", "Hillcrest", "Live Oak", "Willow", "FM 1431", "Sunset", "River",
)  # fmt: skip
# (city, subdivision, county, zip prefix, latitude, longitude)
CITIES = (
    ("Austin", "US_TX", "COUNTY_48453", "787", 30.2672, -97.7431),
    ("Round Rock", "US_TX", "COUNTY_48491", "786", 30.5083, -97.6789),
    ("San Marcos", "US_TX", "COUNTY_48209", "786", 29.8833, -97.9414),
    ("New Braunfels", "US_TX", "COUNTY_48091", "781", 29.7030, -98.1245),
    ("Dripping Springs", "US_TX", "COUNTY_48209", "786", 30.1902, -98.0867),
    ("Bastrop", "US_TX", "COUNTY_48021", "786", 30.1105, -97.3153),
    ("Lockhart", "US_TX", "COUNTY_48055", "786", 29.8849, -97.6700),
    ("Marble Falls", "US_TX", "COUNTY_48053", "786", 30.5782, -98.2728),
    ("Ardmore", "US_OK", "COUNTY_40019", "734", 34.1743, -97.1436),
)

_ACCENTED = ("José Núñez", "Zoë Müller", "François Lefèvre", "Chloé Brontë", "Søren Ærø",
             "Ñandú Peña", "Łukasz Żółć", "Dvořák Antonín")  # fmt: skip
_EMOJI = ("Pizza Palace 🍕", "Sarah ❤️ Tom", "🚀 Rocket Realty", "Tacos 🌮🌮 & More",
          "The Ranch 🤠", "Café ☕ Luna")  # fmt: skip
_RTL = ("محمد العلي", "שרה כהן", "فاطمة الزهراء", "דוד לוי", "مطعم الأرز Lebanese Grill")
_CJK = ("王伟", "佐藤 健", "김민준", "李娜 (Lina)", "陳家豪")
_PUNCTUATED = ('  O\'Brien & Sons, Inc.  ', '"Bob" Smith', "Smith\tJones", "D'Angelo  Ruiz",
               "Ann-Marie O'Neil-Smith", "<b>Bold</b> Co", "Robert'); DROP TABLE--")  # fmt: skip


class NameStyle(IntEnum):
    """How an account's name is spelled; everything above PLAIN is the messy share."""

    PLAIN = 0
    ACCENTED = 1
    EMOJI = 2
    RTL = 3
    CJK = 4
    LONG = 5
    PUNCTUATED = 6
    CAPITALS = 7


def person_name(draw: Draw) -> str:
    return f"{draw.pick(FIRST_NAMES)} {draw.pick(LAST_NAMES)}"


def business_name(draw: Draw) -> str:
    first, kind, suffix = (draw.pick(words) for words in BUSINESS_WORDS)
    return f"{first} {kind} {suffix}".strip()


def styled_name(style: NameStyle, draw: Draw, business: bool) -> str:
    """A name in ``style``; plain names are a person's or a business's."""
    plain = business_name(draw) if business else person_name(draw)
    if style is NameStyle.ACCENTED:
        return draw.pick(_ACCENTED)
    if style is NameStyle.EMOJI:
        return draw.pick(_EMOJI)
    if style is NameStyle.RTL:
        return draw.pick(_RTL)
    if style is NameStyle.CJK:
        return draw.pick(_CJK)
    if style is NameStyle.LONG:
        return (plain + " Holdings and Regional Operations Partnership ") * 8 + plain
    if style is NameStyle.PUNCTUATED:
        return draw.pick(_PUNCTUATED)
    if style is NameStyle.CAPITALS:
        return plain.upper()
    return plain


def ascii_slug(name: str, fallback: str) -> str:
    """A lower-case ASCII local part for an e-mail address made from a name."""
    kept = "".join(c if c.isascii() and c.isalnum() else "." for c in name.lower())
    slug = ".".join(part for part in kept.split(".") if part)[:40]
    return slug or fallback
