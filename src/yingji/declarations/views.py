"""The declarations' pages that are not registry pages: the public form and status page (no login) and
the declarations' map (the 一张图 with the declarations' layer on)."""

from __future__ import annotations

from django.shortcuts import render

from yingji.core.framework.net import client_ip
from yingji.core.framework.readviews import read_page
from yingji.declarations.choices import DeclarantKind, Kind


# Not an operation: a public form (no login: token, honeypot and rate limits are its checks).
def declare(request):
    from yingji.declarations import public

    context = {"token": public.form_token(), "data": {"kind": Kind.DISASTER, "declarant_kind": DeclarantKind.PUBLIC},
               "kinds": Kind.choices, "declarant_kinds": DeclarantKind.choices, "most_photos": public.MOST_PHOTOS}
    if request.method == "POST":
        data = request.POST
        try:
            d = public.submit(
                ip=client_ip(request), token=data.get("token", ""), honeypot=data.get("website", ""),
                kind=data.get("kind", ""), declarant_kind=data.get("declarant_kind", ""), text=data.get("text", ""),
                place=data.get("place", ""), lon=data.get("lon"), lat=data.get("lat"),
                accuracy_m=data.get("accuracy_m"), contact_name=data.get("contact_name", ""),
                contact_phone=data.get("contact_phone", ""), photos=request.FILES.getlist("photos"))
        except public.Refused as exc:
            context.update(error=str(exc), field=getattr(exc, "field", ""), data=data, token=public.form_token())
            return render(request, "declarations/declare.html", context,
                          status=exc.status)
        return render(request, "declarations/declare_done.html", {"d": d})
    return render(request, "declarations/declare.html", context)


# Not an operation: a public page (no login; the 查询码 is the key), it reads.
def declare_status(request):
    from yingji.declarations import services

    code = request.GET.get("code", "")[:20]
    result = services.progress(code) if code else None
    return render(request, "declarations/declare_status.html", {"code": code, "result": result},
                  status=404 if code and result is None else 200)


# Not an operation: a map page, it reads (the layers come from the scoped map-layer API).
@read_page("declarations")
def declaration_map(request):
    from yingji.core.directory.views import REGION_ATTRIBUTES, map_level_for
    from yingji.core.framework.views import map_layers

    layers = [dict(layer, on=layer["slug"] == "declarations") for layer in map_layers(request.user)]
    layers.sort(key=lambda layer: layer["slug"] != "declarations")
    return render(request, "map.html", {"title": "网上申报地图", "attributes": REGION_ATTRIBUTES,
                                        "map_level": map_level_for(request.user), "layers": layers,
                                        "levels": [("township", "乡镇街道"), ("village", "村社区"),
                                                   ("county", "县（市、区）")]})
