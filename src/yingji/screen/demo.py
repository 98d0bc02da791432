"""The demo county's 事件链 (a step of ``yingji.core.framework.demo.load``): past rainstorms of the
county whose incidents led to others — 暴雨 → 山体滑坡 → 道路交通事故, 暴雨 → 山洪 → 桥梁垮塌 … —
registered, linked (事件关联, or named on the first incident's timeline) and closed, so the 事理图谱
has something real to count. The screen itself needs no data of its own: its figures are the apps'."""

from __future__ import annotations

import datetime
from unittest import mock

# (days ago, township, [(key, event type, title after the village, hours after the rain began, caused by, how)])
# how: "link" (事件关联 recorded) or "timeline" (the cause's timeline names the later incident's number).
STORMS = [
    (172, "大瑶镇", [("rain", "12200", "强降雨", 0, None, ""),
                   ("slide", "14200", "后山山体滑坡", 5, "rain", "link"),
                   ("road", "22100", "县道滑坡路段车辆侧翻", 7, "slide", "link"),
                   ("power", "23300", "10千伏线路倒杆停电", 6, "slide", "timeline")]),
    (171, "大围山镇", [("rain", "12200", "短时强降雨", 0, None, ""),
                    ("flood", "11300", "山洪暴发", 3, "rain", "link"),
                    ("bridge", "23500", "漫水桥冲毁", 4, "flood", "link"),
                    ("mobile", "23400", "基站断电通信中断", 5, "flood", "timeline")]),
    (150, "官渡镇", [("rain", "12200", "持续强降雨", 0, None, ""),
                   ("slide", "14200", "边坡滑坡", 9, "rain", "timeline"),
                   ("road", "22100", "滑坡体阻断道路致车辆追尾", 10, "slide", "link")]),
    (149, "永安镇", [("rain", "12200", "暴雨", 0, None, ""),
                   ("water", "11200", "城镇内涝", 2, "rain", "link"),
                   ("power", "23300", "配电房进水停电", 3, "water", "link")]),
    (120, "大围山镇", [("rain", "12200", "特大暴雨", 0, None, ""),
                    ("debris", "14300", "沟谷泥石流", 6, "rain", "link"),
                    ("road", "22100", "泥石流冲上公路致车辆被困", 7, "debris", "link")]),
    (60, "大瑶镇", [("thunder", "12900", "雷击", 0, None, ""),
                  ("fire", "17100", "雷击引发山林火灾", 2, "thunder", "link")]),
]


class _Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def load(ctx) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from yingji.core.framework import workflow
    from yingji.core.models import Region
    from yingji.incidents import services
    from yingji.incidents.models import Incident
    from yingji.screen.models import IncidentLink

    users = get_user_model().objects
    duty, leader = users.get(username="duty"), users.get(username="leader")
    towns = {t.name: t for t in ctx.towns}
    made = links = 0
    real_now = timezone.now()
    for days, town_name, steps in STORMS:
        town = towns.get(town_name) or ctx.towns[0]
        villages = list(Region.objects.filter(parent=town).order_by("code")) or [town]
        start = (real_now - datetime.timedelta(days=days)).replace(hour=4, minute=0, second=0, microsecond=0)
        byname: dict[str, Incident] = {}
        for i, (key, code, title, hours, cause, how) in enumerate(steps):
            place = villages[(i + days) % len(villages)]
            at = start + datetime.timedelta(hours=hours)
            clock = _Clock(at + datetime.timedelta(minutes=20))
            with mock.patch("django.utils.timezone.now", clock):
                incident = Incident(
                    title=f"{place.name}{title}", event_type=code, occurred_at=at, received_at=clock.now,
                    address=f"{town.name}{place.name}", region=place, lon=place.centroid_lon, lat=place.centroid_lat,
                    source="below", reporter=f"{town.name}值班室",
                    description=f"{town.name}{place.name}{title}（演示数据：用于事理图谱的事件链）。")
                services.intake(duty, incident)
                made += 1
                if cause:
                    first = byname[cause]
                    if how == "link":
                        # an accident that followed (a road accident after a slide) is 衍生; nature's own, 次生
                        IncidentLink.objects.create(cause=first, effect=incident,
                                                    relation="derived" if code.startswith("2") else "secondary",
                                                    note=f"{first.title}引发{incident.title}")
                    else:
                        services.log(first, "message", f"引发次生事件：{incident.number} {incident.title}", actor=duty)
                    links += 1
            byname[key] = incident
        for incident in byname.values():  # all handled and closed since
            with mock.patch("django.utils.timezone.now", _Clock(start + datetime.timedelta(days=2))):
                workflow.apply(leader, incident, "close", comment="处置完毕（演示数据）")
    ctx.lines.append(f"事理图谱：{made} 起历史关联事件，{links} 条次生衍生关联")
