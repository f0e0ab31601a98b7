"""The house's shape, checked from the import graph: no circles, no upward imports, one room per
way of seeing the match (a modality imports no other modality), and a thin command line."""

from __future__ import annotations

import ast
from pathlib import Path

import soccer_highlights

PACKAGE = Path(soccer_highlights.__file__).parent

FLOORS: dict[str, int] = {
    "_version": 0,
    "errors": 0,
    "soccernet": 1,
    "core": 1,
    "config": 2,
    "fileio": 1,
    "media": 3,
    "runtime": 3,
    "dsp": 4,
    "segments": 4,
    "output": 5,
    "evaluation": 6,
    "crowd": 7,
    "commentary": 7,
    "audiovisual": 7,
    "scoreboard": 7,
    "detectors": 8,
    "api": 9,
    "cluster": 9,
    "batch": 10,
    "synth": 10,
    "synth_bugs": 10,
    "demo": 11,
    "web": 11,
    "_cli": 12,
    "cli": 13,
    "__init__": 14,
}
"""Each top-level module or package of ``soccer_highlights`` and its floor: a module imports only
from its own floor or below (the shared floors first, then the rooms of the modalities, then the
registry, the front door and the command line)."""
MODALITIES = {"crowd", "commentary", "audiovisual", "scoreboard"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Modules of ours imported at run time (inside functions too), not under ``if TYPE_CHECKING:``."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("soccer_highlights"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            if base.startswith("soccer_highlights"):
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    found.add(candidate if candidate in MODULES else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


FILES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
MODULES = set(FILES)
GRAPH = {
    name: {
        target
        for target in _runtime_imports(ast.parse(path.read_text()), name, path.name == "__init__.py")
        if target in MODULES and target != name
    }
    for name, path in FILES.items()
}


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strongconnect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    return found


def test_every_module_has_a_floor():
    assert {_unit(m) for m in MODULES} <= set(FLOORS), {_unit(m) for m in MODULES} - set(FLOORS)


def test_no_import_circles():
    assert _cycles(GRAPH) == []


def test_no_upward_imports():
    upward = [
        f"{source} -> {target}"
        for source, targets in GRAPH.items()
        for target in targets
        if FLOORS[_unit(target)] > FLOORS[_unit(source)]
    ]
    assert upward == []


def test_each_modality_keeps_to_its_own_room():
    crossing = [
        f"{source} -> {target}"
        for source, targets in GRAPH.items()
        for target in targets
        if _unit(source) in MODALITIES and _unit(target) in MODALITIES and _unit(source) != _unit(target)
    ]
    assert crossing == []


def test_the_command_line_is_thin():
    assert len((PACKAGE / "cli.py").read_text().splitlines()) < 500
    # it parses and reports: the work is done by library calls, never by another command's function
    for path in [PACKAGE / "cli.py", *(PACKAGE / "_cli").glob("*.py")]:
        assert "soccer_highlights.cli" not in path.read_text(), path


def test_one_place_lists_every_setting():
    import importlib

    from soccer_highlights.config import Checked
    from soccer_highlights.detectors.settings import SETTINGS

    for name in MODULES:
        if "config" in name.rsplit(".", 1)[-1]:
            importlib.import_module(name)
    listed = {record for records in SETTINGS.values() for record in records}
    declared = {c for c in _subclasses(Checked) if c.__module__.endswith("config")}
    assert declared <= listed, declared - listed


def _subclasses(cls: type) -> set[type]:
    return {s for c in cls.__subclasses__() for s in (c, *_subclasses(c))}
