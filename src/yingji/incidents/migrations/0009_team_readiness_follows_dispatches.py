"""A team's readiness follows its dispatches from now on (issue 14, point 2a); make stored teams fit.

Before, 战备状态 could be edited by hand during a dispatch (after which the team could be sent again)
and 出动 could be set on a team nobody had sent. Now an open dispatch is the one source of 出动:

- a team on an open dispatch (not 已撤离) becomes 出动, whatever was typed;
- a team marked 出动 with no open dispatch becomes 休整 — what a team back from a dispatch is
  (撤离，归队休整); its people set it to 待命 when it is ready again.
"""

from django.db import migrations

CLOSED = "withdrawn"  # incidents.workflow.DISPATCH_CLOSED, frozen here


def follow_dispatches(apps, schema_editor):
    Team = apps.get_model("resources", "Team")
    TeamDispatch = apps.get_model("incidents", "TeamDispatch")
    out = TeamDispatch.objects.exclude(state=CLOSED).values("team_id")
    Team.objects.filter(pk__in=out).exclude(readiness="deployed").update(readiness="deployed")
    Team.objects.filter(readiness="deployed").exclude(pk__in=out).update(readiness="resting")


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0008_plan_name_unique'),
        ('resources', '0005_team_readiness_help'),
    ]

    operations = [
        migrations.RunPython(follow_dispatches, migrations.RunPython.noop),
    ]
