"""The package reads as its pipeline: no import circles, and every module imports only from
its own floor or the floors below it (inputs and models -> encode -> condition -> generate ->
compose -> rank -> Studio -> batch, UI -> CLI). Imports inside functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "creative"

# Top-level parts of the package, by floor. A module may import its own floor and below.
FLOORS = {
    "paths": 0, "data": 0, "vectors": 0, "colour": 0, "geometry": 0, "textunits": 0,  # shared helpers: no models, no stages
    "inputs": 1, "models": 1,
    "encode": 2,
    "condition": 3,
    "generate": 4,
    "compose": 5,
    "rank": 6,
    "creative_set": 7, "studio": 7, "train": 7,  # train: its eval runs the copy stage and the gate
    "batch": 8,
    "ui": 9,
    "cli": 10, "__main__": 10,
}
STAGES = ("encode", "condition", "generate", "compose", "rank")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(path: Path, known: set[str]) -> set[str]:
    """The creative modules a file imports, anywhere in it (`from creative import data` is the
    module creative.data; `from creative.compose import BannerCopy` the package creative.compose)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("creative")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("creative") and node.level == 0:
            subs = {f"{node.module}.{a.name}" for a in node.names}
            out |= (subs & known) or {node.module}
    return out & known


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports(path, set(mods)) - {name} for name, path in mods.items()}


def floor(module: str) -> int | None:
    parts = module.split(".")
    return FLOORS.get(parts[1]) if len(parts) > 1 else None  # the package root is the facade


def test_every_module_has_a_floor():
    assert [m for m in modules() if m != "creative" and floor(m) is None] == []


def test_no_import_circles():
    g = graph()
    state: dict[str, int] = {}  # 1: on the path, 2: done
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(g[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(g):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_imports_go_down_the_pipeline_never_up():
    upward = [
        f"{m} (floor {floor(m)}) imports {dep} (floor {floor(dep)})"
        for m, deps in graph().items()
        for dep in deps
        if m != "creative" and dep != "creative" and floor(dep) > floor(m)
    ]
    assert upward == []


def test_stages_never_reach_back_into_the_studio():
    reach = [f"{m} imports {dep}" for m, deps in graph().items() if m.split(".")[1:2] and m.split(".")[1] in STAGES for dep in deps if dep == "creative.studio"]
    assert reach == []
