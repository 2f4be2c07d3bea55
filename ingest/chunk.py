"""Structure-aware chunking: heading paths, sentence ends, numbers and table rows kept whole.

Pure functions. Every chunk is a contiguous span of the cleaned document text:
``document.text[chunk.start:chunk.end] == chunk.text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.records import Chunk, CleanDocument
from assistant.zh import SENTENCE
from ingest.clean import HEADING_START, NUMBER, TABLE_TITLE, UNIT_LINE, is_structured

CLAUSE_END = "，、,："
HEADING_MAX = 40
FIGURE = re.compile(r"\d{5,}|\d{1,3}(?:,\d{3})+")  # a line with a sizeable figure is body text, not a heading
LEVELS = (
    (re.compile(r"^[一二三四五六七八九十]+、"), 1),
    (re.compile(r"^第[一二三四五六七八九十]+[部章节]"), 1),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]"), 2),
    (re.compile(r"^\d{1,2}[.．、](?!\d)"), 3),
    (re.compile(r"^[（(]\d{1,2}[）)]"), 4),
)
TABLE_LEVEL = 2
YEAR_SECTION = re.compile(r"^(?:19|20)\d{2}年[\u4e00-\u9fff]{2,10}$")  # 2024年工作回顾 (no 一、 before it)
UNIT_LOOKAHEAD = 200  # characters after a table title where its 单位：元 line stands


@dataclass(frozen=True)
class Unit:
    """A piece that is never cut: a sentence, a clause of a long sentence, a table row."""

    start: int
    end: int
    heading: int = 0  # heading level, 0 for body text


def heading_level(line: str) -> int:
    """The outline level of a heading line, or 0 if the line is body text."""
    if len(line) > HEADING_MAX or line.endswith("。") or is_structured(line) or FIGURE.search(line):
        return 0
    for pattern, level in LEVELS:
        if pattern.match(line):
            return level
    if TABLE_TITLE.match(line) and not HEADING_START.match(line):
        return TABLE_LEVEL
    if YEAR_SECTION.match(line):
        return 1
    return 0


def number_spans(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in NUMBER.finditer(text)]


def safe_cut(text: str, limit: int) -> int:
    """A cut position <= limit (>0) that falls after a clause end and never inside a number."""
    spans = number_spans(text)

    def inside_number(pos: int) -> bool:
        return any(start < pos < end for start, end in spans)

    for pos in range(limit, limit // 2, -1):
        if text[pos - 1] in CLAUSE_END and not inside_number(pos):
            return pos
    for pos in range(limit, 0, -1):
        if not inside_number(pos):
            return pos
    return limit  # a single "number" longer than the limit: nothing better exists


def split_long(start: int, text: str, max_size: int) -> Iterator[Unit]:
    while len(text) > max_size:
        cut = safe_cut(text, max_size)
        yield Unit(start, start + cut)
        start, text = start + cut, text[cut:]
    if text:
        yield Unit(start, start + len(text))


def units_of(document: CleanDocument, max_size: int) -> Iterator[Unit]:
    """Units of the document in order; headings carry their level."""
    offset = 0
    for line in document.text.split("\n"):
        if line.strip():
            level = heading_level(line)
            if level or is_structured(line):
                yield from (Unit(u.start, u.end, level) for u in split_long(offset, line, max(max_size, len(line))))
            else:
                for match in SENTENCE.finditer(line):
                    yield from split_long(offset + match.start(), match.group(), max_size)
        offset += len(line) + 1


def chunk_document(doc_id: str, document: CleanDocument, size: int = 320, overlap: int = 60) -> list[Chunk]:
    """Group units into chunks of about ``size`` characters with at most ``overlap`` repeated."""
    max_size = int(size * 1.5)
    chunks: list[Chunk] = []
    headings: list[tuple[int, str]] = []
    current: list[Unit] = []
    current_headings: tuple[str, ...] = ()
    units_of_table: dict[str, str] = {}  # table title -> its unit (单位：元)

    def emit(final: bool = False) -> None:
        if any(not u.heading for u in current) or (final and current):
            unit = next((units_of_table[h] for h in reversed(current_headings) if h in units_of_table), "")
            chunks.append(_make_chunk(doc_id, len(chunks), document, current, current_headings, unit))

    for unit in units_of(document, max_size):
        text = document.text[unit.start : unit.end]
        if unit.heading:
            if unit.heading == TABLE_LEVEL and TABLE_TITLE.match(text.strip()):
                found = UNIT_LINE.search(document.text, unit.end, unit.end + UNIT_LOOKAHEAD)
                if found:
                    units_of_table[text.strip()] = found.group(1)
            emit()
            current = [] if any(not u.heading for u in current) else current
            headings = [(lvl, h) for lvl, h in headings if lvl < unit.heading] + [(unit.heading, text.strip())]
            current_headings = tuple(h for _, h in headings)
            current.append(unit)
            continue
        if not any(not u.heading for u in current):
            current_headings = tuple(h for _, h in headings)
        length = unit.end - current[0].start if current else 0
        if current and length > size and any(not u.heading for u in current):
            emit()
            current = _overlap_tail(current, overlap)
        current.append(unit)
    emit(final=True)
    return chunks


def _overlap_tail(units: list[Unit], overlap: int) -> list[Unit]:
    """The last body units of a chunk, up to ``overlap`` characters, that start the next one."""
    tail: list[Unit] = []
    for unit in reversed(units):
        if unit.heading or (unit.end - unit.start) + sum(u.end - u.start for u in tail) > overlap:
            break
        tail.insert(0, unit)
    return tail


def _make_chunk(
    doc_id: str, index: int, document: CleanDocument, units: list[Unit], headings: tuple[str, ...], unit: str = ""
) -> Chunk:
    start, end = units[0].start, units[-1].end
    text = document.text[start:end]
    first_body = next((u for u in units if not u.heading), units[0])
    page, last = document.page_at(first_body.start), document.page_at(max(start, end - 1))
    spans = tuple(
        (max(p.start, start) - start, p.number, p.label) for p in document.pages if p.start < end and p.end > start
    )
    return Chunk(
        doc_id=doc_id,
        index=index,
        text=text,
        start=start,
        end=end,
        page=page.number,
        page_end=last.number,
        page_label=page.label,
        headings=headings,
        table_unit=unit,
        page_spans=spans,
    )


def embedding_text(chunk: Chunk, title: str, year: int | None) -> str:
    """What gets embedded: document title and year, heading path, then the passage."""
    head = f"{title}（{year}年）" if year else title
    path = " > ".join(chunk.headings)
    return "\n".join(part for part in (head, path, chunk.text) if part)
