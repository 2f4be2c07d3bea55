"""The dependency rule: the page imports ``assistant``; ``assistant`` and ``ingest`` never import the UI."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_library_code_never_imports_streamlit() -> None:
    files = sorted((ROOT / "assistant").rglob("*.py")) + sorted((ROOT / "ingest").rglob("*.py"))
    assert files
    offenders = [str(p.relative_to(ROOT)) for p in files if "streamlit" in imported_modules(p)]
    assert offenders == []


def test_the_page_uses_the_assistant_package() -> None:
    assert {"streamlit", "assistant"} <= imported_modules(ROOT / "streamlit_app.py")


def test_only_the_store_adapters_import_chromadb() -> None:
    """Chroma's records and errors stay inside ``assistant/stores``: the rest reads the project's."""
    stores = ROOT / "assistant" / "stores"
    files = sorted((ROOT / "assistant").rglob("*.py")) + sorted((ROOT / "ingest").rglob("*.py"))
    files.append(ROOT / "streamlit_app.py")
    offenders = [
        str(p.relative_to(ROOT)) for p in files if stores not in p.parents and "chromadb" in imported_modules(p)
    ]
    assert offenders == []
