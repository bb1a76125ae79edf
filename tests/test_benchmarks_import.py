"""Every benchmark module imports: a renamed or moved function fails here, not only in benchmarks/run.py.

The benchmarks run after the tests (``.ci/run``) and only with the ``bench`` extra; importing
them here keeps them in step with the package under the README's test command.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = sorted((ROOT / "benchmarks").glob("*.py"))


def test_there_are_benchmarks():
    assert len(BENCHMARKS) >= 8, [p.name for p in BENCHMARKS]


@pytest.mark.parametrize("path", BENCHMARKS, ids=[p.stem for p in BENCHMARKS])
def test_benchmark_module_imports(path: Path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    name = f"_benchmark_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)  # ImportError / NameError at module level fails the test
    assert module.__doc__, f"{path.name} has no module docstring saying what it measures"
