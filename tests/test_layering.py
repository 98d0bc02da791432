"""Layering, enforced: the import-linter contracts in pyproject.toml (types in tests/importcontracts.py).

Engines import no Django and nothing of the platform but other engines, directly or indirectly;
apps import only apps below them (core lowest); core's framework imports nothing of its directory; the
project's wiring imports no app but core.
The contracts read the apps' declarations, so a new app is placed and checked with no edit here."""

from __future__ import annotations

import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_BIN = Path(sys.executable).with_name("lint-imports")
LINT = [str(_BIN) if _BIN.exists() else shutil.which("lint-imports") or "lint-imports", "--no-cache"]

# The engines the purity test listed before the apps declared theirs: none may drop out.
FORMER_PURITY_LIST = ["config", "core.directory.codes", "core.framework.geo", "core.directory.placenames",
                      "core.framework.statemachine", "risk.scoring",
                      "risk.gb18218", "monitoring.rules", "logistics.network", "logistics.routing", "logistics.coverage",
                      "logistics.allocation", "incidents.grading", "incidents.deadlines", "incidents.event_types",
                      "incidents.matching", "incidents.reporting"]


def lint(cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(LINT, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def engine_modules() -> list[str]:
    """Every engine: the apps' declared ones and the contract's own list of pure modules outside any app."""
    from yingji.core.framework.contributions import discover

    contract = next(c for c in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
                    if c["id"] == "engines")
    out = [m for config in discover() for m in config.engine_modules()]
    for expression in contract["source_modules"]:
        if expression.endswith(".*"):
            package = importlib.import_module(expression[:-2])
            out += [info.name for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}.")]
        else:
            out.append(expression)
    return out


def test_import_contracts_are_kept():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_every_former_engine_is_still_one():
    assert sorted(set(f"yingji.{m}" for m in FORMER_PURITY_LIST) - set(engine_modules())) == []


def test_engines_load_neither_django_nor_celery_at_run_time():
    """What the contract checks statically holds when they are imported: a fresh interpreter importing
    every engine has no Django, DRF or Celery module loaded (the yingji package itself loads nothing)."""
    code = ("import importlib, sys\n"
            f"for m in {engine_modules()!r}: importlib.import_module(m)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'rest_framework', 'celery', 'kombu'}))")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_contracts_catch_what_they_forbid(tmp_path):
    """A copy of the source with one violation of each kind, some inside functions and some indirect:
    every contract breaks and names the chain."""
    shutil.copytree(ROOT / "src" / "yingji", tmp_path / "src" / "yingji",
                    ignore=shutil.ignore_patterns("static", "templates", "data", "__pycache__", "migrations"))
    (tmp_path / "tests").mkdir()
    for name in ("__init__.py", "importcontracts.py"):
        shutil.copy(ROOT / "tests" / name, tmp_path / "tests" / name)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    src = tmp_path / "src" / "yingji"

    def append(path: str, text: str):
        with (src / path).open("a", encoding="utf-8") as f:
            f.write("\n\n" + text + "\n")

    # An engine reaching Django through a module of its app that is not an engine (indirect).
    append("risk/scoring.py", "def _bands():\n    from yingji.risk import choices\n    return choices")
    # An engine importing an engine of another app is fine; one importing a service is not.
    append("incidents/matching.py", "from yingji.incidents import grading  # noqa\n"
                                    "def _f():\n    from yingji.incidents import services\n    return services")
    # core reaching up into a domain app, inside a function.
    append("core/framework/views.py", "def _panel():\n    from yingji.incidents.models import Incident\n    return Incident")
    # The framework reaching into the directory, through the models module Django reads.
    append("core/framework/notify.py", "def _users():\n    from yingji.core.models import User\n    return User")
    # A lower domain app importing a higher one.
    append("monitoring/alarms.py", "def _incident():\n    from yingji.incidents import services\n    return services")
    # The project's wiring naming an app again.
    append("urls.py", "from yingji.risk import views as risk_views  # noqa")

    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = lint(tmp_path, env)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "0 kept, 4 broken" in out, out
    assert "yingji.risk.scoring is not allowed to import django" in out  # through yingji.risk.choices
    assert "yingji.risk.scoring -> yingji.risk.choices" in out
    assert "yingji.incidents.matching is not allowed to import yingji.incidents.services" in out
    assert "yingji.incidents.matching is not allowed to import yingji.incidents.grading" not in out
    assert "yingji.core.framework.views -> yingji.incidents.models" in out
    assert "yingji.monitoring.alarms -> yingji.incidents.services" in out
    assert "yingji.core.framework.notify -> yingji.core.models" in out
    assert "yingji.urls is not allowed to import yingji.risk" in out
