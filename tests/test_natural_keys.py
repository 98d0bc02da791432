"""Natural keys are unique (issue 13, point 11), generically over every registry.

Imports, forms and the API refer to a related record by its registry's natural key (a warehouse by
name). Two records sharing one made every later reference a 500 (MultipleObjectsReturned). Every
natural key now has a database guarantee, a duplicate is refused with a located Chinese error, and a
database that already held duplicates is renamed by its migration before the constraint
(tests/incidents/test_data_migrations.py).
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from rest_framework.test import APIClient

from tests.samples import make_record
from yingji.core.framework.registry import registries

KEYED = [reg for reg in registries() if reg.natural_key != ("id",)]


def guaranteed_unique(model, key: tuple[str, ...]) -> bool:
    if len(key) == 1 and model._meta.get_field(key[0]).unique:
        return True
    return any(isinstance(c, models.UniqueConstraint) and c.condition is None and set(c.fields) == set(key)
               for c in model._meta.constraints)


def unique_errors(record) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for check in (record.validate_unique, record.validate_constraints):
        try:
            check()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
    return errors


@pytest.mark.parametrize("reg", KEYED, ids=lambda r: r.slug)
def test_every_natural_key_has_a_database_guarantee(reg):
    assert guaranteed_unique(reg.model, reg.natural_key), (
        f"{reg.slug}: natural key {reg.natural_key} is not unique in the database")


@pytest.mark.parametrize("reg", KEYED, ids=lambda r: r.slug)
def test_a_second_record_with_the_same_natural_key_is_refused_where_it_is(reg, tree, orgs):
    first = make_record(reg, tree["a"], orgs["a"])
    second = make_record(reg, tree["a"], orgs["a"])
    for name in reg.natural_key:
        setattr(second, name, getattr(first, name))
    errors = unique_errors(second)
    where = reg.natural_key[0] if len(reg.natural_key) == 1 else "__all__"
    assert errors.get(where), f"{reg.slug}: no error on {where}: {errors}"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in errors[where])  # said in Chinese
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_seventeen_warehouses_named_0_cannot_be_created(tree, users):
    from yingji.resources.models import Warehouse

    api = APIClient()
    api.force_authenticate(users["admin"])
    body = {"name": "0", "level": "county", "reserve_kind": "physical", "region": "430181"}
    answers = [api.post("/api/warehouses/", body, format="json") for _ in range(17)]
    assert [a.status_code for a in answers] == [201] + [400] * 16
    assert "已有同名的储备库" in answers[1].json()["name"][0]
    assert Warehouse.objects.filter(name="0").count() == 1
    # …so a reference to “0” finds the one warehouse.
    kit = api.post("/api/equipment/", {"name": "排涝泵", "kind": "排涝泵车", "warehouse": "0", "region": "430181"},
                   format="json")
    assert kit.status_code == 201, kit.content


def test_the_page_form_shows_the_duplicate_beside_the_name(tree, users, client):
    from yingji.resources.models import Team

    Team.objects.create(name="大瑶镇应急救援队", kind="township", region=tree["a"])
    client.force_login(users["admin"])
    page = client.post("/registry/teams/new/", {"name": "大瑶镇应急救援队", "kind": "township", "region": "430181110",
                                                "readiness": "standby", "members": 5})
    assert page.status_code == 400  # the form again, with the error beside the field
    assert page.context["form"].errors["name"][0].startswith("已有同名的救援队伍；队伍名称在全平台唯一")
    assert Team.objects.filter(name="大瑶镇应急救援队").count() == 1


def test_a_shared_name_in_a_lookup_is_a_clear_error_not_a_500(tree, orgs):
    """Belt and braces for any key the database does not yet guard: organizations share names."""
    from yingji.core.framework.registry import NaturalKeyChoiceField
    from yingji.core.models import Organization

    Organization.objects.filter(pk=orgs["b"].pk).update(name=orgs["a"].name)
    field = NaturalKeyChoiceField(queryset=Organization.objects.all(), to_field_name="name")
    with pytest.raises(ValidationError, match="有多个单位名称为“大瑶花炮厂”的.*无法确定指的是哪一个"):
        field.clean("大瑶花炮厂")


def test_approving_a_social_force_with_a_taken_team_name_is_a_409_reason(tree, users):
    from yingji.core.framework import workflow
    from yingji.core.framework.statemachine import TransitionError
    from yingji.resources.models import SocialForceApplication, Team

    Team.objects.create(name="浏阳蓝天救援队", kind="social", region=tree["county"])
    application = SocialForceApplication.objects.create(
        name="浏阳蓝天救援队", leader="李四", mobile="13800000009", members=30, capabilities="水域救援",
        base_address="集里街道", region=tree["county"], tracking_code="SF0001", client_hash="x")
    with pytest.raises(TransitionError, match="已有同名的救援队伍“浏阳蓝天救援队”"):
        workflow.apply(users["admin"], application, "approve")
    application.refresh_from_db()
    assert application.state == "submitted" and Team.objects.filter(name="浏阳蓝天救援队").count() == 1
