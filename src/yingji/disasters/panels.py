"""The app's home-page card (declared in apps.py): the reporting clocks still running, soonest first,
for the events the user sees — what the duty desk owes upward next."""

from django.utils import timezone

from yingji.disasters.models import DisasterDeadline, DisasterEvent

WATCHERS = {"admin", "leader", "duty", "staff", "township", "village"}  # who owes or chases the reports


def open_clocks(request) -> dict | None:
    from yingji.core.framework.roles import holds

    if not request.user.has_perm("disasters.view_disasterevent") or not (
            request.user.is_superuser or holds(request.user) & WATCHERS):
        return None
    events = DisasterEvent.objects.for_user(request.user).exclude(state="closed")
    now = timezone.now()
    clocks = list(DisasterDeadline.objects.filter(event__in=events, done_at__isnull=True)
                  .select_related("event").order_by("due_at")[:6])
    if not clocks:
        return None
    for c in clocks:
        c.minutes_left = int((c.due_at - now).total_seconds() // 60)
        c.overdue = c.minutes_left < 0
    return {"disaster_clocks": clocks}
