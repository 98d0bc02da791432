"""The command-centre screen (大屏) and the 事理图谱 page: both only read, each in the user's scope.
Their JSON is in the API (and so in the OpenAPI schema) beside the pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from yingji.core.directory.api import REGION_ATTRIBUTES
from yingji.core.directory.views import map_level_for
from yingji.core.framework.readviews import read_api, read_page
from yingji.screen import chains, services

NODE_W, NODE_H = 150, 40  # a type's box on the graph (the engine places its top-left corner)
POLL_S = 30  # the figures are asked for again this often, besides at once on a live event


# Not an operation: the wall's page, it reads (its figures come from figures_api).
@login_required
def screen_page(request):
    user = request.user
    return render(request, "screen/screen.html", {
        "snapshot": services.snapshot(user),
        "config": {"figures_url": "/api/screen/figures/", "poll_s": POLL_S, "channels": services.channels(user),
                   "layers": services.map_layers(user), "level": map_level_for(user),
                   "attribute": "risk" if "risk" in REGION_ATTRIBUTES else "population"},
    })


@extend_schema(summary="指挥大屏的关键数字（在办事件、未消警报警、生效预警、集中安置、出动队伍、待报信息等），"
                       "由各业务声明，按当前用户的管辖范围统计", tags=["指挥大屏"], responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def figures_api(request):
    return Response(services.snapshot(request.user))


def _graph(user, focus: str):
    links, names = services.links(user)
    edges = chains.count_edges(links)
    totals = chains.type_totals(edges)
    types = sorted(totals, key=lambda c: (-sum(totals[c]), c))
    if focus and focus not in totals:
        focus = ""
    focus = focus or next((c for c in types if totals[c][0]), "")  # the most linked type that led somewhere
    return edges, totals, types, names, focus


# Not an operation: the 事理图谱 page, it reads.
@read_page("incidents")
def chains_page(request):
    edges, totals, types, names, focus = _graph(request.user, request.GET.get("type", ""))
    g = chains.graph(edges, focus) if focus else None
    places = {n.code: n for n in g.nodes} if g else {}
    drawn = []
    for e in g.edges if g else []:
        a, b = places[e.cause], places[e.effect]
        x1, y1, x2, y2 = a.x + NODE_W, a.y + NODE_H / 2, b.x, b.y + NODE_H / 2
        mid = (x1 + x2) / 2
        drawn.append({"edge": e, "d": f"M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2 - 6:.0f},{y2:.0f}",
                      "width": min(1 + e.count, 8), "label_x": mid, "label_y": (y1 + y2) / 2 - 6})
    return render(request, "screen/chains.html", {
        "focus": focus, "names": names, "graph": g, "drawn": drawn,
        "nodes": [{"node": n, "name": names.get(n.code, n.code)} for n in (g.nodes if g else [])],
        "types": [(c, names.get(c, c), totals[c]) for c in types],
        "paths": [([names.get(c, c) for c in path], n) for path, n in (chains.chains(edges, focus) if focus else [])],
        "focus_name": names.get(focus, focus),
        "rows": [{"cause_name": names.get(e.cause, e.cause), "effect_name": names.get(e.effect, e.effect),
                  "count": e.count, "examples": e.examples} for e in edges if focus in (e.cause, e.effect)],
        "links_total": sum(e.count for e in edges),
    })


@extend_schema(summary="事理图谱：本辖区已关联突发事件中事件类型之间的先后链条（次生、衍生）及计数和事例，辅助参考，非预测",
               tags=["指挥大屏"], responses=OpenApiTypes.OBJECT,
               parameters=[OpenApiParameter("type", str, description="GB/T 35561 事件类型代码，如 12200（暴雨）；"
                                                                      "不填为关联最多的类型")])
@read_api("incidents")
def chains_api(request):
    wanted = request.query_params.get("type", "")
    edges, totals, types, names, focus = _graph(request.user, wanted)
    if wanted and focus != wanted:
        raise ValidationError({"type": [f"“{wanted}”在本辖区已关联的事件中没有出现"]})
    return Response({
        "note": "辅助参考，非预测：仅统计本辖区已发生并已关联的事件",
        "type": focus, "types": [{"code": c, "name": names.get(c, c), "led_to": totals[c][0], "followed": totals[c][1]}
                                 for c in types],
        "edges": [{"cause": e.cause, "cause_name": names.get(e.cause, e.cause), "effect": e.effect,
                   "effect_name": names.get(e.effect, e.effect), "count": e.count,
                   "examples": [{"cause": a.label, "effect": b.label} for a, b in e.examples]} for e in edges],
        "chains": [{"types": list(path), "names": [names.get(c, c) for c in path], "count": n}
                   for path, n in (chains.chains(edges, focus) if focus else [])],
    })
