"""Budget tables of PDF reports as cited, unit-aware records.

pypdf flattens a table into runs like ``212 01 04 城管执法 6,522,681 6,522,681 0``: which number is
基本支出 and which 项目支出 is lost. pdfplumber finds the ruled tables with their cells; from them
each body row becomes a :class:`TableRecord` (table title, unit, row label path with its 科目 code,
column header -> value as printed). In the page text handed on to cleaning, the table's lines
are replaced by one readable sentence per record, so retrieval, chunking and citations work on
rows that say what each number is.

Tables continued on the next page keep the title, unit and headers of where they started.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from assistant.records import Chunk, RawPage, TableRecord

logging.getLogger("pdfminer").setLevel(logging.ERROR)

UNIT = re.compile(r"单位\s*[:：]\s*(元|万元|亿元|千元)")
VALUE = re.compile(r"[-－]?\d[\d,]*(?:\.\d+)?%?")
CODE = re.compile(r"\d{2,3}")
CODE_CELL = re.compile(r"\d{1,3}")
CODE_HEADER = re.compile(r"编码|代码|^[类款项]$")
COLUMN_NUMBERS = frozenset({"栏次", "行次"})
LABEL_HEADER = re.compile(r"^(?:序号|项目|.*名称)$")
GENERIC = {"合计", "小计", "金额", "预算数", "决算数", "数额", "本年预算", "本年决算"}
TITLE_SKIP = re.compile(r"^(编制部门|编制单位|单位\s*[:：])")
TOP_TOLERANCE = 1.5  # points: a header cell covers a column when it spans it within this


@dataclass
class Grid:
    """A table as found on one page: header levels per column and the body rows."""

    page: int
    title: str
    unit: str
    headers: list[list[str]]  # per column: header texts from the top level down
    body: list[list[str]]
    cells: set[str]  # every cell text on the page's table, for finding its lines in the page text


DASH = re.compile(r"^[-－—–/／]+$")  # a placeholder for "nothing" in a value cell


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def cell_text(cell: str | None) -> str:
    text = (cell or "").strip()
    return "" if DASH.match(compact(text)) else text


def is_value(text: str) -> bool:
    return bool(text) and VALUE.fullmatch(text.replace(" ", "")) is not None


def _column_ranges(table: Any) -> list[tuple[float, float]]:
    """The x-range of each column: the narrowest cell found in that column position."""
    count = max(len(row.cells) for row in table.rows)
    ranges: list[tuple[float, float]] = []
    for j in range(count):
        spans = [row.cells[j] for row in table.rows if j < len(row.cells) and row.cells[j] is not None]
        best = min(spans, key=lambda c: c[2] - c[0]) if spans else (0.0, 0.0, 0.0, 0.0)
        ranges.append((best[0], best[2]))
    return ranges


def _grid(table: Any, page_number: int) -> tuple[list[list[str]], list[list[str]]] | None:
    """(header levels per column, body rows) of a pdfplumber table; None when it holds no figures."""
    split = split_body([[cell_text(cell) for cell in row] for row in table.extract()])
    if split is None:
        return None
    rows, first_body = split
    width = len(rows[0])
    ranges = _column_ranges(table)
    headers: list[list[str]] = [[] for _ in range(width)]
    for r in range(first_body):
        cells = table.rows[r].cells
        for j, bbox in enumerate(cells):
            text = compact(rows[r][j]) if j < len(rows[r]) else ""
            if bbox is None or not text:
                continue
            for k, (x0, x1) in enumerate(ranges):
                covers = bbox[0] - TOP_TOLERANCE <= x0 and x1 <= bbox[2] + TOP_TOLERANCE
                if k < width and covers and (not headers[k] or headers[k][-1] != text):
                    headers[k].append(text)
    return headers, rows[first_body:]


def split_body(rows: list[list[str]]) -> tuple[list[list[str]], int] | None:
    """The rows padded to one width, and the index of the first body row; None for a table
    without figures."""

    def has_figure(row: list[str]) -> bool:
        return any(is_value(compact(c)) and not CODE.fullmatch(c) for c in row)

    if not any(has_figure(r) for r in rows):
        return None
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    first_body = next(i for i, r in enumerate(rows) if has_figure(r))
    # a body row before the first figure row: a label with empty value cells (e.g. 二、事业收入)
    while first_body > 0 and _looks_like_body(rows[first_body - 1], rows[first_body]):
        first_body -= 1
    return rows, first_body


def _looks_like_body(row: list[str], body: list[str]) -> bool:
    """A row above the first figure row that is a body row too: its label column holds a
    numbered item (一、… / 1. …) or a 科目 code."""
    first = next((c for c in row if c), "")
    return bool(re.match(r"^(?:[一二三四五六七八九十]+、|\d{1,2}[.．]\s*\S|\d{3}$)", first))


def _title_and_unit(page: Any, top: float) -> tuple[str, str]:
    above = page.crop((0, 0, page.width, max(top, 1.0))).extract_text() or ""
    lines = [line.strip() for line in above.splitlines() if line.strip()]
    unit = next((m.group(1) for line in reversed(lines) if (m := UNIT.search(line))), "")
    title = next((line for line in reversed(lines) if "表" in line and not TITLE_SKIP.match(line)), "")
    return compact(title), unit


HEAD_TITLE = re.compile(r"^(\S{2,30}?表(?:[（(][^）)]{1,12}[）)])?)(?=部门|单位|编制|$)")
TABLE_NUMBER = re.compile(r"(?:公开)?\d+表|表[一二三四五六七八九十\d]+")  # 公开02表, 表二: a number, not a title


def _inside_title_and_unit(headers: Sequence[Sequence[str]], title: str, unit: str) -> tuple[str, str]:
    """A table whose grid holds its own title line (收支预算总表部门：…单位：万元 as its first
    header cell): the title and unit found there when none stands above it."""
    first = next((compact(c) for row in headers for c in row if c), "")
    if not title and (match := HEAD_TITLE.match(first)) and not TABLE_NUMBER.fullmatch(match.group(1)):
        title = match.group(1)
    if not unit and (found := UNIT.search(first)):
        unit = found.group(1)
    return title, unit


def find_grids(data: bytes) -> list[Grid]:
    """Every table with figures in the PDF, continuations carrying their table's title, unit
    and headers."""
    import pdfplumber  # imported here: only PDFs need it, and it is slow to import

    grids: list[Grid] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for table in page.find_tables():
                found = _grid(table, number)
                if found is None:
                    continue
                headers, body = found
                title, unit = _inside_title_and_unit(headers, *_title_and_unit(page, table.bbox[1]))
                cells = {compact(c) for row in table.extract() for c in row if c}
                cells |= {compact(p) for row in table.extract() for c in row if c for p in c.split("\n")}
                grid = Grid(number, title, unit, headers, body, cells)
                previous = grids[-1] if grids else None
                if not title and previous is not None and previous.page in (number, number - 1):
                    grid = _continue(previous, grid)
                elif not unit and previous is not None and previous.page in (number, number - 1):
                    grid = replace(grid, unit=previous.unit)  # a new table of the same volume: its unit
                grids.append(grid)
    return grids


def _continue(previous: Grid, grid: Grid) -> Grid:
    """A table without a title of its own continues the one before: same title and unit, and
    its headers when it has none (matched from the right when it has fewer columns, as when
    the 合计 cell spans the code columns)."""
    headers = grid.headers
    if not any(headers):
        width = len(grid.headers)
        if width == len(previous.headers):
            headers = [list(h) for h in previous.headers]
        else:
            values = [j for j in range(width) if _is_value_column(grid.body, j)]
            prev_values = [
                j for j in range(len(previous.headers)) if _is_value_column(previous.body, j, previous.headers[j])
            ]
            headers = [[] for _ in range(width)]
            for j, pj in zip(reversed(values), reversed(prev_values), strict=False):
                headers[j] = list(previous.headers[pj])
    return replace(grid, title=previous.title, unit=grid.unit or previous.unit, headers=headers)


def _is_value_column(body: Sequence[Sequence[str]], j: int, header: Sequence[str] = ()) -> bool:
    """Figures only; a column of 2–3 digit numbers is a 科目 code column unless its header says
    otherwise."""
    if header and CODE_HEADER.search("".join(header) if "编码" in "".join(header) else header[-1]):
        return False
    cells = [compact(r[j]) for r in body if j < len(r) and r[j]]
    if not cells or not all(is_value(c) for c in cells):
        return False
    return bool(header) or not all(CODE.fullmatch(c) for c in cells)


def records_of(grid: Grid) -> list[TableRecord]:
    """One record per body row (per side, for tables with two label columns side by side)."""
    kinds = [_column_kind(grid, j) for j in range(len(grid.headers))]
    records: list[TableRecord] = []
    for labels, values in _segments(kinds):
        names = _value_names(grid, values)
        path: dict[int, str] = {}
        for row in grid.body:
            code_cells = [
                compact(row[j]) for j in labels if kinds[j] == "code" and CODE_CELL.fullmatch(compact(row[j]))
            ]
            name = _row_name(row, labels, kinds)
            cells = tuple((names[j], compact(row[j])) for j in values if compact(row[j]))
            if not all(is_value(v) for _, v in cells) or not (cells or (name and values)) or name in COLUMN_NUMBERS:
                continue  # a row of words in figure columns, an empty row, or the columns' numbers (栏次 1 2 3)
            label: tuple[str, ...] = (name,) if name else ()
            if code_cells and name:
                level = len(code_cells)
                path = {lvl: text for lvl, text in path.items() if lvl < level}
                path[level] = name
                label = tuple(path[lvl] for lvl in sorted(path))
            records.append(
                TableRecord(
                    table=grid.title,
                    unit=grid.unit,
                    page=grid.page,
                    label=label,
                    code=" ".join(code_cells),
                    cells=cells,
                )
            )
    return records


def _column_kind(grid: Grid, j: int) -> str:
    """code (科目编码), value (figures; also an empty column: a fund with nothing budgeted), label,
    or skip (行次: the numbers of the rows, no figures)."""
    headers = grid.headers[j]
    if headers and headers[-1] in COLUMN_NUMBERS:
        return "skip"
    if CODE_HEADER.search("".join(headers)) or (headers and CODE_HEADER.search(headers[-1])):
        return "code"
    if _is_value_column(grid.body, j, headers) and not LABEL_HEADER.search(headers[-1] if headers else ""):
        return "value"
    return "label" if any(r[j] for r in grid.body if j < len(r)) else "value"


def _segments(kinds: Sequence[str]) -> list[tuple[list[int], list[int]]]:
    """Label/code columns followed by their value columns, left to right."""
    segments: list[tuple[list[int], list[int]]] = []
    for j, kind in enumerate(kinds):
        if kind == "skip":
            continue
        if kind in ("code", "label"):
            if not segments or segments[-1][1]:
                segments.append(([], []))
            segments[-1][0].append(j)
        else:
            if not segments:
                segments.append(([], []))
            segments[-1][1].append(j)
    return segments


def _row_name(row: Sequence[str], labels: Sequence[int], kinds: Sequence[str]) -> str:
    name = "".join(compact(row[j]) for j in labels if kinds[j] == "label")
    if name:
        return name
    # a 合计 cell spanning the code columns
    return next((compact(row[j]) for j in labels if row[j] and not CODE_CELL.fullmatch(compact(row[j]))), "")


def complete(grid: Grid, records: Sequence[TableRecord]) -> bool:
    """Whether every figure of the table's body is in a record: only then may the table's
    lines in the page text give way to the records' sentences."""
    said = {v for r in records for _, v in r.cells}
    figures = {
        compact(c) for row in grid.body for c in row if is_value(compact(c)) and not CODE_CELL.fullmatch(compact(c))
    }
    return figures <= said


