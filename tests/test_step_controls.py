"""One control per workflow step on the generic record page (decision 0037): for every registry with a
state machine, one record in each state of the demo county, seen by an account holding every role, shows
each step it may take exactly once — the declared operation's button where an app declares one for that
transition (requisition's 送达, credit's 告知 …), else the inline transition form — and the button or form
it shows is the one that takes that step."""

from __future__ import annotations

import re

from tests.test_demo import demo_county, load_demo  # noqa: F401  (the shared demo layer)


def _every_role_user():
    from django.contrib.auth.models import Group

    from yingji.core.models import User

    user = User.objects.create_user("all_roles", password="pw-for-tests-1", is_staff=True)
    user.groups.set(Group.objects.all())  # administrator included: global scope
    return user


def test_each_step_shows_once_on_the_record_page(demo_county, client):  # noqa: F811
    from yingji.core.framework import operations, workflow
    from yingji.core.framework.registry import registries

    user = _every_role_user()
    client.force_login(user)
    checked = declared_seen = 0
    for reg in registries():
        if reg.workflow is None:
            continue
        by_state = {}
        for record in reg.queryset(user).order_by("pk")[:400]:
            by_state.setdefault(getattr(record, reg.state_field), record)
        for record in by_state.values():
            steps = workflow.available(user, record)
            if not steps:
                continue
            html = client.get(f"/registry/{reg.slug}/{record.pk}/").content.decode()
            offered = {op.name for op in operations.available(user, record)}
            for t in steps:
                op = operations.step_operation(reg, t)
                forms = len(re.findall(rf'data-transition="{re.escape(t.name)}"', html))
                buttons = len(re.findall(rf'data-operation="{re.escape(operations.kebab(t.name))}"', html))
                where = (reg.slug, record.pk, t.name)
                if op is None:
                    assert (forms, buttons) == (1, 0), where
                else:
                    declared_seen += 1
                    assert forms == 0, where
                    assert buttons == (1 if op.name in offered else 0), where
                checked += 1
    assert checked > 20 and declared_seen, (checked, declared_seen)


def test_list_pages_offer_the_collection_operations_each_role_may_run(users, client):
    """A list page's buttons for its collection operations (运行核查, 同步名录 …) come from each operation's
    own declaration (permission, roles, refusal): shown exactly to the accounts the operation admits, and
    each leads to that operation's page."""
    from django.urls import reverse

    from yingji.core.framework import operations
    from yingji.core.framework.access import can
    from yingji.core.framework.registry import registries

    checked = refused = 0
    for reg in registries():
        ops = [op for op in operations.operations(reg.slug) if not op.detail and op.page]
        if not ops:
            continue
        for name in ("admin", "staff", "township_a", "enterprise_a", "readonly"):
            user = users[name]
            if not can(user, "view", reg.model):
                continue
            client.force_login(user)
            page = client.get(reverse("registry_list", args=[reg.slug])).content.decode()
            for op in ops:
                shown = f'href="{reverse("operation", args=[reg.slug, op.name])}"' in page
                own_page = op.label in {label for label, _, _ in reg.page_links}  # the registry's own page for it
                if not own_page:
                    assert shown == (op.refused(user) is None), (reg.slug, op.name, name, shown)
                    checked += 1
                    refused += not shown
    assert checked and refused, "some role is offered a collection operation and some is not"
