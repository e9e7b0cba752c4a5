"""Partners, locations and administrators (Administration group of the blueprint).

``partners`` and ``locations`` tables were not dumped, so their name lengths are
unknown and not limited here; ``admins`` sizes come from splynx_tables.json.
"""

from __future__ import annotations

from typing import Literal

from migrator.splynx.payloads.base import Id, Secret512, SplynxPayload, Str32, Str64, Str256

__all__ = ["Administrator", "Location", "Partner"]


class Partner(SplynxPayload):
    """``POST admin/administration/partners`` (live OPTIONS: ``name`` required)."""

    name: str


class Location(SplynxPayload):
    """``POST admin/administration/locations``."""

    name: str


class Administrator(SplynxPayload):
    """``POST admin/administration/administrators``; ``password`` is required on create."""

    login: Str64
    name: Str64
    email: Str64  # OPTIONS types it "email"; checking the address is the transform's job
    password: Secret512  # a secret: printed as **********, sent only in the body
    partner_id: Id | None = None
    role_name: Str32 | None = None  # from Administration / Roles, e.g. "administrator"
    timeout: int | None = None
    router_access: Literal["none", "read", "write", "full"] | None = None
    phone: Str256 | None = None
