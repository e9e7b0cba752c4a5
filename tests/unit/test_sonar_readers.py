"""A page's shape is checked before paging trusts it: no silent stop after page one."""

from __future__ import annotations

import pytest

from migrator.errors import ProtocolError
from migrator.sonar.readers import _batch


def page(info: dict[str, object]) -> dict[str, object]:
    return {"accounts": {"entities": [{"id": "1"}, {"id": "2"}], "page_info": info}}


def test_a_page_carries_its_total() -> None:
    assert _batch(page({"total_count": 250}), "accounts", "accounts page 1").total_count == 250


@pytest.mark.parametrize("info", [{}, {"total_count": None}, {"total_count": "many"}])
def test_a_page_without_a_usable_total_is_a_protocol_error(info: dict[str, object]) -> None:
    with pytest.raises(ProtocolError, match="accounts page 1: page_info without"):
        _batch(page(info), "accounts", "accounts page 1")
