"""import-linter contract types that read the apps' declarations (core/framework/contributions.py), so the
contracts in pyproject.toml need no edit when an app is added:

- ``app_layers``: the layers are the installed apps by their declared ``order``, highest first
  (core lowest). A built-in layers contract: an app may import apps of lower order only, directly or
  through other modules.
- ``app_wiring``: the given modules (the project's wiring: urls, settings, celery …) import no app but
  core; the forbidden modules are every declared app above core.
- ``engines``: every declared engine (``engines`` on each AppConfig) plus the ``source_modules``
  given (pure modules that belong to no app) imports none of the ``forbidden_modules`` given (Django
  and its family) and no module of the platform that is not itself an engine, directly or
  indirectly.

They run under ``lint-imports`` from the repository root (it puts the current directory on the
path); tests/test_layering.py runs them in the suite."""

from __future__ import annotations

from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import InvalidContractOptions
from importlinter.domain.fields import ModuleExpressionField
from importlinter.domain.helpers import module_expressions_to_modules


def declared_apps():
    from yingji.core.framework.contributions import discover

    return discover()


def _computed(contract_options: dict, field: str) -> None:
    if field in contract_options:
        raise InvalidContractOptions({field: "This contract works it out from the apps' declarations; leave it out."})


class AppLayersContract(LayersContract):
    def __init__(self, name, session_options, contract_options):
        _computed(contract_options, "layers")
        layers = [config.name for config in reversed(declared_apps())]
        super().__init__(name, session_options, {**contract_options, "layers": layers})


class AppWiringContract(ForbiddenContract):
    def __init__(self, name, session_options, contract_options):
        _computed(contract_options, "forbidden_modules")
        above_core = [config.name for config in declared_apps() if config.order > 0]
        super().__init__(name, session_options, {**contract_options, "forbidden_modules": above_core})


class EnginesContract(ForbiddenContract):
    def validate(self):
        if str(self.as_packages).lower() != "false":
            raise InvalidContractOptions({"as_packages": "Engines are single modules: set as_packages = false."})

    def check(self, graph, verbose):
        parse = ModuleExpressionField().parse
        declared = {parse(module) for config in declared_apps() for module in config.engine_modules()}
        self.source_modules = set(self.source_modules) | declared
        engines = {module.name for module in module_expressions_to_modules(graph, self.source_modules)}
        roots = tuple(self.session_options["root_packages"])
        internal = {m for m in graph.modules if m in roots or m.startswith(tuple(f"{r}." for r in roots))}
        self.forbidden_modules = set(self.forbidden_modules) | {parse(m) for m in sorted(internal - engines)}
        return super().check(graph, verbose)
