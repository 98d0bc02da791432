"""Rows that consecutive tests share, built once instead of once per test.

A *layer* is the data many tests start from: the small county of conftest.py (`tree`, then `orgs` on
it, then `users` on both) or the real demo county of test_demo.py (`demo_county`). A test asks for a
layer the usual way, by naming its fixture. The first test that asks builds it inside an atomic block
of its own, below pytest-django's per-test savepoint; the test runs on top and its savepoint is rolled
back at its end as usual. The next test that asks for the same layers finds them exactly as they were
built (whatever its predecessor changed was rolled back with that test's savepoint) and gets its own
fresh copies of the Python objects.

Layers are rolled back, never committed, as soon as a test that uses the database asks for fewer of
them, or for a transactional database (which is flushed after the test and must start empty): such a
test sees only what it asked for, as before. Layers nest — `users` lies on `orgs` lies on `tree` — so
a test asking only for `tree` after one that asked for `users` keeps `tree` and rolls back the rest.
Tests keep their order; pytest-django already runs the rolled-back tests first, then the
transactional ones, then those without a database, so the county is built a few dozen times per run
rather than once per test.
"""

from __future__ import annotations

import copy
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

_TRANSACTIONAL_FIXTURES = ("transactional_db", "live_server", "django_db_reset_sequences",
                           "django_db_serialized_rollback")


@dataclass
class Layer:
    name: str
    build: Callable[[dict, Path], object]  # (objects of the layers below, a folder for files) -> objects
    below: str | None


LAYERS: dict[str, Layer] = {}


def layer(name: str, below: str | None = None):
    """Registers ``build(below, folder)`` as the shared data of the fixture called ``name``.

    The fixture itself returns ``shared_layers.get(name, below)``: the shared objects when the layer is
    in place for this test, or ones built for this test alone (a transactional test, say)."""
    def register(build):
        LAYERS[name] = Layer(name, build, below)
        return build
    return register


def path_to(name: str) -> tuple[str, ...]:
    names = []
    while name:
        names.append(name)
        name = LAYERS[name].below
    return tuple(reversed(names))


class _Stack:
    """The layers in place on the default database's connection, bottom first."""

    def __init__(self):
        self.entries: list[tuple[str, object, object]] = []  # (name, its atomic block, its objects)
        self.blocker = None  # pytest-django's django_db_blocker, kept by the session fixture
        self.builds: dict[str, int] = {}  # how many times each layer was built (see pytest_terminal_summary)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _, _ in self.entries)


STACK = _Stack()


def database_kind(item) -> str | None:
    """None (no database), "rollback" (pytest-django's `db`) or "transactional"."""
    from django.test import TestCase, TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return "rollback" if issubclass(cls, TestCase) else "transactional"
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transactional = any(name in names for name in _TRANSACTIONAL_FIXTURES)
    if marker is not None:
        from pytest_django.fixtures import validate_django_db

        transaction, reset_sequences, *_ = validate_django_db(marker)
        transactional = transactional or transaction or reset_sequences
    if transactional:
        return "transactional"
    return "rollback" if marker is not None or "db" in names else None


def wanted(item) -> tuple[str, ...]:
    """The deepest path of layers among the fixtures the test uses (directly or through others)."""
    if database_kind(item) != "rollback" or getattr(item, "cls", None) is not None:
        return ()
    best: tuple[str, ...] = ()
    for name in getattr(item, "fixturenames", ()):
        if name in LAYERS and len(path_to(name)) > len(best):
            best = path_to(name)
    return best


def _common(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def pop_to(depth: int) -> None:
    """Rolls back the layers above ``depth``."""
    from django.db import transaction

    while len(STACK.entries) > depth:
        name, atomic, _ = STACK.entries.pop()
        with STACK.blocker.unblock():
            transaction.set_rollback(True, using=atomic.using)
            atomic.__exit__(None, None, None)


def intact() -> bool:
    """Whether the connection still holds exactly our layers' atomic blocks, usable (between tests)."""
    from django.db import connection

    blocks = connection.atomic_blocks
    return (not connection.closed_in_transaction and not connection.needs_rollback
            and len(blocks) == len(STACK.entries)
            and all(block is atomic for block, (_, atomic, _) in zip(blocks, STACK.entries, strict=True)))


def discard(why: str) -> None:
    warnings.warn(f"shared test data rolled back and rebuilt next time: {why}", pytest.PytestWarning, stacklevel=1)
    try:
        pop_to(0)
    finally:
        STACK.entries.clear()


def before_test(item) -> None:
    """pytest_runtest_setup, before any fixture: roll back the layers this test does not ask for."""
    if STACK.entries and database_kind(item) is not None:
        pop_to(_common(STACK.names, wanted(item)))


class SharedLayers:
    """What the `shared_layers` fixture gives each test."""

    def __init__(self, request, names: tuple[str, ...]):
        self._request = request
        self._names = names  # the layers in place for this test
        self._copies = None

    def get(self, name: str, below: dict):
        if name in self._names:
            if self._copies is None:  # one deep copy of every layer, so cross references stay shared
                self._copies = copy.deepcopy({n: objects for n, _, objects in STACK.entries})
            return self._copies[name]
        folder = self._request.getfixturevalue("tmp_path_factory").mktemp(name)
        return LAYERS[name].build(below, folder)  # built for this test alone, inside its own transaction


def set_up(request):
    """The autouse fixture's body: put the layers this test asks for in place, then hand out copies."""
    from django.db import DEFAULT_DB_ALIAS, transaction

    want = wanted(request.node)
    have = _common(STACK.names, want)
    if len(want) > have:
        request.getfixturevalue("_shared_layers_session")
        if intact():  # else the test's own transaction is already open (a django_db marker): the rest inline
            folders = request.getfixturevalue("tmp_path_factory")
            for name in want[have:]:
                below = {n: objects for n, _, objects in STACK.entries}
                with STACK.blocker.unblock():
                    atomic = transaction.atomic(using=DEFAULT_DB_ALIAS)
                    atomic._from_testcase = True  # as Django marks TestCase's own blocks: durable blocks may nest
                    atomic.__enter__()
                    try:
                        objects = LAYERS[name].build(below, folders.mktemp(name))
                    except BaseException:
                        atomic.__exit__(*sys.exc_info())
                        raise
                STACK.entries.append((name, atomic, objects))
                STACK.builds[name] = STACK.builds.get(name, 0) + 1
    return SharedLayers(request, STACK.names[:_common(STACK.names, want)])


def after_test() -> None:
    """The autouse fixture's teardown, after pytest-django rolled the test back."""
    if STACK.entries and not intact():
        discard("the test left the connection or its transaction changed")
