"""Table records looked up by the item a question names (城乡社区支出, 水费, 城管执法).

Dense and keyword search both blur a 科目 into its neighbours: 城乡社区支出 is also in the label
path of every row below it. The records ingest kept know each row's own label, so a question
naming an item finds the chunk holding exactly that row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.records import TableRecord

ENUMERATION = re.compile(r"^(?:[一二三四五六七八九十]+、|\d{1,2}[.．、]\s*)")
QUOTES = re.compile(r"[\s“”‘’\"'「」《》（）()]")
GENERIC = {"合计", "总计", "小计", "收入总计", "支出总计"}
HEADER_SUFFIX = re.compile(r"(?:预算数|决算数)?(?:合计|小计)?$")


def item_name(label: str) -> str:
    return QUOTES.sub("", ENUMERATION.sub("", label))


@dataclass(frozen=True)
class RecordEntry:
    doc_id: str
    chunk_id: str
    path: tuple[str, ...]  # item names from the 类 down to the row itself
    headers: tuple[str, ...]


class RecordIndex:
    """Every located record of the committed documents, by item name."""

    def __init__(self, entries: Iterable[RecordEntry]) -> None:
        self.entries = [e for e in entries if e.path and len(e.path[-1]) >= 2]

    @classmethod
    def of(cls, tables: dict[str, list[TableRecord]]) -> RecordIndex:
        entries = []
        for doc_id, records in tables.items():
            for record in records:
                if record.chunk < 0:
                    continue
                chunk_id = f"{doc_id[:16]}-{record.chunk:05d}"
                headers = tuple(h for h, _ in record.cells)
                if record.label:
                    entries.append(RecordEntry(doc_id, chunk_id, tuple(item_name(p) for p in record.label), headers))
                else:  # a one-row table (三公经费): its columns are the items
                    for header in headers:
                        entries.append(RecordEntry(doc_id, chunk_id, (HEADER_SUFFIX.sub("", item_name(header)),), ()))
        return cls(entries)

    def lookup(self, question: str, restrict: set[str] | None = None, limit: int = 3) -> list[str]:
        """Chunk ids of the records whose item the question names, best match first: the
        longest item, then its 类/款 and its columns named too. Totals (合计) only when the
        question names no other item."""
        plain = QUOTES.sub("", question)
        scored: list[tuple[int, str]] = []
        for entry in self.entries:
            if restrict is not None and entry.doc_id not in restrict:
                continue
            item = entry.path[-1]
            named = sum(5 for h in entry.headers if h in plain)
            if item in GENERIC and not named:
                continue  # a total row when the question names its columns (人员经费和公用经费各是多少)
            if item not in plain and HEADER_SUFFIX.sub("", item) not in plain and item not in GENERIC:
                continue
            score = len(item) * 10 + sum(len(p) for p in entry.path[:-1] if p in plain) + named
            scored.append((score - (1000 if item in GENERIC else 0), entry.chunk_id))
        if any(score > 0 for score, _ in scored):  # 合计 rows only when no item is named
            scored = [s for s in scored if s[0] > 0]
        scored.sort(key=lambda s: -s[0])
        out: list[str] = []
        for _, chunk_id in scored:
            if chunk_id not in out:
                out.append(chunk_id)
        return out[:limit]
