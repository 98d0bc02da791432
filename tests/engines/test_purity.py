"""Engines stay pure: no Django import, so they run and are tested on plain data."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "yingji"
ENGINES = ["config.py", "core/codes.py", "core/geo.py", "core/placenames.py", "core/statemachine.py", "risk/scoring.py",
           "risk/gb18218.py",
           "monitoring/rules.py", "logistics/network.py", "logistics/routing.py",
           "logistics/coverage.py", "logistics/allocation.py", "incidents/grading.py", "incidents/deadlines.py",
           "incidents/event_types.py", "incidents/matching.py", "incidents/reporting.py"]


@pytest.mark.parametrize("path", ENGINES)
def test_engine_imports_no_django(path):
    tree = ast.parse((SRC / path).read_text(encoding="utf-8"))
    imported = [n.module if isinstance(n, ast.ImportFrom) else alias.name
                for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)
                for alias in (n.names if isinstance(n, ast.Import) else [None])]
    assert not [m for m in imported if m and m.split(".")[0] in ("django", "rest_framework")]
