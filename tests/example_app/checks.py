"""Run by tests/test_app_contracts.py with DJANGO_SETTINGS_MODULE=tests.example_app.settings (in its own
process and database): the example app, added by its folder alone, is wired in everywhere."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.conftest import make_user


@pytest.fixture
def hydrants(tree):
    from tests.example_app.models import Hydrant

    Hydrant.objects.create(code="XF-001", name="大瑶村消防栓", region=tree["va"], pressure_mpa=Decimal("0.10"))
    Hydrant.objects.create(code="XF-002", name="金刚村消防栓", region=tree["vb"], pressure_mpa=Decimal("0.30"))


def test_discovered_and_installed_in_its_order():
    from django.apps import apps
    from django.conf import settings

    from yingji.core.framework.contributions import YingjiAppConfig

    assert isinstance(apps.get_app_config("example"), YingjiAppConfig)
    mine = [a for a in settings.INSTALLED_APPS if a.startswith(("yingji.", "tests."))]
    assert mine[-1] == "tests.example_app.apps.ExampleConfig"  # order 900: after every platform app
    assert "yingji.incidents.apps.IncidentsConfig" in mine


def test_its_registry_and_url(users, hydrants, client):
    from yingji.core.framework.registry import get_registry

    assert get_registry("hydrants").label == "消防栓"
    client.force_login(users["township_a"])
    page = client.get(reverse("registry_list", args=["hydrants"])).content.decode()
    assert "大瑶村消防栓" in page and "金刚村消防栓" not in page  # the platform's scope applies unchanged
    assert reverse("hydrant_summary") == "/example/hydrants/summary/"
    assert client.get("/example/hydrants/summary/").content.decode() == "消防栓 1 个，压力不足 1 个"
    assert client.get("/api/hydrants/").json()["count"] == 1  # the generic API too


def test_its_menu_entry_in_a_new_area_before_system(users, tree, hydrants):  # a list shows when it holds records
    from yingji.core.framework.menu import menu_for

    def areas(user):
        return [(g["title"], [i["label"] for i in g["items"]]) for g in menu_for(user, "/")]

    seen = areas(users["readonly"])
    assert seen[-2:] == [("消防水源", ["消防栓"]), seen[-1]] and seen[-1][0] == "系统管理"
    gateway = make_user("gw", "gateway", region=tree["county"])
    assert "消防水源" not in dict(areas(gateway))  # the gateway may not view hydrants


def test_its_role_grants(users):
    from django.contrib.auth.models import Group

    from yingji.core.framework.roles import effective_permissions

    perms = effective_permissions()
    hydrant = {p for p in perms["duty"] if p.endswith("_hydrant")}
    assert hydrant == {"example.view_hydrant", "example.add_hydrant", "example.change_hydrant"}  # its own grant
    assert {p for p in perms["staff"] if p.endswith("_hydrant")} == {
        "example.view_hydrant", "example.add_hydrant", "example.change_hydrant", "example.delete_hydrant"}  # "*"
    assert not {p for p in perms["gateway"] if p.endswith("_hydrant")}
    duty = Group.objects.get(name="duty")  # synced into the groups after migrate, like every app's
    assert {p.codename for p in duty.permissions.filter(content_type__app_label="example")} == {
        "view_hydrant", "add_hydrant", "change_hydrant"}


def test_its_periodic_job_and_home_panel(users, hydrants, client):
    from yingji.celery import app

    assert app.conf.beat_schedule["hydrant-inspections"] == {"task": "tests.example_app.tasks.inspections_due",
                                                             "schedule": 86400.0}
    assert app.tasks["tests.example_app.tasks.inspections_due"].apply().get() == 0
    client.force_login(users["leader"])
    assert "辖区消防栓 2 个，压力不足 1 个" in client.get("/").content.decode()
    client.force_login(make_user("gw", "gateway"))
    assert 'data-testid="hydrants"' not in client.get("/").content.decode()


def test_its_operation_on_page_and_api(users, hydrants, client):
    """One declared operation: the page form, the API endpoint in the schema, the platform's checks."""
    from rest_framework.test import APIClient

    from tests.example_app.models import Hydrant

    hydrant = Hydrant.objects.get(code="XF-001")
    other = Hydrant.objects.get(code="XF-002")
    client.force_login(users["township_a"])
    page = client.post(f"/registry/hydrants/{hydrant.pk}/do/record-pressure/", {"pressure_mpa": "abc"})
    assert page.status_code == 400 and "已填写的内容都保留着" in page.content.decode()
    assert client.post(f"/registry/hydrants/{hydrant.pk}/do/record-pressure/", {"pressure_mpa": "0.25"}).status_code == 302
    api = APIClient()
    api.force_authenticate(users["township_a"])
    assert api.post(f"/api/hydrants/{other.pk}/record-pressure/", {"pressure_mpa": "0.2"}, format="json").status_code == 404
    ok = api.post(f"/api/hydrants/{hydrant.pk}/record-pressure/", {"pressure_mpa": "0.35"}, format="json")
    assert ok.status_code == 200 and ok.json()["message"] == "已记录大瑶村消防栓压力 0.35 MPa"
    assert Hydrant.objects.get(pk=hydrant.pk).pressure_mpa == Decimal("0.35")
    api.force_authenticate(users["readonly"])
    assert api.post(f"/api/hydrants/{hydrant.pk}/record-pressure/", {"pressure_mpa": "0.1"}, format="json").status_code == 403
    client.force_login(users["admin"])
    schema = client.get("/api/schema/?format=json").json()
    assert "post" in schema["paths"]["/api/hydrants/{id}/record-pressure/"]
