"""The owner's public lookup page: not an operation — it reads, without login, under its own limits
(public.py)."""

from __future__ import annotations

from django.shortcuts import render

from yingji.core.framework.net import client_ip


def public_lookup(request):
    from yingji.core.directory.public_forms import Refused
    from yingji.requisition import public

    context = {"data": request.POST, "result": None, "asked": False}
    if request.method == "POST":
        context["asked"] = True
        try:
            context["result"] = public.lookup(ip=client_ip(request), number=request.POST.get("number", ""),
                                              tail=request.POST.get("tail", ""))
        except Refused as exc:
            context["error"] = str(exc)
            return render(request, "requisition/lookup.html", context, status=exc.status)
    return render(request, "requisition/lookup.html", context)
