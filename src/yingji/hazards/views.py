from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from yingji.core.framework.geo import optional_float
from yingji.core.framework.net import client_ip
from yingji.core.framework.readviews import read_api, read_page
from yingji.hazards import dashboard


# Not an operation: a chart page, it reads (a declared read view over the hazards).
@read_page("hazards")
def hazard_dashboard(request):
    return render(request, "hazards/dashboard.html", {"s": dashboard.summary(request.user)})


# Not an operation: chart data (GET), it reads.
@extend_schema(summary="隐患统计：按等级、状态、区划、隐患存续时间，整改率、逾期率、平均销号天数", tags=["事故隐患"],
               responses=OpenApiTypes.OBJECT)
@read_api("hazards")
def hazard_dashboard_api(request):
    s = dashboard.summary(request.user)
    s["major_list"] = [{"id": h.pk, "title": h.title, "organization": str(h.organization or ""),
                        "state": h.get_state_display(), "found_at": h.found_at} for h in s["major_list"]]
    return Response(s)


# ---- public pages (no login) --------------------------------------------------------------------

# Not an operation: a public form (no login: token, honeypot and rate limits are its checks).
def tip_off(request):
    from yingji.hazards import public

    context = {"token": public.form_token(), "data": {}}
    if request.method == "POST":
        data = request.POST
        try:
            tip = public.submit(
                ip=client_ip(request), token=data.get("token", ""), honeypot=data.get("website", ""),
                description=data.get("description", ""), place=data.get("place", ""), lon=optional_float(data.get("lon")),
                lat=optional_float(data.get("lat")), contact_name=data.get("contact_name", ""),
                contact_phone=data.get("contact_phone", ""), photos=request.FILES.getlist("photos"))
        except public.Refused as exc:
            context.update(error=str(exc), data=data)
            return render(request, "public/tip_off.html", context, status=exc.status)
        return render(request, "public/tip_off_done.html", {"tip": tip})
    return render(request, "public/tip_off.html", context)


# Not an operation: a public page (no login; the 受理编号 is the key), it reads.
def tip_off_status(request):
    from yingji.hazards import public

    code = request.GET.get("code", "")
    return render(request, "public/tip_off_status.html", {"code": code, "result": public.progress(code) if code else None})
