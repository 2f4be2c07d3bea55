"""Tables of plain-text reports as records, the same way as the PDF and DOCX ones (``ingest.tables``).

A report copied from a web page or a spreadsheet keeps its tables as rows of cells between bars::

    项 目 | 2014年决算数 | 2015年决算数 | 比上年增、减情况 | |
    增、减额 | 增、减幅度 | |||
    2、公务接待费 | 977.3 | 918.5 | -58.8 | -6.1% |

Which figure is which year is then lost to a reader of the line. Each body row becomes a
:class:`TableRecord` (公务接待费：2014年决算数977.3万元，2015年决算数918.5万元，…), its lines in the
page text replaced by the records' sentences. A header spanning several columns (比上年增、减情况)
takes the names of the row under it, in order; when they do not fit, the table is left as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.records import RawPage, TableRecord
from ingest.tables import UNIT, Grid, compact, is_value, records_of, split_body, with_full_paths

BAR = "|"
MIN_CELLS = 3  # a line of at least three cells is a table row


def _cells(line: str) -> list[str] | None:
    """The cells of a table line, without the empty one after a closing bar; None for a line
    that is not one."""
    if line.count(BAR) < 2:
        return None
    cells = [c.strip() for c in line.split(BAR)]
    while cells and not cells[-1]:
        cells.pop()
    return cells if len(cells) >= MIN_CELLS or (cells and line.count(BAR) >= MIN_CELLS) else None


def _runs(lines: Sequence[str]) -> list[tuple[int, int]]:
    """(first, end) line ranges of consecutive table lines."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, line in enumerate([*lines, ""]):
        if _cells(line) is not None:
            start = i if start is None else start
        elif start is not None:
            runs.append((start, i))
            start = None
    return runs


def _headers(rows: list[list[str]], width: int) -> list[list[str]] | None:
    """Header levels per column: the first header row; a header followed by empty cells spans
    them, and the next row's names fill the spans in order. None when they do not fit."""
    top = [compact(c) for c in rows[0]] + [""] * (width - len(rows[0]))
    headers = [[t] if t else [] for t in top]
    spans: list[list[int]] = []
    for j, text in enumerate(top):
        if text:
            spans.append([j])
        elif spans:
            spans[-1].append(j)
        else:
            return None  # an empty first column under no header
    for row in rows[1:]:
        names = [compact(c) for c in row if compact(c)]
        wide = [s for s in spans if len(s) > 1]
        if sum(len(s) for s in wide) != len(names):
            return None
        for span in wide:
            for j in span:
                headers[j].append(names.pop(0))
        spans = [[j] for j in range(width)]
    return headers if all(headers[j] for j in range(width)) else None


def _grid(lines: Sequence[str]) -> tuple[Grid, int] | None:
    """The table of a run of lines and the index of its first line that is the table proper (the
    lines before it say its title and unit); None when it has no figures or no fitting header."""
    title, unit, first = "", "", 0
    rows = [_cells(line) or [] for line in lines]
    while first < len(rows) and sum(1 for c in rows[first] if c) == 1 and not is_value(compact(rows[first][0])):
        text = compact(rows[first][0])  # 单位:万元 | ||||, 某县2016年“三公”经费决算情况统计表 | ||||
        found = UNIT.search(text)
        unit = found.group(1) if found else unit
        title = text if "表" in text and not found else title
        first += 1
    split = split_body([list(r) for r in rows[first:]])
    if split is None:
        return None
    padded, first_body = split
    if first_body == 0:
        return None
    headers = _headers(padded[:first_body], len(padded[0]))
    if headers is None:
        return None
    cells = {compact(c) for r in padded for c in r if c}
    return Grid(0, title, unit, headers, padded[first_body:], cells), first


def with_text_records(pages: Sequence[RawPage]) -> tuple[list[RawPage], list[TableRecord]]:
    """The pages with each bar table's lines replaced by its records' sentences, and the records."""
    out: list[RawPage] = []
    records: list[TableRecord] = []
    for page in pages:
        lines = page.text.split("\n")
        for start, end in reversed(_runs(lines)):
            found = _grid(lines[start:end])
            if found is None:
                continue
            grid, first = found
            before = [line for line in lines[max(0, start - 3) : start] if line.strip()]
            unit = grid.unit or next((m.group(1) for line in reversed(before) if (m := UNIT.search(line))), "")
            title = grid.title or next((compact(line) for line in reversed(before) if "表" in line), "")
            mine = [replace(r, page=page.number) for r in records_of(replace(grid, unit=unit, title=title))]
            if not mine:
                continue
            records[:0] = mine
            lines[start + first : end] = [r.sentence() for r in mine]
        out.append(replace(page, text="\n".join(lines)))
    return out, with_full_paths(records)
