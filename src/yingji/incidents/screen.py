"""The incidents app's figures for the command-centre screen (大屏), declared in apps.py
(``screen_figures``): each counted in the viewer's scope."""

from django.utils import timezone

from yingji.incidents.models import Incident, ReportingDeadline, TeamDispatch

OPEN = ("received", "responding")


def open_incidents(user):
    incidents = Incident.objects.for_user(user).filter(state__in=OPEN)
    responding = incidents.filter(state="responding").count()
    return incidents.count(), f"其中响应中 {responding}"


def relocated(user):
    """紧急转移安置 as the open incidents report it (the incident's own figure, not the shelters')."""
    from django.db.models import Sum

    total = Incident.objects.for_user(user).filter(state__in=OPEN).aggregate(n=Sum("relocated"))["n"] or 0
    return total, "在办事件报告数"


def teams_out(user):
    dispatches = TeamDispatch.objects.for_user(user).open()
    on_scene = dispatches.filter(state="on_scene").count()
    return dispatches.count(), f"其中已到场 {on_scene}"


def reports_due(user):
    """Reporting clocks still running on the open incidents in scope; those past due beside them."""
    clocks = ReportingDeadline.objects.filter(done_at__isnull=True, incident__in=Incident.objects.for_user(user)
                                              .filter(state__in=OPEN))
    overdue = clocks.filter(due_at__lt=timezone.now()).count()
    return clocks.count(), f"其中超时 {overdue}"
