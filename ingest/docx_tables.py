"""Budget tables of DOCX reports as records, the same way as the PDF ones (``ingest.tables``): each
table's rows replaced in the section text by one readable sentence per record."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import replace

from assistant.records import RawPage, TableRecord
from ingest.tables import (
    TITLE_SKIP,
    UNIT,
    Grid,
    cell_text,
    compact,
    records_of,
    split_body,
    table_lines,
    with_full_paths,
)


def docx_grids(data: bytes) -> list[Grid]:
    """Tables of a DOCX (python-docx; a merged cell repeats its text in every column it spans,
    which is what a column's header levels need)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    grids: list[Grid] = []
    before: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            if item.text.strip():
                before = [*before, item.text.strip()][-3:]
            continue
        if not isinstance(item, Table):
            continue
        split = split_body([[cell_text(" ".join(cell.text.split())) for cell in row.cells] for row in item.rows])
        if split is None:
            continue
        rows, first_body = split
        width = len(rows[0])
        headers: list[list[str]] = [[] for _ in range(width)]
        for r in range(first_body):
            for k in range(width):
                text = compact(rows[r][k])
                if text and (not headers[k] or headers[k][-1] != text):
                    headers[k].append(text)
        unit = next((m.group(1) for line in reversed(before) if (m := UNIT.search(line))), "")
        title = next((compact(line) for line in reversed(before) if "表" in line and not TITLE_SKIP.match(line)), "")
        cells = {compact(c) for r in rows for c in r if c}
        grids.append(Grid(0, title, unit, headers, rows[first_body:], cells))
        before = []
    return grids


def with_docx_records(pages: Sequence[RawPage], data: bytes) -> tuple[list[RawPage], list[TableRecord]]:
    """DOCX sections with each table's rows replaced by its records' sentences, and the records
    (page None: a DOCX has no pages)."""
    try:
        grids = docx_grids(data)
    # tables are an addition: a DOCX that loads must still ingest. python-docx raises ValueError on a
    # malformed merge (a vMerge continuing from no row, a gridSpan that is no number); the loader
    # reads the same rows and cells first (``ingest.docx``), so in the pipeline this is a safeguard
    except ValueError as exc:
        logging.getLogger(__name__).warning("表格解析失败，按普通文本处理：%s", exc)
        return list(pages), []
    per_grid = [[replace(r, page=None) for r in records_of(grid)] for grid in grids]
    full = iter(with_full_paths([r for records in per_grid for r in records]))
    per_grid = [[next(full) for _ in records] for records in per_grid]
    out = list(pages)
    records: list[TableRecord] = []
    for grid, mine in zip(grids, per_grid, strict=True):
        found = [(len(table_lines(p.text, grid.cells)), i) for i, p in enumerate(out)]
        count, index = max(found, default=(0, -1))
        if not mine or count == 0:
            continue
        records.extend(mine)
        lines = out[index].text.split("\n")
        hit = table_lines(out[index].text, grid.cells)
        kept = [line for i, line in enumerate(lines) if i > hit[0] and i not in hit]
        lines = lines[: hit[0]] + [r.sentence() for r in mine] + kept
        out[index] = replace(out[index], text="\n".join(lines))
    return out, records
