"""The run's sink factory, answered with where each entity's records go instead of sinks.

``build_specs`` wires every entity with a sink made by the factory it is
given; verify hands it ``Targets``, which records, per Splynx endpoint, the
``body`` that turns a transform's payload into what the run sends. A
``Target`` writes nothing: every write method refuses loudly, so a wiring
slip could never make verify change Splynx.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from migrator.errors import ConfigError
from migrator.pipeline.entities import Delivered
from migrator.splynx.payloads import SplynxPayload

__all__ = ["Target", "Targets"]


def _itself(payload: Any) -> SplynxPayload:
    assert isinstance(payload, SplynxPayload)
    return payload


class Target:
    """One Splynx endpoint as verify sees it: the body of a payload, and no write."""

    def __init__(self, endpoint: str, body: Callable[[Any], SplynxPayload]) -> None:
        self.endpoint = endpoint
        self.body = body

    async def deliver(self, payload: Any, *, verify: bool) -> Delivered:
        raise ConfigError(f"verify never writes ({self.endpoint})")

    async def link(self, splynx_id: int, field: str, target_id: int) -> None:
        raise ConfigError(f"verify never writes ({self.endpoint})")

    async def occupied(self) -> bool:
        return False


class Targets:
    """A ``SinkFactory`` stand-in for ``build_specs``: one ``Target`` per entity."""

    def __call__(
        self,
        name: str,
        *,
        natural_key: bool = False,
        body: Callable[[Any], SplynxPayload] = _itself,
        after: Any = None,
        link_fields: Mapping[str, str] | None = None,
        also_by: Any = (),
    ) -> Target:
        return Target(name, body)
