"""The import contract: the library (``assistant``) never imports the ingestion, the front ends or
the evaluation; the ingestion uses only the library; the evaluation calls the library's public API
and the ingestion, never a front end; the front ends (``ui``: web app and CLI) may use everything.
Module-level imports form no cycle. Every import counts, also one inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("assistant", "ingest", "evals", "ui")
FORBIDDEN = {
    "assistant": ("ingest", "ui", "evals"),
    "ingest": ("ui", "evals"),
    "evals": ("ui",),
    "ui": (),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST, *, top_level_only: bool) -> list[tuple[str, int]]:
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return found


def _imported_modules(tree: ast.AST) -> set[str]:
    """Modules a module imports at its top level; ``from package import submodule`` names the submodule."""
    found = {name for name, _ in _imports(tree, top_level_only=True)}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _modules() -> dict[str, ast.AST]:
    return {
        _module_name(path): ast.parse(path.read_text(encoding="utf-8"))
        for package in PACKAGES for path in sorted((REPO / package).rglob("*.py"))
    }


def test_no_layer_imports_upward() -> None:
    violations = []
    for module, tree in _modules().items():
        layer = module.split(".")[0]
        for imported, line in _imports(tree, top_level_only=False):
            if imported.split(".")[0] in FORBIDDEN[layer]:
                violations.append(f"{module}:{line} imports {imported}")
    assert violations == []


def test_module_level_imports_form_no_cycle() -> None:
    modules = _modules()
    graph = {
        module: {imported for imported in _imported_modules(tree) if imported in modules and imported != module}
        for module, tree in modules.items()
    }
    cycles, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for nxt in sorted(graph[module]):
            if state.get(nxt) == "open":
                cycles.append(" → ".join(path[path.index(nxt):] + [nxt]) if nxt in path else f"{module} → {nxt}")
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_library_and_the_ingestion_import_the_project_at_module_level() -> None:
    """An import of the project inside a function hides a cycle; only the front ends and the
    benchmarks still load parts of the project lazily (to start fast)."""
    hidden = []
    for module, tree in _modules().items():
        if module.split(".")[0] not in ("assistant", "ingest"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                hidden += [f"{module}:{line} {imported}" for imported, line in _imports(node, top_level_only=False)
                           if imported.split(".")[0] in PACKAGES]
    assert hidden == []


def _calls(tree: ast.AST, names: set[str]) -> list[tuple[str, int]]:
    return [
        (node.func.id if isinstance(node.func, ast.Name) else node.func.attr, node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and ((isinstance(node.func, ast.Name) and node.func.id in names)
             or (isinstance(node.func, ast.Attribute) and node.func.attr in names))
    ]


def test_the_answer_path_is_wired_in_one_place() -> None:
    """Only ``assistant/services.py`` builds the assistant, its generators and index reader, or
    picks the chat model: a front end or an evaluation that built its own would drift from it."""
    wiring = {"Assistant", "CurrentGeneration", "ExtractiveGenerator", "LLMGenerator", "build_chat_model", "build_generator"}
    outside = [
        f"{module}:{line} calls {name}"
        for module, tree in _modules().items() if module != "assistant.services"
        for name, line in _calls(tree, wiring)
    ]
    assert outside == []
