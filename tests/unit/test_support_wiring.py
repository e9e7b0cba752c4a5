"""Where support records go: the one place a path is chosen (``SinkFactory``).

Through the API a ticket message has its own sink (no marker field: found by its
natural key); once the database path hands ``tables`` a writer for tickets or
messages, the same factory gives a ``TableSink`` instead, and a message then no
longer waits for the one before it (a batch keeps its rows' order itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from migrator.entity_map import mapped
from migrator.pipeline.sinks import ApiSink, SinkFactory
from migrator.pipeline.state import StateStore
from migrator.pipeline.support_sinks import TicketMessageSink
from migrator.pipeline.support_specs import stand_in_targets, support_makers
from migrator.pipeline.table_sinks import TableSink
from migrator.profile_rules import SupportRules
from migrator.sonar.extract import Extractor
from migrator.splynx.client import SplynxClient


async def _rows(payloads: Sequence[Any]) -> list[Any]:
    return []


def _specs(tables: dict[str, Any]) -> dict[str, Any]:
    store = StateStore.open(Path(":memory:"))
    client = cast(SplynxClient, object())  # never called while wiring
    factory = SinkFactory(client, store, tables)
    rules = SupportRules()
    makers = support_makers(
        rules, cast(Extractor, None), factory, ZoneInfo("UTC"), stand_in_targets(rules),
        nested_page_size=3,
    )  # fmt: skip
    return {name: make(mapped(name)) for name, make in makers.items()}


def test_the_api_path_and_the_rows_path_are_chosen_by_name() -> None:
    api = _specs({})
    assert isinstance(api["tickets"].sink, ApiSink)
    assert isinstance(api["ticket_messages"].sink, TicketMessageSink)
    assert isinstance(api["administrators"].sink, ApiSink)
    rows = _specs({"tickets": _rows, "ticket_messages": _rows})
    assert isinstance(rows["tickets"].sink, TableSink)
    assert isinstance(rows["ticket_messages"].sink, TableSink)

    # one by one, a conversation goes to one writer in order; a batch keeps its rows' order
    assert api["ticket_messages"].in_order and not rows["ticket_messages"].in_order
