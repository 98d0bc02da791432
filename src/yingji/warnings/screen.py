"""The warnings app's figure for the command-centre screen (大屏), declared in apps.py
(``screen_figures``): warnings in force (published, between effective and expiry) that concern the
viewer's region — issued inside it, or issued above it for an area that reaches into it."""

from django.utils import timezone

from yingji.core.framework.access import effective_region
from yingji.warnings.models import Warning


def _concerns(code: str, targets: str, issued_in: str) -> bool:
    codes = [c.strip() for c in targets.split(",") if c.strip()] or [issued_in]
    return any(code.startswith(c) or c.startswith(code) for c in codes)


def in_force(user):
    now = timezone.now()
    live = Warning.objects.filter(state="published", effective__lte=now, expires__gt=now).exclude(cap_status="Test")
    mine = set(live.for_user(user).values_list("pk", flat=True))
    region = effective_region(user)
    if region is not None:  # a county's warning for the township's area is the township's too
        mine |= {pk for pk, targets, issued_in in live.exclude(pk__in=mine).values_list("pk", "target_regions",
                                                                                          "region__code")
                 if _concerns(region.code, targets, issued_in)}
    red = live.filter(pk__in=mine, level__in=("red", "orange")).count()
    return len(mine), f"其中红色、橙色 {red}"
