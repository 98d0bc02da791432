"""Shared fixtures: a small region tree with two sibling townships, organizations in each, and one
user per role with the scope that role has in the demo county.

`tree`, `orgs` and `users` are shared layers (tests/layers.py): built once for a run of consecutive
tests that use them, under each test's rolled-back transaction, instead of once per test."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests import chromium, layers
from tests.layers import layer

os.environ.setdefault("YINGJI_DATA_DIR", tempfile.mkdtemp(prefix="yingji-test-"))

OUTPUT = Path(__file__).resolve().parent.parent / "test-output"


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only
    settings.ROAD_NETWORK = str(tmp_path / "roads.geojson")  # none unless a test writes one (`road`, the demo)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL the test database commits without waiting for its WAL to reach the disk: a crash
    could lose the last commits of a database that is thrown away anyway. Migrating it, flushing it
    after each transactional test and the commits of the threads beside the tests wait less."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        options = db.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(scope="session", autouse=True)
def _flush_postgresql_by_delete():
    """After each transactional test (`transactional_db`, `live_server`) pytest-django flushes the test
    database. On PostgreSQL Django flushes with one TRUNCATE of every table, which creates new files for
    each of the ~85 tables and ~450 indexes: about 1 s on an idle 2-core machine, 3 s under load, for
    tables that hold a few dozen rows. DELETE FROM each table empties them the same way in ~0.1 s. The
    foreign keys Django creates are DEFERRABLE INITIALLY DEFERRED and are checked when the flush's
    transaction commits, with every table empty, so the order of the tables does not matter (one that
    is not deferrable would fail the flush loudly, never leave rows behind). Resetting sequences or
    cascading (neither used by pytest-django's `transactional_db`) keep Django's TRUNCATE."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET CONSTRAINTS ALL DEFERRED;", *(
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables)]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def shared_layers(request, _fast_settings):
    """Puts the shared layers this test uses in place (before pytest-django opens the test's transaction)."""
    yield layers.set_up(request)
    layers.after_test()


@pytest.fixture(scope="session")
def _shared_layers_session(django_db_setup, django_db_blocker):
    layers.STACK.blocker = django_db_blocker
    yield
    layers.pop_to(0)  # before the test database goes


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    chromium.before_test(item)
    layers.before_test(item)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The tests on the demo county (the `demo_county` layer: about 20 s to load) side by side, where the
    first of them stands, so that it is loaded once instead of once per module between other tests. After
    pytest-django's own ordering: they all use the rolled-back `db`, so they stay within its group."""
    demo = [item for item in items if "demo_county" in layers.wanted(item)]
    if len(demo) < 2:
        return
    first = items.index(demo[0])
    rest = [item for item in items if "demo_county" not in layers.wanted(item)]
    items[:] = rest[:first] + demo + rest[first:]


def pytest_collection_finish(session):
    """Hypothesis reads the source of every loaded module of ours with ``ast`` the first time a
    property test draws (the constants it tries first). CPython 3.11 keeps the AST constructor's
    recursion depth in interpreter-wide state (python/cpython#106905): that parse, deep inside a test,
    while another thread parses (a server thread's traceback, which 3.11 locates with ``ast``), failed
    a property test with "SystemError: AST constructor recursion depth mismatch" in CI. Here, after
    collection has imported the tests and what they test, no other thread runs yet."""
    try:
        from hypothesis.internal.conjecture.providers import _get_local_constants
    except ImportError:  # a later Hypothesis: nothing to do ahead of time
        return
    _get_local_constants()


def pytest_sessionfinish(session):
    chromium.stop()


def pytest_terminal_summary(terminalreporter):
    if layers.STACK.builds:
        terminalreporter.write_line("shared test data built: " + ", ".join(
            f"{name} {n}×" for name, n in layers.STACK.builds.items()))
    if chromium.launches:
        terminalreporter.write_line(f"Chromium started: {chromium.launches}×")


@pytest.fixture
def tree(db, shared_layers):
    """county 430181 → townships A (430181110 大瑶镇) and B (430181111 金刚镇) → one village each."""
    return shared_layers.get("tree", {})


