"""Every example in the package's docstrings runs and gives what it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import smartcity

MODULES = sorted(m.name for m in pkgutil.walk_packages(smartcity.__path__, "smartcity.")
                 if not m.name.endswith("__main__"))


def test_the_package_has_examples():
    with_examples = [name for name in MODULES
                     if any(t.examples for t in doctest.DocTestFinder().find(importlib.import_module(name)))]
    # the examples found when this test was written; more is fine, fewer means some stopped being collected
    assert len(with_examples) >= 24
    assert "smartcity.energy.thermal" in with_examples  # simulate_5r1c's example


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed"