def _value_names(grid: Grid, columns: Sequence[int]) -> dict[int, str]:
    """A short header name per value column: its lowest header, with the level above where
    that is generic (合计, 预算数) or shared by another column of the same side."""
    lowest = {j: grid.headers[j][-1] if grid.headers[j] else "数值" for j in columns}
    names = {}
    for j in columns:
        levels = grid.headers[j]
        name = lowest[j]
        shared = sum(1 for k in columns if lowest[k] == name) > 1
        if (name in GENERIC or shared) and len(levels) > 1:
            name = levels[-2] + name
        names[j] = name
    return names


def table_lines(text: str, cells: set[str]) -> list[int]:
    """Indexes of the lines of ``text`` made only of the table's cell texts."""
    return [i for i, line in enumerate(text.split("\n")) if line.strip() and _covered(compact(line), cells)]


def _covered(token: str, cells: set[str]) -> bool:
    """Whether ``token`` is a concatenation of cell texts (pypdf glues header cells together)."""
    reachable = [True] + [False] * len(token)
    for end in range(1, len(token) + 1):
        reachable[end] = any(reachable[start] and token[start:end] in cells for start in range(end))
    return reachable[-1]


def with_records(pages: Sequence[RawPage], data: bytes) -> tuple[list[RawPage], list[TableRecord]]:
    """The pages with each table's lines replaced by its records' sentences, and the records."""
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    try:
        grids = find_grids(data)
    # tables are an addition: a PDF that pypdf reads must still ingest. What pdfplumber raises on
    # such a PDF: PdfminerException (pdfminer could not open, list or interpret it), and from a
    # page's own entries MalformedPDFException (a box of non-numbers), TypeError (no MediaBox, a
    # /Rotate that is no number) and ValueError (a table above a MediaBox that is not at the origin)
    except (PdfminerException, MalformedPDFException, TypeError, ValueError) as exc:
        logging.getLogger(__name__).warning("表格解析失败，按普通文本处理：%s", exc)
        return list(pages), []
    per_grid = [records_of(grid) for grid in grids]
    full = iter(with_full_paths([r for records in per_grid for r in records]))
    per_grid = [[next(full) for _ in records] for records in per_grid]
    out = list(pages)
    for grid, mine in zip(grids, per_grid, strict=True):
        index = grid.page - 1
        if not mine or index >= len(out):
            continue
        lines = out[index].text.split("\n")
        hit = table_lines(out[index].text, grid.cells) if complete(grid, mine) else []
        sentences = [r.sentence() for r in mine]
        if not hit:
            lines.extend(sentences)  # the text layer lacks the table's lines: add them at the end
        else:
            lines = lines[: hit[0]] + sentences + [line for i, line in enumerate(lines) if i > hit[0] and i not in hit]
        out[index] = replace(out[index], text="\n".join(lines))
    return out, [r for records in per_grid for r in records]


def locate_records(records: Sequence[TableRecord], chunks: Sequence[Chunk]) -> list[TableRecord]:
    """Each record with the index of the first chunk holding its sentence."""
    texts = [compact(c.text) for c in chunks]
    out = []
    for record in records:
        wanted = compact(record.sentence())
        where = next((i for i, text in enumerate(texts) if wanted in text), -1)
        out.append(replace(record, chunk=chunks[where].index if where >= 0 else -1))
    return out


def with_full_paths(records: Sequence[TableRecord]) -> list[TableRecord]:
    """Label paths rebuilt from the codes across the whole table, so a row at the top of a
    continuation page still names its 类 and 款."""
    names = {(r.table, r.code): r.label[-1] for r in records if r.code and r.label}
    out = []
    for record in records:
        parts = record.code.split()
        prefixes = [(record.table, " ".join(parts[: i + 1])) for i in range(len(parts))]
        if record.label and len(parts) > 1 and all(p in names for p in prefixes):
            record = replace(record, label=tuple(names[p] for p in prefixes))
        out.append(record)
    return out
