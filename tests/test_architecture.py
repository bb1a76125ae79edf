"""The package's layering: no import cycle, the scenario language a leaf, light commands.

The import graph is built from the source (every ``import`` statement, at module level or
inside a function), so a cycle held together by a function-level import is found too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

#: Libraries a command that only reads scenarios or prints help must not import.
HEAVY = ("pvlib", "scipy", "numba", "xarray", "matplotlib", "dask", "h5py", "h5netcdf", "netCDF4")


def _modules() -> dict[str, Path]:
    mods = {}
    for path in (SRC / "smartcity").rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        mods[name.removesuffix(".__init__")] = path
    return mods


MODULES = _modules()


def _imported(module: str, node: ast.AST) -> list[str]:
    """The smartcity modules an import statement of ``module`` names (resolved to existing modules)."""
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".")
            if MODULES[module].name != "__init__.py":
                base = base[:-1]
            base = base[: len(base) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        names = [f"{target}.{a.name}" if f"{target}.{a.name}" in MODULES else target for a in node.names]
    else:
        names = [a.name for a in node.names]
    found = []
    for name in names:
        if not name.startswith("smartcity"):
            continue
        while name not in MODULES and "." in name:
            name = name.rsplit(".", 1)[0]
        if name != module:
            found.append(name)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> smartcity modules it imports anywhere in its source."""
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                graph[module].update(_imported(module, node))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
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

    for v in sorted(set(graph) | {w for targets in graph.values() for w in targets}):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("package", ["smartcity.energy", "smartcity.transport", "smartcity.monitoring"])
def test_models_never_import_the_scenario_package(package):
    graph = import_graph()
    offenders = {m: sorted(t for t in targets if t == "smartcity.scenario" or t.startswith("smartcity.scenario."))
                 for m, targets in graph.items() if m == package or m.startswith(package + ".")}
    assert {m: t for m, t in offenders.items() if t} == {}


def _allowed(module: str, targets: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(t for t in targets if not any(t == p or t.startswith(p + ".") for p in prefixes))


def test_schema_is_a_leaf():
    graph = import_graph()
    for module, targets in graph.items():
        if module.startswith("smartcity.schema"):
            assert _allowed(module, targets, ("smartcity.schema", "smartcity.errors")) == [], module


def test_section_models_import_only_the_leaf():
    graph = import_graph()
    allowed = ("smartcity.schema", "smartcity.errors", "smartcity.scenario.sections")
    for module, targets in graph.items():
        if module.startswith("smartcity.scenario.sections"):
            assert _allowed(module, targets, allowed) == [], module


def test_no_module_level_getattr():
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
        assert "__getattr__" not in names, module


@pytest.mark.parametrize("statement", [
    "import smartcity.cli",
    "import smartcity.scenario; smartcity.scenario.load_scenario('scenarios/aalborg-east/lighthouse.toml')",
    "import smartcity.schema.tables, smartcity.scenario.overrides, smartcity.energy.supply, smartcity.emissions",
    "import smartcity.inputs; smartcity.inputs.load_inputs(['scenarios/aalborg-east/baseline.toml', "
    "'scenarios/aalborg-east/lighthouse.toml'])",
])
def test_reading_scenarios_imports_no_heavy_library(statement):
    code = f"import sys; {statement}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=SRC.parent)
    assert out.stdout.strip() == ""


def test_long_modules_say_why():
    # One job per module: a module over the house limit states at its top why it stays whole.
    limit = 700
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > limit:
            doc = ast.get_docstring(ast.parse(text)) or ""
            assert "Longer than the house limit" in doc, f"{path.relative_to(SRC)}: over {limit} lines, no reason"


def test_assign_imports_only_what_it_runs():
    # `smartcity assign` reads text files, solves with numba kernels and writes a CSV: no pandas,
    # xarray or plotting; numba's own start is the floor under it (benchmarks/bench_cli.py)
    tntp = "tests/data/tntp/SiouxFalls/SiouxFalls_"
    code = ("import sys, tempfile; from smartcity.cli import main; "
            f"status = main(['assign', '{tntp}net.tntp', '{tntp}trips.tntp', '-q', '--max-iter', '3', "
            "'-o', tempfile.mkdtemp() + '/flows.csv']); "
            "print(status, ','.join(m for m in ('pandas', 'xarray', 'matplotlib', 'dask', 'pvlib') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=SRC.parent)
    assert out.stdout.split() == ["3"]  # stopped by --max-iter 3, and nothing heavy imported
