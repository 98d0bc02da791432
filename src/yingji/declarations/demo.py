"""The demo county's online declarations (a step of ``yingji.core.framework.demo.load``): two villagers
of 大瑶镇 declared the same loss in the past flood from their phones, hours apart — the second is grouped
with the first as a duplicate; both wait for the township (待处理), whose map shows them."""

from __future__ import annotations

import datetime


def load(ctx) -> None:
    from yingji.core.directory.public_forms import Refused, locate
    from yingji.declarations import services
    from yingji.disasters.models import DisasterEvent

    flood = DisasterEvent.objects.filter(disaster_type="flood").order_by("learned_at").first()
    town = next((t for t in ctx.towns if t.name == "大瑶镇"), ctx.towns[0])
    village = next((v for v in ctx.villages if v.parent_id == town.pk), None)
    if flood is None or village is None:
        return
    name = village.name.replace("村委会", "村").replace("居委会", "社区")

    def placed(lon, lat):
        try:
            locate(lon, lat)
        except Refused:
            return None, None
        return lon, lat

    start = flood.learned_at + datetime.timedelta(hours=3)
    texts = [
        (start, f"昨晚暴雨引发山洪冲进{name}3组，我家2间房屋倒塌，一家4口人已转移到村部，需要帐篷和饮用水。", 0.0),
        (start + datetime.timedelta(hours=2, minutes=20),
         f"{name}3组被暴雨山洪冲了，邻居家2间房屋倒塌，4口人转移到村部，急需帐篷和饮用水。", 0.0003),
    ]
    made = []
    for at, text, shift in texts:
        lon, lat = placed(village.centroid_lon + shift, village.centroid_lat + shift / 2)
        made.append(services.declare(
            text=text, kind="loss", place=f"{town.name}{name}3组", lon=lon, lat=lat, accuracy_m=30,
            contact_name=ctx.name(), contact_phone=ctx.mobile(), client="demo", at=at))
    grouped = sum(1 for d in made if d.duplicate_of_id)
    ctx.lines.append(f"网上申报：{flood.name}期间 {len(made)} 条（{grouped} 条归为疑似重复），待{town.name}核实处理")
