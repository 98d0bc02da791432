"""The incidents app's home-page cards (declared in apps.py): who is on duty now, and the incidents
being handled, both within the user's scope."""

from django.utils import timezone

from yingji.incidents.models import DutyShift, Incident


def on_duty(request) -> dict:
    now = timezone.now()
    shifts = (DutyShift.objects.for_user(request.user).filter(starts_at__lte=now, ends_at__gt=now)
              .select_related("leader", "officer", "assistant", "region").order_by("region__path"))
    return {"on_duty": shifts[:3]}


def open_incidents(request) -> dict:
    incidents = (Incident.objects.for_user(request.user).filter(state__in=("received", "responding"))
                 .order_by("-received_at"))
    return {"open_incidents": incidents[:5]}
