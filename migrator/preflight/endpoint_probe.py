"""Per Splynx endpoint the run writes: may the key use it, is the marker field there, is it empty?

- Access: ``OPTIONS`` on the endpoint. Splynx checks the key's permission
  first, so a 403 (or a 405: method disabled, or another partner's object)
  means the key lacks it. OPTIONS proves the *view* right; the *add* / *update*
  right the run also needs can only be proven by writing, which a pre-flight
  must not do, so the finding names it for the operator to confirm.
- Marker: where the endpoint marks records with an additional field
  (``Marker(..., additional=True)``), OPTIONS' ``additional_attributes`` must
  list it, searchable (the run looks records up by it) and ideally unique.
- Data: ``HEAD`` counts. More than a fresh install holds is a warning, not a
  blocker: records carrying a marker are adopted rather than duplicated, but a
  rehearsal normally starts empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio

from migrator.errors import MigratorError, PermissionDenied
from migrator.preflight.explain import explain, what_happened
from migrator.preflight.findings import Finding
from migrator.preflight.plan import FRESH_INSTALL, MigrationPlan
from migrator.splynx.client import SplynxClient
from migrator.splynx.endpoints import Endpoint
from migrator.splynx.query import Search, where
from migrator.splynx.records import AttributeInfo, EntityOptions

__all__ = ["EndpointsResult", "needed_permissions", "probe_endpoints"]

CONCURRENT = 4  # requests in flight: enough to be quick, few enough to be polite
GRANT = "Splynx: Administration > Main > API keys > Permissions"


@dataclass
class EndpointsResult:
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def needed_permissions(target: Endpoint) -> tuple[str, str]:
    """The view right (look-ups) and the write right (create, or update) the run needs."""
    write = "POST" if "POST" in target.verbs else "PUT"
    return target.permission_for("GET"), target.permission_for(write)


def _count_search(target: Endpoint) -> Search | None:
    """A search across all customers needs a condition (Splynx refuses a bare one)."""
    return Search(main={"id": where(">", 0)}) if target.search_path else None


async def _gather(
    client: SplynxClient, endpoints: list[Endpoint]
) -> tuple[dict[str, EntityOptions | MigratorError], dict[str, int | MigratorError]]:
    options: dict[str, EntityOptions | MigratorError] = {}
    counts: dict[str, int | MigratorError] = {}
    slots = anyio.CapacityLimiter(CONCURRENT)

    async def one(target: Endpoint) -> None:
        async with slots:
            try:
                options[target.name] = await client.options(target)
            except MigratorError as exc:
                options[target.name] = exc
        if "HEAD" not in target.verbs:
            return
        async with slots:
            try:
                counts[target.name] = await client.count(target, _count_search(target))
            except MigratorError as exc:
                counts[target.name] = exc

    async with anyio.create_task_group() as group:
        for target in endpoints:
            group.start_soon(one, target)
    return options, counts


def _access(target: Endpoint, answer: EntityOptions | MigratorError) -> Finding:
    check = f"splynx.access.{target.name}"
    view, write = needed_permissions(target)
    if isinstance(answer, PermissionDenied):
        detail = f"the API key lacks '{view}': {what_happened(answer)}"
        return Finding.blocker(check, detail, f"grant the API key '{view}' and '{write}' ({GRANT})")
    if isinstance(answer, MigratorError):
        problem = explain("splynx", answer)
        return Finding.blocker(check, problem.detail, problem.fix)
    detail = f"may view {target.list_path()}; the run also needs '{write}'"
    return Finding.ok(check, detail)


def _flag(info: AttributeInfo, name: str) -> bool | None:
    """An additional field's flag as OPTIONS lists it (true/false/"1"/"0"), None if absent."""
    value = (info.model_extra or {}).get(name)
    if value is None:
        return None
    return str(value).strip().lower() in {"1", "true", "yes"}


def _create_field_fix(module: str, name: str) -> str:
    return (
        "run `migrator check --fix` (it says what it creates, then creates it through "
        f"POST admin/config/additional-fields/{module}); or create it in Splynx: Config > "
        f"Additional fields > module '{module}': name '{name}', title 'Sonar ID', type string, "
        "unique, searchable and read-only"
    )


def _marker(target: Endpoint, options: EntityOptions) -> Finding:
    assert target.marker is not None
    name, module = target.marker.field, target.table or target.name
    check = f"splynx.marker.{target.name}"
    info = next((a for a in options.additional_attributes or [] if a.name == name), None)
    if info is None:
        detail = (
            f"no additional field '{name}' on {module}: records cannot carry their Sonar id, "
            "so a resumed or repeated run could not recognise them (duplicates)"
        )
        return Finding.blocker(check, detail, _create_field_fix(module, name))
    if _flag(info, "searchable") is False:
        detail = f"additional field '{name}' on {module} is not searchable; the run looks it up"
        fix = f"Config > Additional fields > {module} > {name}: turn 'searchable' on"
        return Finding.blocker(check, detail, fix)
    if _flag(info, "is_unique") is False:
        detail = f"additional field '{name}' on {module} is not unique"
        fix = f"Config > Additional fields > {module} > {name}: turn 'unique' on (a safety net)"
        return Finding.warning(check, detail, fix)
    return Finding.ok(check, f"additional field '{name}' on {module} is present")


def _data(counts: dict[str, int]) -> Finding:
    extra = {n: c - FRESH_INSTALL.get(n, 0) for n, c in counts.items()}
    held = [f"{counts[n]:,} {n}" for n, more in extra.items() if more > 0]
    if not held:
        return Finding.ok("splynx.data", "empty: nothing beyond a fresh install's own records")
    fix = (
        "a rehearsal normally starts on an empty Splynx; after a rehearsal, restore a fresh "
        "staging copy or run `migrator rollback`. Records carrying a sonar_id are adopted, "
        "not duplicated"
    )
    return Finding.warning("splynx.data", "already holds " + ", ".join(held), fix)


async def probe_endpoints(client: SplynxClient, plan: MigrationPlan) -> EndpointsResult:
    """Access, marker field and existing data for every endpoint of ``plan``."""
    endpoints = plan.resolved()
    options, counts = await _gather(client, endpoints)
    result = EndpointsResult()
    result.findings = [_access(e, options[e.name]) for e in endpoints]
    for target in plan.marked():
        answer = options[target.name]
        if isinstance(answer, EntityOptions):
            result.findings.append(_marker(target, answer))
    ordered = [(e.name, counts[e.name]) for e in endpoints if e.name in counts]
    result.counts = {name: c for name, c in ordered if isinstance(c, int)}
    for name, failed in ordered:
        if isinstance(failed, MigratorError) and isinstance(options[name], EntityOptions):
            problem = explain("splynx", failed)
            result.findings.append(
                Finding.warning(f"splynx.count.{name}", problem.detail, problem.fix)
            )
    result.findings.append(_data(result.counts))
    return result
