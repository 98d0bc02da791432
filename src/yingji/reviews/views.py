"""The evaluators' phone page during a drill: not an operation — it reads (the criteria, the clock, the
score so far) and its form posts to the declared operation 记录观察 (operations.py), which comes back here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from yingji.core.framework import operations


@login_required
def field(request, pk):
    from yingji.reviews import services
    from yingji.reviews.operations import SLUG, ObserveForm

    op = operations.get(SLUG, "observe")
    ev = operations.record_for(op, request.user, pk)  # 403 for a role without the registry, 404 out of scope
    rows, result = services.evaluation_rows(ev)
    minutes = int((timezone.now() - ev.started_at).total_seconds() // 60) if ev.started_at else None
    return render(request, "reviews/field.html", {
        "ev": ev, "rows": rows, "result": result, "minutes": minutes,
        "may_observe": ev.state == "observing" and op.refused(request.user, ev) is None,
        "form": ObserveForm(user=request.user, record=ev), "key": operations.new_key(),
        "action": reverse("record_operation", kwargs={"registry": SLUG, "pk": ev.pk, "name": "observe"}),
        "recent": ev.observations.select_related("criterion").order_by("-at", "-pk")[:10],
    })
