"""``admin/config/additional-fields``: defining additional fields (blueprint L8553-L8698).

- ``POST admin/config/additional-fields/{module}`` with an ``Additional Field
  Base`` body (``name``, ``title``, ``type``, ``is_required``, ``is_unique``,
  ``is_add``, ``show_in_list``, ``searchable``, ``readonly``, ``disabled``
  required; flags 0 or 1) creates one: 201 ``{"name": ...}``. A blank required
  attribute or a name already taken in the module is a 422 with per-field
  messages, as every Splynx model answers.
- ``GET admin/config/additional-fields/{module}`` lists the module's fields
  (200, an array of ``Additional Field Base``). The live server answered 400 to
  ``GET admin/config/additional-fields/customers?limit=5`` (reference §2.1), so
  a listing with search parameters is answered 400 here too.
- ``GET / PUT / DELETE admin/config/additional-fields/{module}--{name}``: one
  field (200), a change of its title or flags (202), its removal (204).

Once defined, a field is listed by the module's OPTIONS answer, accepted in
bodies and searchable (``additional.AdditionalFields`` is read live).

ASSUMPTIONS: the simulator keeps values for the modules of
``tables_inferred.AF_MODULES`` only, and of the blueprint's types the scalar
ones (string, integer, decimal, date, datetime, boolean); another module or
type is refused with a 422 naming it. ``readonly`` is kept and shown but, as in
Splynx's UI where it means "not editable in the form", does not stop API writes.
The permission is the key's "Config / Additional fields" (``--deny
admin/config/additional-fields``).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError

from migrator.sim.splynx.additional import AdditionalField, AdditionalFields
from migrator.sim.splynx.errors import (
    FieldProblem,
    SplynxError,
    ValidationFailed,
    json_response,
    not_allowed,
)
from migrator.sim.splynx.requests import read_body
from migrator.sim.splynx.tables_inferred import AF_MODULES

__all__ = ["FIELDS_PATH", "FieldDefinitions"]

FIELDS_PATH = "admin/config/additional-fields"
_REQUIRED = (
    "name",
    "title",
    "type",
    "is_required",
    "is_unique",
    "is_add",
    "show_in_list",
    "searchable",
    "readonly",
    "disabled",
)
_FLAGS = (*_REQUIRED[3:], "hidden")
_TYPES = ("string", "integer", "decimal", "date", "datetime", "boolean")


def _not_found() -> SplynxError:
    return SplynxError(404, "Additional field not found.", "NOT_FOUND")


def _flag(name: str, value: Any) -> bool:
    if str(value).strip() in {"0", "1"} or isinstance(value, bool):
        return str(value).strip() in {"1", "True"}
    raise ValidationFailed([FieldProblem(name, f"{_label(name)} must be either 0 or 1.")])


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


class FieldDefinitions:
    """Answers the additional-field definition paths of one simulator."""

    def __init__(self, fields: AdditionalFields) -> None:
        self._fields = fields

    @staticmethod
    def serves(path: str) -> bool:
        return path.startswith(FIELDS_PATH + "/")

    async def answer(self, request: web.Request, path: str) -> web.StreamResponse:
        tail = path[len(FIELDS_PATH) + 1 :]
        module, _, name = tail.partition("--")
        if module not in AF_MODULES or "/" in tail:
            raise SplynxError(404, "Page not found.", "NOT_FOUND")
        method = request.method
        if not name:
            if method == "POST":
                return await self._create(module, await read_body(request))
            if method == "GET":
                if request.rel_url.raw_query_string:
                    raise SplynxError(400, "Bad Request.", "BAD_REQUEST")
                listed = [spec.definition() for spec in self._fields.of(module).values()]
                return json_response(listed)
            raise not_allowed("GET, POST")
        spec = self._fields.of(module).get(name)
        if spec is None:
            raise _not_found()
        if method == "GET":
            return json_response(spec.definition())
        if method == "PUT":
            self._fields.replace(_changed(spec, await read_body(request)))
            return web.Response(status=202)
        if method == "DELETE":
            self._fields.remove(module, name)
            return web.Response(status=204)
        raise not_allowed("GET, PUT, DELETE")

    async def _create(self, module: str, body: dict[str, Any]) -> web.Response:
        problems = [
            FieldProblem(key, f"{_label(key)} cannot be blank.")
            for key in _REQUIRED
            if body.get(key) is None or str(body.get(key)).strip() == ""
        ]
        kind = str(body.get("type") or "")
        if kind and kind not in _TYPES:
            problems.append(FieldProblem("type", f'Type "{kind}" is not simulated.'))
        if problems:
            raise ValidationFailed(problems)
        if str(body["name"]) in self._fields.of(module):
            message = f'Name "{body["name"]}" has already been taken.'
            raise ValidationFailed([FieldProblem("name", message)])
        spec = _spec(module, body)
        self._fields.add(spec)
        return json_response({"name": spec.name}, status=201)


def _values(body: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in ("name", "title", "type"):
        if key in body:
            values[key] = str(body[key])
    for key in _FLAGS:
        if key in body:
            values[key] = _flag(key, body[key])
    if str(body.get("max_length") or "").strip().isdigit():
        values["max_length"] = int(body["max_length"])
    return values


def _spec(module: str, body: dict[str, Any]) -> AdditionalField:
    try:
        return AdditionalField(module=module, **_values(body))
    except ValidationError as exc:
        error = exc.errors()[0]
        where = str(error["loc"][0]) if error["loc"] else "name"
        raise ValidationFailed([FieldProblem(where, f"{_label(where)} is invalid.")]) from None


def _changed(spec: AdditionalField, body: dict[str, Any]) -> AdditionalField:
    changes = {k: v for k, v in _values(body).items() if k not in {"name", "type"}}
    return spec.model_copy(update=changes)
