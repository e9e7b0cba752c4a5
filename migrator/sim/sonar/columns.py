"""The columns a ``Table`` keeps: int64 values and enum codes, and equality indexes on them.

Values are in comparable form (see ``fields``): ``None`` for null (stored as
``NULL``), ints for Int64Bit, microsecond instants for Datetime. A column can
be written (``put``) as well as read, which is how a served table changes; an
``Index`` follows such writes with ``move`` instead of being built again.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["NULL", "CodeColumn", "Column", "Index", "IntColumn"]

NULL = -(2**63)  # the null marker inside int64 columns


class Column(Protocol):
    """Anything indexable by row: an ``IntColumn``, a ``CodeColumn``, a plain ``array``."""

    def __len__(self) -> int: ...

    def __getitem__(self, row: int) -> Any: ...


class IntColumn:
    """An int64 ``array`` read with ``NULL`` as ``None``."""

    __slots__ = ("values",)

    def __init__(self, values: array[int]) -> None:
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, row: int) -> Any:
        value = self.values[row]
        return None if value == NULL else value

    def put(self, row: int, value: int | None) -> None:
        """Set ``row`` (``len(self)`` appends) to a comparable value."""
        stored = NULL if value is None else value
        if row == len(self.values):
            self.values.append(stored)
        else:
            self.values[row] = stored

    def copy(self) -> IntColumn:
        return IntColumn(array(self.values.typecode, self.values))


class CodeColumn:
    """Small codes standing for enum names (``-1`` is null), e.g. ``contactable_type``."""

    __slots__ = ("codes", "names")

    def __init__(self, codes: array[int], names: Sequence[str]) -> None:
        self.codes = codes
        self.names = tuple(names)

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, row: int) -> Any:
        code = self.codes[row]
        return None if code < 0 else self.names[code]

    def put(self, row: int, value: str | None) -> None:
        """Set ``row`` (``len(self)`` appends) to a name (``ValueError`` for an unknown one)."""
        code = -1 if value is None else self.names.index(value)
        if row == len(self.codes):
            self.codes.append(code)
        else:
            self.codes[row] = code

    def copy(self) -> CodeColumn:
        return CodeColumn(array(self.codes.typecode, self.codes), self.names)


@dataclass(frozen=True)
class Index:
    """Rows sorted by one int column's value, then by id: equality lookups by bisection."""

    keys: array[int]
    rows: array[int]

    def lookup(self, value: int) -> Sequence[int]:
        return self.rows[bisect_left(self.keys, value) : bisect_right(self.keys, value)]

    def move(self, row: int, old: int | None, new: int | None) -> None:
        """Keep the index true when ``row``'s value goes from ``old`` to ``new`` (``None``:
        not indexed, as for a new row or a null)."""
        if old == new:
            return
        if old is not None:
            at = bisect_left(self.rows, row, *self._span(old))
            del self.keys[at], self.rows[at]
        if new is not None:
            at = bisect_left(self.rows, row, *self._span(new))
            self.keys.insert(at, new)
            self.rows.insert(at, row)

    def _span(self, value: int) -> tuple[int, int]:
        return bisect_left(self.keys, value), bisect_right(self.keys, value)
