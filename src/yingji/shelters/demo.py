"""The demo county's shelters in use (a step of ``yingji.core.framework.demo.load``): the disasters
demo's past flood gets two shelters activated in its flooded townships, with families checked in
through the real services — one household with a person without an ID number, one transferred
between the two, one already gone home — and a few lines of the 运行日志."""

from __future__ import annotations

FAMILIES = [  # (户主, 户籍村 index, members: (name, relation, flags), head flags)
    ("刘建国", 0, [("王秀兰", "配偶", ""), ("刘小宇", "子女", "幼")], ("老",)),
    ("陈志强", 1, [("陈奶奶", "父母", "老、病")], ()),
    ("黄美玲", 0, [("周小雨", "子女", "幼")], ("孕",)),
    ("赵德明", 1, [], ("残", "三无")),
    ("孙丽华", 2, [("孙浩", "子女", "")], ()),
]


def _id_number(rng, village_code: str, year: int) -> str:
    from yingji.core.directory.codes import id_number_check_char

    body = f"{village_code[:6]}{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    return body + id_number_check_char(body)


def load(ctx) -> None:
    from django.contrib.auth import get_user_model

    from yingji.disasters.models import DisasterEvent
    from yingji.resources.models import Shelter
    from yingji.shelters import services

    staff = get_user_model().objects.get(username="staff")
    event = DisasterEvent.objects.filter(disaster_type="flood").order_by("learned_at").first()
    if event is None:
        return
    towns = list(event.townships.order_by("code"))
    sites = [s for t in towns for s in Shelter.objects.filter(region=t, duration_class__in=("short", "medium", "long"))
             .order_by("name")][:2]
    if len(sites) < 2:
        return
    first, second = (services.activate(staff, s, event=event, commander=ctx.name(), phone=ctx.mobile(),
                                       zones="A区（教学楼）、B区（体育馆）") for s in sites)
    villages = [v for t in towns for v in t.children.filter(level="village").order_by("code")][:3]
    households = []
    for n, (head, vi, members, flags) in enumerate(FAMILIES):
        village = villages[vi % len(villages)]
        site = first if n < 3 else second
        lines = "\n".join(f"{name}，{_id_number(ctx.rng, village.code, 2015)}，{rel}，{fl}"
                          if rel == "子女" else f"{name}，，{rel}，{fl}" for name, rel, fl in members)
        household, _ = services.check_in(
            staff, site, head_name=head, village=village, head_id_number=_id_number(ctx.rng, village.code, 1950 + 7 * n),
            phone=ctx.mobile(), head_flags=flags, members=lines, zone="A区" if n % 2 == 0 else "B区",
            room=f"{101 + n}", needs="需要降压药" if "老" in flags else "")
        households.append(household)
    services.add_log(staff, first, kind="duty", staff_on_duty=f"{ctx.name()}、{ctx.name()}",
                     content="两班轮换值守，夜间巡查 2 次")
    services.add_log(staff, first, kind="supplies", people=60, content="接收县储备库折叠床 60 张、棉被 60 床")
    services.add_log(staff, second, kind="inspection", content="检查消防通道、用电和食品留样，未见问题")
    services.transfer(staff, households[2], target=second, zone="B区", room="201")  # a mother-to-be to the quieter site
    services.check_out(staff, households[3], destination="返回原住址（房屋经鉴定可居住）")
    ctx.lines.append(f"避灾安置：{event.name} 启用 {first.name}、{second.name}，{len(households)} 户入住（1 户转移、1 户已返家）")
