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


def bare_header(header: str) -> str:
    """A column header without 合计/预算数 (一般公共预算支出合计 → 一般公共预算支出), when what is
    left still names something."""
    bare = HEADER_SUFFIX.sub("", header)
    return bare if len(bare) >= 4 else header  # 收入预算数 stays whole: 收入 alone names nothing


@dataclass(frozen=True)
class RecordEntry:
    doc_id: str
    chunk_id: str
    path: tuple[str, ...]  # item names from the 类 down to the row itself
    headers: tuple[str, ...]


def entries_of(doc_id: str, records: Iterable[TableRecord]) -> list[RecordEntry]:
    """The lookup entries of one document's located records."""
    entries = []
    for record in records:
        if record.chunk < 0:
            continue
        chunk_id = f"{doc_id[:16]}-{record.chunk:05d}"
        headers = tuple(h for h, _ in record.cells)
        if record.label:
            entries.append(RecordEntry(doc_id, chunk_id, tuple(item_name(p) for p in record.label), headers))
        else:  # a one-row table (三公经费): its columns are the items
            entries.extend(RecordEntry(doc_id, chunk_id, (HEADER_SUFFIX.sub("", item_name(h)),), ()) for h in headers)
    return [e for e in entries if len(e.path[-1]) >= 2]


class RecordIndex:
    """Located records by item name, per document (a document's entries are built once)."""

    def __init__(self) -> None:
        self._by_doc: dict[str, dict[str, list[RecordEntry]]] = {}

    def add(self, doc_id: str, records: Iterable[TableRecord]) -> None:
        by_item: dict[str, list[RecordEntry]] = {}
        for entry in entries_of(doc_id, records):
            for name in {entry.path[-1], HEADER_SUFFIX.sub("", entry.path[-1])} - {""}:
                by_item.setdefault(name, []).append(entry)
        self._by_doc[doc_id] = by_item

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._by_doc

    def keep_only(self, doc_ids: set[str]) -> None:
        for gone in set(self._by_doc) - doc_ids:
            del self._by_doc[gone]

    @classmethod
    def of(cls, tables: dict[str, list[TableRecord]]) -> RecordIndex:
        index = cls()
        for doc_id, records in tables.items():
            index.add(doc_id, records)
        return index

    def names(self, restrict: Iterable[str]) -> set[str]:
        """The item names of the records of these documents (社会保障和就业支出, 公务接待费 …)."""
        return {name for doc_id in restrict for name in self._by_doc.get(doc_id, {})}

    def lookup(self, question: str, restrict: Iterable[str], limit: int = 3, per_document: int = 1) -> list[str]:
        """Chunk ids of the records whose item the question names, best match first: the
        longest item, then its 类/款 and its columns named too; at most ``per_document`` from
        one document, so each year's report gets its row. Totals (合计) only when the question
        names two of their columns and no other item."""
        plain = QUOTES.sub("", question)
        scored: list[tuple[int, str, str]] = []
        for doc_id in restrict:
            for name, entries in self._by_doc.get(doc_id, {}).items():
                generic = name in GENERIC
                if not generic and name not in plain:
                    continue
                for entry in entries:
                    named = sum(1 for h in entry.headers if h in plain or bare_header(h) in plain)
                    if generic and (named < 2 and name not in plain):
                        continue
                    score = len(name) * 10 + sum(len(p) for p in entry.path[:-1] if p in plain) + 5 * named
                    scored.append((score - (1000 if generic else 0), doc_id, entry.chunk_id))
        if any(score > 0 for score, _, _ in scored):  # 合计 rows only when no item is named
            scored = [s for s in scored if s[0] > 0]
        scored.sort(key=lambda s: (-s[0], s[2]))
        out: list[str] = []
        taken: dict[str, int] = {}
        for _, doc_id, chunk_id in scored:
            if chunk_id in out or taken.get(doc_id, 0) >= per_document:
                continue
            out.append(chunk_id)
            taken[doc_id] = taken.get(doc_id, 0) + 1
        return out[:limit]
