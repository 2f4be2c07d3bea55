"""Writes tests/data/heads.jsonl.gz: the start of the cleaned text of every shared document, as
the ingest pipeline cleans it (file name, first characters), so that metadata extraction is
tested on every one of them without shipping the documents.

    python -m tests.heads ../shared/corpus
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

from ingest.clean import clean_document
from ingest.load import load_pages
from ingest.metadata import HEAD_CHARS
from ingest.pipeline import discover
from ingest.tables import with_records

OUT = Path(__file__).resolve().parent / "data" / "heads.jsonl.gz"


def main() -> None:
    rows = []
    for path in discover([Path(a) for a in sys.argv[1:]]):
        data = path.read_bytes()
        raw = load_pages(path, data)
        if path.suffix.lower() == ".pdf":
            raw, _ = with_records(raw, data)
        text = clean_document(raw).document.text
        rows.append({"file": path.name, "head": text[: HEAD_CHARS + 200]})
        print(path.name, len(text))
    with gzip.open(OUT, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


if __name__ == "__main__":
    main()
