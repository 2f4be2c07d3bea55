"""The sample reports bundled in ``samples/``, loaded with one click on a first run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.library import Library
from assistant.query import short_name
from assistant.records import DocumentInfo
from ingest.pipeline import IngestOptions, IngestReport, Progress, discover, ingest_paths

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def sample_files() -> list[Path]:
    """The bundled reports (none where the package is installed without the repository)."""
    return discover([SAMPLES]) if SAMPLES.is_dir() else []


def load_samples(
    library: Library, options: IngestOptions | None = None, progress: Progress | None = None
) -> IngestReport:
    return ingest_paths(sample_files(), library, options=options or IngestOptions(), progress=progress or Progress())


# Questions the bundled reports answer, shown on an empty chat when their report is in the library.
EXAMPLES = (
    ("longjin_2022.pdf", "街道在垃圾分类上一共投入了多少钱？"),
    ("putuo_wanli_2025_budget.pdf", "2025年万里街道三公经费预算是多少？"),
    ("putuo_wanli_2024_budget.pdf", "万里街道2024年和2025年“三公”经费预算分别是多少？"),
    ("putuo_wanli_2025_budget.pdf", "万里街道2025年物业管理费预算是多少？"),
)


def example_questions(documents: Sequence[DocumentInfo], limit: int = 4) -> list[str]:
    """Sample questions whose report is in the library; otherwise questions in the same style
    about the documents there are."""
    names = {d.doc for d in documents}
    found = [question for doc, question in EXAMPLES if doc in names]
    if not found:
        for info in documents:
            who = short_name(info.department) if info.department else f"《{info.title}》"
            year = f"{info.year}年" if info.year else ""
            found.append(f"{year}{who}的“三公”经费预算是多少？")
    return list(dict.fromkeys(found))[:limit]
