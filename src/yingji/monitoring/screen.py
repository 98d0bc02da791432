"""The monitoring app's figure for the command-centre screen (大屏), declared in apps.py
(``screen_figures``): alarms not yet cleared, in the viewer's scope."""

from yingji.monitoring.models import Alarm


def active_alarms(user):
    alarms = Alarm.objects.for_user(user).exclude(state="cleared")
    unconfirmed = alarms.filter(state="raised").count()
    return alarms.count(), f"其中未确认 {unconfirmed}"
