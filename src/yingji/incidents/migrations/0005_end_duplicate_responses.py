"""Before one active response per incident and plan, and one open dispatch per team, become
constraints (0006), a database where concurrent clicks already doubled them is made to fit,
deterministically:

- two or more active responses of one incident under one plan: the first (lowest id) stays active,
  the later ones are ended (已终止, ended now); their tasks stay, to be closed by hand;
- a team on two or more open dispatches at once: the first stays, the later ones are marked
  withdrawn now (the team stays 出动 on the first).

Runs the same on PostgreSQL and SQLite; nothing to undo on the way back."""

from django.db import migrations
from django.db.models import Count
from django.utils import timezone


def keep_first(queryset, group_by: str, **resolved):
    for row in queryset.values(group_by).annotate(n=Count("pk")).filter(n__gt=1).order_by(group_by):
        ids = list(queryset.filter(**{group_by: row[group_by]}).order_by("pk").values_list("pk", flat=True))
        queryset.model.objects.filter(pk__in=ids[1:]).update(**resolved)


def resolve(apps, schema_editor):
    now = timezone.now()
    Response = apps.get_model("incidents", "Response")
    pairs = (Response.objects.filter(state="active").values("incident", "plan").annotate(n=Count("pk"))
             .filter(n__gt=1).order_by("incident", "plan"))
    for pair in pairs:
        ids = list(Response.objects.filter(state="active", incident=pair["incident"], plan=pair["plan"])
                   .order_by("pk").values_list("pk", flat=True))
        Response.objects.filter(pk__in=ids[1:]).update(state="ended", ended_at=now)
    TeamDispatch = apps.get_model("incidents", "TeamDispatch")
    keep_first(TeamDispatch.objects.exclude(state="withdrawn"), "team", state="withdrawn", withdrawn_at=now)


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0004_incident_affected_area"),
    ]

    operations = [
        migrations.RunPython(resolve, migrations.RunPython.noop),
    ]
