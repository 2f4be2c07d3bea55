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


# -- stages: imports point one way --------------------------------------------------------------
# Each module's stage; a module imports only modules of its own stage or below (imports inside
# functions count too). A new module must be placed here: the test names any that is not.
STAGES: list[tuple[str, set[str]]] = [
    (
        "vocabulary",
        {"records", "errors", "config", "zh", "fusion", "tokenize", "prompting", "figures", "hostile", "tables"}
        | {"understanding.orgs", "stores.locking"},
    ),
    (
        "index",
        {"stores", "stores.chroma_client", "stores.chroma_metadata", "stores.keyword", "stores.vector"}
        | {"library", "embedding", "testing"},
    ),
    ("ingest", {"ingest.*"}),
    (
        "understanding",
        {"query", "understanding", "understanding.matching", "understanding.names"}
        | {"understanding.intent", "followup", "scope", "compared_items"},
    ),
    ("retrieval", {"retrieval", "reading", "extractive", "recognised", "sources", "rows", "timing"}),
    (
        "answering",
        {"chain_state", "citations", "offline", "combine", "llm", "local_llm", "cells", "differences"}
        | {"memo_sentences"},
    ),
    (
        "features",
        {
            "answering",
            "compare",
            "comparison_plan",
            "drafting",
            "export",
            "memo_export",
            "evaluation",
            "uploads",
            "samples",
            "conversation",
        },
    ),
    ("app", {"app", "", "access"}),  # "" is the package itself: assistant/__init__.py
    ("interfaces", {"cli", "cli.__main__", "cli.answers", "cli.ingest", "cli.library"}),
    ("ui", {"ui", "ui.text", "ui.sidebar", "ui.panels", "ui.chat", "ui.downloads", "ui.progress"}),
]


def module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def project_modules() -> dict[str, Path]:
    files = sorted((ROOT / "assistant").rglob("*.py")) + sorted((ROOT / "ingest").rglob("*.py"))
    return {module_name(p): p for p in files}


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the project modules it imports (``from assistant import local_llm`` is local_llm)."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                subs = {f"{node.module}.{a.name}" for a in node.names} & modules.keys()
                deps |= subs
                if node.module in modules and len(subs) < len(node.names):
                    deps.add(node.module)
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names} & modules.keys()
        graph[name] = deps - {name}
    return graph


def stage_of(module: str) -> int:
    short = module.removeprefix("assistant").removeprefix(".")
    for rank, (_, members) in enumerate(STAGES):
        if short in members or (module.startswith("ingest") and "ingest.*" in members):
            return rank
    raise AssertionError(f"{module} is in no stage: add it to STAGES in tests/test_layers.py")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{m} ({STAGES[stage_of(m)][0]}) imports {d} ({STAGES[stage_of(d)][0]})"
        for m, deps in graph.items()
        for d in deps
        if stage_of(d) > stage_of(m)
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_imports_point_one_way_through_the_stages() -> None:
    graph = import_graph(project_modules())
    assert len(graph) > 50
    assert upward_imports(graph) == []
    assert cycles(graph) == []


def test_a_wrong_import_is_caught() -> None:
    """The check itself: records importing the answering chain is an upward import and a cycle."""
    graph = import_graph(project_modules())
    graph["assistant.records"] = graph["assistant.records"] | {"assistant.answering"}
    assert "assistant.records (vocabulary) imports assistant.answering (features)" in upward_imports(graph)
    assert any("assistant.records" in c and "assistant.answering" in c for c in cycles(graph))
