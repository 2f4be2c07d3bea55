"""Filters by year, department and document, turned into the scope ``Assistant.ask`` searches. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.records import DocumentInfo


@dataclass(frozen=True)
class Filters:
    """What the reader chose; an empty tuple means "any"."""

    years: tuple[int, ...] = ()
    departments: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.years or self.departments or self.doc_ids)


def years_of(documents: Sequence[DocumentInfo]) -> list[int]:
    """The years to filter by, newest first."""
    return sorted({d.year for d in documents if d.year}, reverse=True)


def departments_of(documents: Sequence[DocumentInfo]) -> list[str]:
    return sorted({d.department for d in documents if d.department})


def matches(info: DocumentInfo, filters: Filters) -> bool:
    return (
        (not filters.years or info.year in filters.years)
        and (not filters.departments or info.department in filters.departments)
        and (not filters.doc_ids or info.doc_id in filters.doc_ids)
    )


def scope_of(documents: Sequence[DocumentInfo], filters: Filters) -> list[str] | None:
    """The document ids to search: None (everything) when no filter is set, else the documents
    that pass every filter (possibly none, which ``ask`` answers with a 筛选范围 refusal)."""
    if not filters.active:
        return None
    return [d.doc_id for d in documents if matches(d, filters)]


def describe(documents: Sequence[DocumentInfo], filters: Filters) -> str:
    """The scope in words, for the answer and the export: 全部 3 份报告 / 2025年｜… 共 1 份."""
    if not filters.active:
        return f"全部 {len(documents)} 份报告"
    parts = []
    if filters.years:
        parts.append("、".join(f"{y}年" for y in sorted(filters.years)))
    if filters.departments:
        parts.append("、".join(filters.departments))
    if filters.doc_ids:
        titles = [d.title for d in documents if d.doc_id in filters.doc_ids]
        parts.append("、".join(f"《{t}》" for t in titles))
    chosen = sum(1 for d in documents if matches(d, filters))
    return "｜".join(parts) + f"，共 {chosen} 份报告"
