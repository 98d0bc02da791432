"""The demo county's 灾害信息员 network (演示数据): an officer on the A post of every village and
township, B posts in the disaster-prone mountain villages, a training each — and a few realistic gaps
for the coverage check to find: villages whose officer left and was not replaced, a disaster-prone
village without its B post, an A post whose holder is recorded as no longer serving."""

from __future__ import annotations

import datetime
from decimal import Decimal

# Mountain townships in the north-east (大围山) and south-east: the first villages of each are listed
# as disaster-prone (山洪、滑坡) — plausible placement for the demo, not the county's real list.
PRONE_TOWNS = {"大围山镇": 6, "张坊镇": 5, "小河乡": 4, "达浒镇": 4, "大瑶镇": 2}
PRONE_BASIS = "《浏阳市地质灾害隐患点和山洪灾害危险区名录（演示数据）》"
# (township, index of its village in code order): the gaps the coverage check is meant to show.
NO_OFFICER = [("大瑶镇", 5), ("官渡镇", 3), ("沙市镇", 7)]
INACTIVE_A = [("永安镇", 2)]
NO_B = [("大围山镇", 1), ("张坊镇", 0)]
COURSES = [("灾情统计报送业务培训", "浏阳市应急管理局", Decimal("8.0")),
           ("国家自然灾害灾情管理系统操作培训", "长沙市应急管理局", Decimal("4.0")),
           ("基层灾害信息员能力提升培训", "湖南省应急管理厅", Decimal("16.0"))]


def load(ctx) -> None:
    from yingji.core.models import Person, User
    from yingji.disasters.officers import DisasterOfficer, DisasterProneVillage, OfficerTraining

    rng = ctx.rng
    by_town: dict[int, list] = {}
    for village in sorted(ctx.villages, key=lambda v: v.code):
        by_town.setdefault(village.parent_id, []).append(village)
    town_of = {t.name: t for t in ctx.towns}

    def pick(pairs):
        return {by_town[town_of[t].pk][i].pk for t, i in pairs if t in town_of and len(by_town[town_of[t].pk]) > i}

    no_officer, inactive_a, no_b = pick(NO_OFFICER), pick(INACTIVE_A), pick(NO_B)
    listed = datetime.date(2026, 3, 1)
    prone = [DisasterProneVillage(region=v, hazards=rng.choice(["山洪、滑坡", "滑坡、崩塌", "山洪、泥石流"]),
                                  basis=PRONE_BASIS, listed_on=listed)
             for name, n in PRONE_TOWNS.items() if name in town_of for v in by_town[town_of[name].pk][:n]]
    DisasterProneVillage.objects.bulk_create(prone)
    prone_ids = {p.region_id for p in prone}

    existing = {}  # the address book's officers (directory demo), by region
    for person in Person.objects.filter(contact_role="disaster_officer").order_by("pk"):
        existing.setdefault(person.region_id, person)
    new_people = []

    def person_for(region, second=False):
        if not second and region.pk in existing:
            return existing[region.pk]
        p = Person(name=ctx.name(), mobile=ctx.mobile(), title="灾害信息员", contact_role="disaster_officer",
                   region=region)
        new_people.append(p)
        return p

    posts = []  # (region, person, post, active)
    for town in ctx.towns:
        posts.append((town, person_for(town), "A", True))
        for village in by_town.get(town.pk, []):
            if village.pk in no_officer:
                continue
            posts.append((village, person_for(village), "A", village.pk not in inactive_a))
            if village.pk in prone_ids and village.pk not in no_b:
                posts.append((village, person_for(village, second=True), "B", True))
    Person.objects.bulk_create(new_people)

    village_user = User.objects.filter(username="village").select_related("scope_region").first()
    since = datetime.date(2021, 6, 1)
    officers = [DisasterOfficer(person=person, region=region, post=post, phone=person.mobile, active=active,
                                since=since + datetime.timedelta(days=rng.randrange(1500)),
                                account=village_user if (village_user and post == "A"
                                                         and region.pk == village_user.scope_region_id) else None,
                                notes="" if active else "已外出务工，待乡镇重新选配")
                for region, person, post, active in posts]
    DisasterOfficer.objects.bulk_create(officers)
    trainings = []
    for officer in officers:
        for course, organizer, hours in rng.sample(COURSES, rng.choice([1, 1, 2])):
            day = datetime.date(2026, 4, 1) + datetime.timedelta(days=rng.randrange(120))
            trainings.append(OfficerTraining(officer=officer, region_id=officer.region_id, date=day, course=course,
                                             hours=hours, organizer=organizer,
                                             certificate=f"LY{day:%Y%m}{rng.randrange(10**4):04d}"
                                             if hours >= 8 else ""))
    OfficerTraining.objects.bulk_create(trainings)
    gaps = len(no_officer) + len(inactive_a) + len(no_b & prone_ids)
    ctx.facts.append(f"{len(officers)} 名灾害信息员（{gaps} 个村社区有缺口）")
