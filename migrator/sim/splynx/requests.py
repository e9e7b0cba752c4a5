"""Reading a request the way PHP and Yii2 read it: bodies, query strings, permissions.

Bodies: ``application/json`` is parsed by Yii2's JsonParser, so malformed JSON
answers 400 ``BAD_REQUEST`` "Invalid JSON data in request body: Syntax
error." (PHP's ``json_last_error_msg``); a JSON value that is not an object
answers 400 too (assumption). ``multipart/form-data`` (the blueprint's
encoding for tickets) and urlencoded forms are read with PHP's bracket rules.
An empty body is an empty object.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from aiohttp import web

from migrator.sim.splynx.errors import SplynxError
from migrator.sim.splynx.query import parse_php_pairs

__all__ = ["ACTIONS", "Permissions", "read_body"]

_FORMS = {"multipart/form-data", "application/x-www-form-urlencoded"}

# Splynx permission actions of an API key, and the verbs each one covers.
ACTIONS = {
    "view": {"GET", "HEAD", "OPTIONS"},
    "add": {"POST"},
    "update": {"PUT"},
    "delete": {"DELETE"},
}


def _invalid_json(reason: str) -> SplynxError:
    return SplynxError(400, f"Invalid JSON data in request body: {reason}", "BAD_REQUEST")


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


async def read_body(request: web.Request) -> dict[str, Any]:
    """The request's attributes as a dict (nested for bracketed form fields)."""
    if request.content_type in _FORMS:
        form = await request.post()
        pairs = [(k, v) for k, v in form.items() if isinstance(v, str)]
        files = [k for k, v in form.items() if not isinstance(v, str)]
        return parse_php_pairs([*pairs, *((k, "uploaded-file") for k in files)])
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid_json("Malformed UTF-8 characters, possibly incorrectly encoded.") from None
    try:
        body = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise _invalid_json("Syntax error.") from None
    if body == []:
        return {}
    if not isinstance(body, dict):
        raise _invalid_json("an object of attributes is expected.")
    return body


class Permissions:
    """What the API key may not do (``--deny NAME`` or ``--deny NAME:add,update``)."""

    def __init__(self, denies: Iterable[str], known: Iterable[str]) -> None:
        names = set(known)
        self._denied: dict[str, set[str]] = {}
        for entry in denies:
            name, _, actions = entry.partition(":")
            if name not in names:
                raise ValueError(
                    f"--deny {entry!r}: no such endpoint; one of: {', '.join(sorted(names))}"
                )
            chosen = [a.strip() for a in actions.split(",")] if actions else list(ACTIONS)
            unknown = [a for a in chosen if a not in ACTIONS]
            if unknown:
                raise ValueError(f"--deny {entry!r}: actions are {', '.join(ACTIONS)}")
            verbs = self._denied.setdefault(name, set())
            for action in chosen:
                verbs |= ACTIONS[action]

    def check(self, name: str, method: str) -> None:
        """403 FORBIDDEN if the key lacks the permission for this verb on this endpoint."""
        if method in self._denied.get(name, ()):
            raise SplynxError(403, "You are not allowed to perform this action.", "FORBIDDEN")
