"""The statements a batch of tickets or messages needs, over allow-listed tables only.

Built from the fixed layouts (``tables.quoted``) with every value bound, run
inside one ``SqlTransaction`` (a batch is all or nothing); the generic ones
(``live_ids``, ``insert_rows``, ``rows_by_id``) are the finance path's
(``finance_sql``). Added here:

- ``server_limits``: what the server settles about a batch: whether a
  multi-row INSERT gets consecutive ids, their step, the largest packet;
- ``find_tickets``: the live tickets already carrying these markers (their
  additional field, in ``ticket_values``);
- ``find_messages``: the live messages of these tickets by natural key (the
  text compared by MD5 of its UTF-8 bytes: no 64 KB body travels back);
- ``insert_with_ids``: rows inserted in order, their new ids in order;
- ``insert_all``: rows inserted in order, statements kept under the packet size;
- ``touch_tickets``: ``updated_at`` of tickets a message was added to.

New ids. A ticket row has no column a marker could be read back by (its
marker is written after it, in ``ticket_values``), so the ids of a multi-row
INSERT are taken from ``LAST_INSERT_ID()``: with ``innodb_autoinc_lock_mode``
0 or 1 (MariaDB's and MySQL 5.7's default) InnoDB gives a multi-row INSERT
with its rows listed ("simple insert") consecutive ids, ``@@auto_increment_increment``
apart, in the order of its rows (MySQL manual, "AUTO_INCREMENT Handling in
InnoDB"). Every id so computed is checked against the row read back (a
ticket's subject, a message's ticket) before the batch goes on; in lock mode 2
(interleaved) each row is inserted on its own and its id taken from its INSERT.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from migrator.errors import ProtocolError
from migrator.splynx.db_transaction import SqlTransaction
from migrator.splynx.finance_rows import TableRows
from migrator.splynx.finance_sql import CHUNK, insert_rows, marker_key
from migrator.splynx.support_rows import MessageKey
from migrator.splynx.tables import quoted

__all__ = [
    "ServerLimits",
    "find_messages",
    "find_tickets",
    "insert_all",
    "insert_with_ids",
    "server_limits",
    "touch_tickets",
]


@dataclass(frozen=True)
class ServerLimits:
    """What the server settles about a batch's statements."""

    consecutive: bool  # a multi-row INSERT's ids are consecutive (autoinc lock mode 0/1)
    increment: int  # @@auto_increment_increment
    packet: int  # @@max_allowed_packet, bytes

    @property
    def budget(self) -> int:
        """Characters of text per statement: a character is at most 4 bytes, escaped twice
        as many."""
        return max(self.packet // 8, 1)


async def server_limits(tx: SqlTransaction) -> ServerLimits:
    sql = "SELECT @@innodb_autoinc_lock_mode, @@auto_increment_increment, @@max_allowed_packet"
    [(mode, increment, packet)] = await tx.rows(sql)
    return ServerLimits(int(mode) in (0, 1), int(increment), int(packet))


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def find_tickets(tx: SqlTransaction, field: str, markers: Iterable[str]) -> dict[str, int]:
    """Marker key -> the oldest live ticket whose additional field ``field`` carries it."""
    found: dict[str, int] = {}
    name, value = quoted("name"), quoted("value")
    for part in _chunks(sorted(set(markers))):
        sql = (
            "SELECT t.`id`, v.`value` FROM `ticket_values` v JOIN `ticket` t "
            f"ON t.`id` = v.`ticket_id` WHERE v.{name} = %s AND v.{value} IN "
            f"({_marks(len(part))}) AND t.`deleted` = '0' ORDER BY t.`id`"
        )
        for ident, text in await tx.rows(sql, [field, *part]):
            found.setdefault(marker_key(text), int(ident))
    return found


async def find_messages(tx: SqlTransaction, tickets: Iterable[int]) -> dict[MessageKey, int]:
    """Natural key -> the oldest live message of these tickets carrying it."""
    found: dict[MessageKey, int] = {}
    for part in _chunks(sorted(set(tickets))):
        sql = (
            "SELECT `id`, `ticket_id`, CAST(`date` AS CHAR), CAST(`time` AS CHAR), "
            "`author_type`, MD5(CONVERT(`message` USING utf8mb4)) FROM `ticket_messages` "
            f"WHERE `ticket_id` IN ({_marks(len(part))}) AND `deleted` = '0' ORDER BY `id`"
        )
        for ident, ticket, date, time, author, digest in await tx.rows(sql, part):
            found.setdefault((int(ticket), date, time, author, digest), int(ident))
    return found


def _groups(rows: Sequence[Mapping[str, Any]], budget: int) -> Iterator[list[Mapping[str, Any]]]:
    """Runs of rows in order, each at most ``CHUNK`` rows and ``budget`` characters of text
    (a row larger than the budget alone)."""
    group: list[Mapping[str, Any]] = []
    size = 0
    for row in rows:
        length = sum(len(v) for v in row.values() if isinstance(v, str))
        if group and (len(group) >= CHUNK or size + length > budget):
            yield group
            group, size = [], 0
        group.append(row)
        size += length
    if group:
        yield group


async def insert_all(
    tx: SqlTransaction, shape: TableRows, rows: Sequence[Mapping[str, Any]], limits: ServerLimits
) -> None:
    """Insert complete rows in order, each statement within the server's packet."""
    for group in _groups(rows, limits.budget):
        await insert_rows(tx, shape.name, shape.insert(group))


async def insert_with_ids(
    tx: SqlTransaction,
    shape: TableRows,
    rows: Sequence[Mapping[str, Any]],
    limits: ServerLimits,
    check: str,
) -> list[int]:
    """Insert complete rows in order; their new ids, in order (ascending), each checked by
    the value of column ``check`` read back."""
    if not limits.consecutive:
        return [await insert_rows(tx, shape.name, shape.insert([row])) for row in rows]
    ids: list[int] = []
    for group in _groups(rows, limits.budget):
        first = await insert_rows(tx, shape.name, shape.insert(group))
        ids.extend(first + n * limits.increment for n in range(len(group)))
    await _verify(tx, shape.name, check, dict(zip(ids, (r[check] for r in rows), strict=True)))
    return ids


async def _verify(tx: SqlTransaction, name: str, check: str, expected: dict[int, Any]) -> None:
    """Every computed id holds the row inserted for it (else nothing of the batch stays)."""
    found: dict[int, Any] = {}
    column = quoted(check)
    for part in _chunks(sorted(expected)):
        sql = f"SELECT `id`, {column} FROM {quoted(name)} WHERE `id` IN ({_marks(len(part))})"
        found.update((int(i), v) for i, v in await tx.rows(sql, part))
    wrong = [i for i, v in expected.items() if i not in found or str(found[i]) != str(v)]
    if wrong:
        raise ProtocolError(
            f"{name}: the ids of the rows just inserted are not consecutive (id {wrong[0]}); "
            "set innodb_autoinc_lock_mode to 1 or report this"
        )


async def touch_tickets(tx: SqlTransaction, tickets: Iterable[int], moment: str) -> None:
    """``updated_at = moment`` on these tickets, in ascending order (no lock cycles)."""
    for part in _chunks(sorted(set(tickets))):
        sql = f"UPDATE `ticket` SET `updated_at` = %s WHERE `id` IN ({_marks(len(part))})"
        await tx.execute(sql, [moment, *part])
