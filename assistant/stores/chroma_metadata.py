"""The project's records as Chroma keeps them: metadata of scalars only (lists and pairs as JSON
strings), each encoder beside its decoder. Pure functions: nothing here talks to Chroma."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.records import Chunk, DocumentInfo, Ocr


def info_to_metadata(info: DocumentInfo, embedder: str) -> dict[str, Any]:
    """A document's registry record, with the embedder that built the store."""
    return {
        "doc_id": info.doc_id,
        "doc": info.doc,
        "title": info.title,
        "department": info.department,
        "year": info.year or 0,
        "doc_type": info.doc_type,
        "pages": info.pages,
        "chunks": info.chunks,
        "source_path": info.source_path,
        "embedder": embedder,
        "names": json.dumps([list(n) for n in info.names], ensure_ascii=False),
        "scope": info.scope,
        "confidence": info.confidence,
    }


def metadata_to_embedder(meta: Mapping[str, Any]) -> str:
    """The embedder ``info_to_metadata`` stored with a document."""
    return str(meta["embedder"])


def metadata_to_info(meta: Mapping[str, Any]) -> DocumentInfo:
    """The document ``info_to_metadata`` stored."""
    return DocumentInfo(
        doc_id=str(meta["doc_id"]),
        doc=str(meta["doc"]),
        title=str(meta["title"]),
        department=str(meta["department"]),
        year=int(meta["year"]) or None,
        doc_type=str(meta["doc_type"]),
        pages=int(meta["pages"]),
        chunks=int(meta["chunks"]),
        source_path=str(meta.get("source_path", "")),
        names=tuple((str(n), str(s)) for n, s in json.loads(str(meta.get("names") or "[]"))),
        scope=str(meta.get("scope", "")),
        confidence=float(meta.get("confidence", 0.0)),
    )


def chunk_to_metadata(chunk: Chunk, info: DocumentInfo, tokens: Sequence[str]) -> dict[str, Any]:
    """A chunk's metadata, with its document's fields that searches filter on and its keyword tokens
    (the keyword index is built from them); its text is Chroma's document."""
    return {
        "doc_id": chunk.doc_id,
        "doc": info.doc,
        "year": info.year or 0,
        "department": info.department,
        "doc_type": info.doc_type,
        "index": chunk.index,
        "page": chunk.page or 0,
        "page_end": chunk.page_end or 0,
        "page_label": chunk.page_label,
        "start": chunk.start,
        "end": chunk.end,
        "headings": json.dumps(list(chunk.headings), ensure_ascii=False),
        "table_unit": chunk.table_unit,
        "page_spans": json.dumps([list(span) for span in chunk.page_spans], ensure_ascii=False),
        "tokens": " ".join(tokens),
        "ocr": chunk.ocr.recognised,
        "ocr_confidence": chunk.ocr.confidence,
        "ocr_low": json.dumps(list(chunk.ocr.low_lines), ensure_ascii=False),
        "embed_key": chunk.embed_key,
    }


def metadata_to_tokens(meta: Mapping[str, Any]) -> list[str]:
    """The keyword tokens ``chunk_to_metadata`` stored with a chunk."""
    return str(meta["tokens"]).split()


def metadata_to_chunk(text: str, meta: Mapping[str, Any]) -> Chunk:
    """The chunk ``chunk_to_metadata`` stored, its text being Chroma's document. A field the metadata
    lacks (a store made before the field existed, a chunk another writer left half-way) takes its
    default; an index it lacks is -1."""
    return Chunk(
        doc_id=str(meta["doc_id"]),
        index=int(meta.get("index", -1)),
        text=text,
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        page=int(meta.get("page", 0)) or None,
        page_end=int(meta.get("page_end", 0)) or None,
        page_label=str(meta.get("page_label", "")),
        headings=tuple(json.loads(str(meta.get("headings", "[]")))),
        table_unit=str(meta.get("table_unit", "")),
        page_spans=tuple((int(o), n, str(label)) for o, n, label in json.loads(str(meta.get("page_spans", "[]")))),
        ocr=Ocr(
            recognised=bool(meta.get("ocr", False)),
            confidence=float(meta.get("ocr_confidence", 1.0)),
            low_lines=tuple(str(line) for line in json.loads(str(meta.get("ocr_low", "[]")))),
        ),
        embed_key=str(meta.get("embed_key", "")),
    )


def extras_to_document(extras: Mapping[str, Any] | None) -> str:
    """A document's extras (table records, check results) as the JSON text Chroma keeps."""
    return json.dumps(extras or {}, ensure_ascii=False)


def document_to_extras(text: str) -> dict[str, Any]:
    """The extras ``extras_to_document`` stored; ValueError or TypeError when the text is damaged."""
    return dict(json.loads(text))