@layer("tree")
def build_tree(below, folder):
    from yingji.core.models import Region

    province = Region.objects.create(code="430000", name="湖南省", level="province")
    city = Region.objects.create(code="430100", name="长沙市", level="city", parent=province)
    county = Region.objects.create(code="430181", name="浏阳市", level="county", parent=city,
                                   geometry={"type": "Polygon", "coordinates": [[[113.2, 27.9], [114.2, 27.9],
                                                                                 [114.2, 28.5], [113.2, 28.5],
                                                                                 [113.2, 27.9]]]})
    a = Region.objects.create(code="430181110", name="大瑶镇", level="township", parent=county, population=80000)
    b = Region.objects.create(code="430181111", name="金刚镇", level="township", parent=county, population=50000)
    va = Region.objects.create(code="430181110001", name="大瑶村", level="village", parent=a)
    vb = Region.objects.create(code="430181111001", name="金刚村", level="village", parent=b)
    return {"province": province, "city": city, "county": county, "a": a, "b": b, "va": va, "vb": vb}


def credit(n: int, prefix: str = "91430181") -> str:
    from yingji.core.directory.codes import credit_code_check_char

    body = f"{prefix}{n:09d}"
    return body + credit_code_check_char(body)


@pytest.fixture
def orgs(tree, shared_layers):
    return shared_layers.get("orgs", {"tree": tree})


@layer("orgs", below="tree")
def build_orgs(below, folder):
    from yingji.core.models import Organization

    tree = below["tree"]
    make = Organization.objects.create
    return {
        "a": make(credit_code=credit(1), name="大瑶花炮厂", region=tree["va"], industry_code="C2672",
                  lon=113.78, lat=27.98),
        "b": make(credit_code=credit(2), name="金刚化工有限公司", region=tree["vb"], industry_code="C2614",
                  lon=113.86, lat=28.03),
    }


def make_user(username, role, *, region=None, organization=None, superuser=False):
    from django.contrib.auth.models import Group

    from yingji.core.framework.roles import sync_roles
    from yingji.core.models import User

    if not Group.objects.filter(name=role).exists():
        sync_roles()
    user = User.objects.create_user(username, password="pw-for-tests-1", scope_region=region,
                                    scope_organization=organization, is_superuser=superuser,
                                    is_staff=superuser or role == "admin")
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def users(tree, orgs, shared_layers):
    return shared_layers.get("users", {"tree": tree, "orgs": orgs})


@layer("users", below="orgs")
def build_users(below, folder):
    tree, orgs = below["tree"], below["orgs"]
    return {
        "admin": make_user("admin", "admin"),
        "leader": make_user("leader", "leader", region=tree["county"]),
        "staff": make_user("staff", "staff", region=tree["county"]),
        "township_a": make_user("township_a", "township", region=tree["a"]),
        "township_b": make_user("township_b", "township", region=tree["b"]),
        "village_a": make_user("village_a", "village", region=tree["va"]),
        "enterprise_a": make_user("enterprise_a", "enterprise", organization=orgs["a"]),
        "readonly": make_user("readonly", "readonly", region=tree["county"]),
        "nobody": make_user("nobody", "readonly"),
        # Every permission but a narrow scope: isolates scope checks from role checks.
        "all_in_a": make_user("all_in_a", "admin", region=tree["a"]),
        "all_in_org_a": make_user("all_in_org_a", "admin", organization=orgs["a"]),
    }


@pytest.fixture
def api(users):
    from rest_framework.test import APIClient

    def client_for(name):
        c = APIClient()
        c.force_authenticate(users[name])
        return c

    return client_for


@pytest.fixture
def web(client, users):
    def client_for(name):
        client.force_login(users[name])
        return client

    return client_for


@pytest.fixture
def road(settings, tmp_path):
    """A hand-checkable road (tests/roads.py) as this installation's network."""
    import json

    from tests.roads import LAT, NODES

    path = tmp_path / "roads.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"highway": "residential", "speed_kmh": 36},
         "geometry": {"type": "LineString", "coordinates": [[x, LAT] for x in NODES]}}]}), encoding="utf-8")
    settings.ROAD_NETWORK = str(path)
    return path


@pytest.fixture
def places(tree):
    """大瑶村 centred on the road's node at 113.77 (1,000 people), 金刚村 on 113.70 (3,000 people)."""
    from tests.roads import LAT, square

    va, vb = tree["va"], tree["vb"]
    va.geometry, va.population = square(113.77, LAT), 1000
    vb.geometry, vb.population = square(113.70, LAT), 3000
    va.save()
    vb.save()
    return va, vb
