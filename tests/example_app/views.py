from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from tests.example_app import pressure
from tests.example_app.models import Hydrant


def _low(user) -> int:
    return sum(pressure.adequate(p) is False for p in Hydrant.objects.for_user(user).values_list("pressure_mpa", flat=True))


@login_required
def summary(request):
    return HttpResponse(f"消防栓 {Hydrant.objects.for_user(request.user).count()} 个，压力不足 {_low(request.user)} 个")


def panel(request):
    """The home-page card, for users who may see hydrants."""
    if not request.user.has_perm("example.view_hydrant"):
        return None
    return {"hydrants": Hydrant.objects.for_user(request.user).count(), "low": _low(request.user)}
