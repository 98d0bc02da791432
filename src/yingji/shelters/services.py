"""Every state change of shelter operations: activation and its counts, check-in (with the duplicate
candidates shown at once), members, check-out, transfer, the 运行日志, the 寻亲 switch, anonymisation
after the retention period — and what other apps read: ``households_for_relief`` (relief) and
``report_figures`` (the 灾情 report). The rules and the arithmetic are the pure modules rules.py,
capacity.py and duplicates.py."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from yingji.core.framework import numbering
from yingji.core.framework.operations import Conflict
from yingji.core.models import Region
from yingji.core.models import rules_for as jurisdiction_rules
from yingji.shelters import capacity, duplicates, rules
from yingji.shelters.choices import FLAGS, ActivationState, Relation, StayEnd, StayState
from yingji.shelters.models import (
    ANONYMISED,
    Activation,
    Evacuee,
    FamilySearch,
    Household,
    LogEntry,
    ShelterRule,
    Stay,
    split_flags,
)

OPEN = (ActivationState.ACTIVATED, ActivationState.RUNNING)


# ---- rules of the jurisdiction -----------------------------------------------------------------

def rules_for(region: Region | None) -> dict[str, rules.Rule]:
    """The national defaults with the overrides of ``region`` and the regions above it (nearest wins)."""
    return jurisdiction_rules(ShelterRule, region)


def usable_capacity(shelter) -> int:
    """The shelter's usable capacity: its effective area ÷ the per-person norm of its class."""
    table = rules_for(shelter.region)
    return capacity.usable_capacity(shelter.effective_area_m2, rules.m2_per_person(table, shelter.duration_class))


# ---- activation --------------------------------------------------------------------------------

def activate(user, shelter, *, event, commander="", phone="", zones="") -> Activation:
    """应急启用: open ``shelter`` for ``event`` (one activation per shelter and event; not while the
    shelter is open for another event)."""
    busy = Activation.objects.filter(shelter=shelter, state__in=OPEN).select_related("event").first()
    if busy is not None:
        raise Conflict(f"{shelter.name}正在为“{busy.event}”运行，结束后才能再次启用")
    if Activation.objects.filter(shelter=shelter, event=event).exists():
        raise Conflict(f"{shelter.name}已为本事件启用过")
    activation = Activation(shelter=shelter, event=event, commander=commander, phone=phone,
                            zones=zones or shelter.zones, capacity_people=usable_capacity(shelter))
    activation.full_clean()
    activation.save()
    _shelter_status(shelter)
    return activation


def on_activation_transition(activation: Activation, name: str) -> None:
    now = timezone.now()
    if name == "start":
        activation.running_at = now
    elif name == "close":
        activation.closed_at = now
        _shelter_status(activation.shelter, closing=activation.pk)  # its own state is saved after this hook


def _shelter_status(shelter, closing=None) -> None:
    """The resources registry's 状态 follows its activations: 开放 / 满员 while one runs, else 待用."""
    from yingji.resources.choices import ShelterStatus

    running = Activation.objects.filter(shelter=shelter, state__in=OPEN).exclude(pk=closing).first()
    status = (ShelterStatus.IDLE if running is None else
              ShelterStatus.FULL if running.occupancy == "red" else ShelterStatus.OPEN)
    if shelter.status != status and shelter.status != ShelterStatus.CLOSED:
        type(shelter).objects.filter(pk=shelter.pk).update(status=status)
        shelter.status = status


def refresh_counts(activation: Activation) -> Activation:
    """Recount the activation's people (in now, households in, everyone who ever stayed) and colour."""
    in_now = Evacuee.objects.filter(household__activation=activation, household__state=StayState.IN)
    activation.occupants = in_now.count()
    activation.households_in = activation.households.filter(state=StayState.IN).count()
    activation.total_people = Evacuee.objects.filter(household__stays__activation=activation).distinct().count()
    table = rules_for(activation.shelter.region)
    activation.occupancy = capacity.level(activation.occupants, activation.capacity_people,
                                          table["amber_ratio"].value, table["red_ratio"].value)
    Activation.objects.filter(pk=activation.pk).update(
        occupants=activation.occupants, households_in=activation.households_in,
        total_people=activation.total_people, occupancy=activation.occupancy)
    _shelter_status(activation.shelter)
    return activation


def nearest_with_room(activation: Activation, need: int = 1):
    """(activation, leg) of the other open shelter of the same event with room for ``need`` that is
    soonest reached from ``activation``: by road time over this installation's road network (the
    logistics routing engine, as dispatch uses it), by a straight-line estimate where no network is
    loaded or it does not connect the two (``leg.method`` says which). None when none has room."""
    from yingji.logistics import routing
    from yingji.resources.dispatch import road_network

    if activation.lon is None or activation.lat is None:
        return None
    others = {a.pk: a for a in Activation.objects.filter(event=activation.event, state__in=OPEN)
              .exclude(pk=activation.pk).exclude(lon=None).exclude(lat=None) if a.free >= need}
    legs = routing.nearest(road_network(), activation.lon, activation.lat,
                           [{"id": pk, "lon": a.lon, "lat": a.lat} for pk, a in others.items()], n=1,
                           with_routes=False)
    return (others[legs[0].id], legs[0]) if legs else None


def how_far(leg) -> str:
    """A leg as the desk reads it, saying how it was measured."""
    if leg.method == "road":
        return f"路网行程约 {max(1, round(leg.minutes))} 分钟，{leg.metres / 1000:.1f} 公里"
    return f"直线距离约 {leg.metres / 1000:.1f} 公里（未载入路网或路网不连通，按直线估算）"


def activation_summary(activation: Activation) -> list:
    """The activation page's summary: its room, and once it is amber or red the nearest shelter with room."""
    lines = [f"可用容量 {activation.capacity_people} 人，在住 {activation.occupants} 人（{activation.households_in} 户），"
             f"空位 {activation.free} 人；累计安置 {activation.total_people} 人"]
    if activation.state in OPEN and activation.occupancy != "green":
        nearest = nearest_with_room(activation)
        lines.append(f"{'已满员' if activation.occupancy == 'red' else '接近满员'}，"
                     + (f"最近有空位的安置点：{nearest[0].name}（{how_far(nearest[1])}，空位 {nearest[0].free} 人）"
                        if nearest else "本事件暂无其他有空位的安置点"))
    return [("安置容量", lines)]


def full_message(activation: Activation, need: int) -> str:
    text = f"{activation.name}可用容量 {activation.capacity_people} 人，在住 {activation.occupants} 人，容纳不下这 {need} 人"
    nearest = nearest_with_room(activation, need)
    if nearest is None:
        return text + "；本事件暂无其他有空位的安置点，请启用新的安置点"
    other, leg = nearest
    return text + f"；最近有空位的安置点：{other.name}（{how_far(leg)}，空位 {other.free} 人）"


# ---- 运行日志 ----------------------------------------------------------------------------------------

def add_log(user, activation: Activation, **fields) -> LogEntry:
    if activation.state == ActivationState.CLOSED:
        raise Conflict("安置点已结束运行，不能再记运行日志")
    entry = LogEntry(activation=activation, recorded_by=user if user and user.is_authenticated else None, **fields)
    entry.full_clean()
    entry.save()
    return entry


# ---- people --------------------------------------------------------------------------------------

def parse_members(text: str) -> list[dict]:
    """The 家庭成员 box: one member per line, ``姓名，身份证号码，关系，特殊需求，常用药品`` (all but the name
    optional; 特殊需求 separated by 、). Errors are located by line."""
    labels = dict(Relation.choices)
    by_label = {v: k for k, v in labels.items()}
    out, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        parts += [""] * (5 - len(parts))
        name, id_number, relation, flags, medication = parts[:5]
        if not name:
            errors.append(f"第 {number} 行：缺少姓名")
            continue
        if relation and relation not in by_label:
            errors.append(f"第 {number} 行：关系“{relation}”应为 {'、'.join(v for v in labels.values() if v != '户主')} 之一")
            continue
        out.append({"name": name, "id_number": id_number, "relation": by_label.get(relation, Relation.OTHER),
                    "flags": flags, "medication": medication, "line": number})
    if errors:
        raise ValidationError({"members": errors})
    return out


def _person(household: Household, data: dict, field: str = "members") -> Evacuee:
    line = data.pop("line", None)
    person = Evacuee(household=household, **data)
    try:
        person.full_clean()
    except ValidationError as exc:
        where = f"第 {line} 行" if line else ""
        raise ValidationError({field: [f"{where}{data.get('name', '')}：{m}" for m in exc.messages]}) from None
    person.save()
    return person


def check_in(user, activation: Activation, *, head_name, village, head_id_number="", phone="", head_flags=(),
             head_medication="", members="", zone="", room="", pets="", needs="", allow_over=False):
    """入住登记: a household and its people into ``activation``; refused (409) when the shelter is closed or
    has no room for them (naming the nearest shelter with room). Returns (household, candidates)."""
    if activation.state == ActivationState.CLOSED:
        raise Conflict("安置点已结束运行，不能再登记入住")
    others = parse_members(members) if isinstance(members, str) else list(members or [])
    need = 1 + len(others)
    # One check-in at a time per shelter (two desks at once): the room left and the first check-in's
    # 开始运行 are read after the other's commit, so neither overfills it nor fails on the transition.
    list(Activation.objects.select_for_update().filter(pk=activation.pk).values_list("pk", flat=True))
    activation.refresh_from_db()
    if activation.occupants + need > activation.capacity_people and not allow_over:
        raise Conflict(full_message(activation, need))
    household = Household(activation=activation, event=activation.event, head_name=head_name.strip(),
                          head_id_number=(head_id_number or "").strip().upper(), phone=phone, village=village,
                          zone=zone, room=room, pets=pets, needs=needs,
                          card_number=numbering.dated_number(Household, "card_number", "AZ", 4, sep="-"))
    household.full_clean()
    household.save()
    people = [_person(household, {"name": household.head_name, "id_number": household.head_id_number,
                                  "relation": Relation.HEAD, "phone": phone, "flags": "、".join(head_flags),
                                  "medication": head_medication}, "head_id_number")]
    people += [_person(household, dict(m)) for m in others]
    Stay.objects.create(household=household, activation=activation, people=len(people), arrived_at=household.checked_in_at)
    if activation.state == ActivationState.ACTIVATED:  # the first people in: the site is running
        from yingji.core.framework import workflow

        workflow.apply(user, activation, "start", comment="首户入住", system=True)
    refresh_counts(activation)
    found = duplicates.candidates_for([_as_dict(p) for p in people],
                                      _event_people(activation.event, exclude=household, like=people))
    return household, found


def add_member(user, household: Household, *, name, id_number="", relation=Relation.OTHER, flags=(), medication="",
               birth_year=None, gender=""):
    if household.state != StayState.IN:
        raise Conflict("该户已离开安置点，不能再添加成员")
    person = Evacuee(household=household, name=name, id_number=id_number, relation=relation,
                     flags="、".join(flags), medication=medication, birth_year=birth_year, gender=gender)
    person.full_clean()
    person.save()
    Stay.objects.filter(household=household, left_at__isnull=True).update(people=F("people") + 1)
    refresh_counts(household.activation)
    return person, duplicates.candidates_for([_as_dict(person)],
                                             _event_people(household.event, exclude=household, like=[person]))


def check_out(user, household: Household, *, destination) -> Household:
    """离开登记 with where the household goes (返家, 投亲靠友 …)."""
    if household.state != StayState.IN:
        raise Conflict("该户已离开安置点")
    now = timezone.now()
    household.state, household.checked_out_at, household.destination = StayState.OUT, now, destination.strip()
    household.save()
    Stay.objects.filter(household=household, left_at__isnull=True).update(left_at=now, ended=StayEnd.CHECKOUT,
                                                                          destination=household.destination)
    refresh_counts(household.activation)
    return household


def transfer(user, household: Household, *, target: Activation, zone="", room="") -> Household:
    """转移安置点: the household moves to ``target`` (same event, open, with room); its stays are one history."""
    if household.state != StayState.IN:
        raise Conflict("该户已离开安置点，不能转移")
    if target.pk == household.activation_id:
        raise ValidationError({"target": "目标安置点与当前安置点相同"})
    if target.event_id != household.event_id:
        raise ValidationError({"target": "只能转移到同一灾情事件的安置点"})
    if target.state == ActivationState.CLOSED:
        raise Conflict(f"{target.name}已结束运行")
    need = household.members.count()
    list(Activation.objects.select_for_update().filter(pk=target.pk).values_list("pk", flat=True))  # as check_in
    target.refresh_from_db()
    if target.occupants + need > target.capacity_people:
        raise Conflict(full_message(target, need))
    now, source = timezone.now(), household.activation
    Stay.objects.filter(household=household, left_at__isnull=True).update(left_at=now, ended=StayEnd.TRANSFER,
                                                                          destination=target.name)
    household.activation, household.zone, household.room = target, zone, room
    household.save()  # takes the target's region and organization (scope follows the household)
    Evacuee.objects.filter(household=household).update(region=household.region, organization=household.organization)
    Stay.objects.create(household=household, activation=target, people=need, arrived_at=now)
    if target.state == ActivationState.ACTIVATED:
        from yingji.core.framework import workflow

        workflow.apply(user, target, "start", comment="转入首户", system=True)
    refresh_counts(source)
    refresh_counts(target)
    return household


# ---- duplicates ---------------------------------------------------------------------------------

def _as_dict(p: Evacuee) -> dict:
    h = p.household
    return {"key": p.pk, "household": h.pk, "name": p.name, "id_number": p.id_number,
            "phone": p.phone or h.phone, "village": h.village_id, "birth_year": p.birth_year,
            "shelter": h.activation.name, "card_number": h.card_number}


def _event_people(event, exclude: Household | None = None, like=None, where: Q | None = None) -> list[dict]:
    """The event's registered people; with ``like`` (people just registered), only those who could pair
    with one of them: every sign of duplicates.py needs the same ID number or the same name, so the desk's
    check does not read the whole event (20,000 people in a large flood) at each check-in. ``where``
    narrows them further (the whole event's list: only people in a group that shares a sign)."""
    qs = Evacuee.objects.filter(household__event=event, household__anonymised_at__isnull=True)
    if exclude is not None:
        qs = qs.exclude(household=exclude)
    if like is not None:
        names = {p.name for p in like if p.name}
        numbers = {p.id_number for p in like if p.id_number}
        qs = qs.filter(Q(name__in=names) | Q(id_number__in=numbers))
    if where is not None:
        qs = qs.filter(where)
    # plain rows, not model instances: the whole event's list reads 20,000 people in a large flood
    rows = qs.values_list("pk", "household_id", "name", "id_number", "phone", "household__phone", "household__village",
                          "birth_year", "household__activation__name", "household__card_number")
    return [{"key": pk, "household": h, "name": name, "id_number": number, "phone": phone or h_phone,
             "village": village, "birth_year": year, "shelter": shelter, "card_number": card}
            for pk, h, name, number, phone, h_phone, village, year, shelter, card in rows]


def _sharing_a_sign(event) -> Q:
    """The people of ``event`` who share a duplicate sign with someone, found by the database: one grouped
    query per sign (ID number; name + phone, the person's or else the household's; name + home village +
    birth year) giving the keys held by two or more people. The pure engine then pairs only those — a few
    hundred people, not the 20,000 of a large flood (it was most of the list's time)."""
    from django.db.models import Value
    from django.db.models.functions import Coalesce, NullIf

    people = Evacuee.objects.filter(household__event=event, household__anonymised_at__isnull=True).order_by()
    numbers = list(people.exclude(id_number="").values("id_number").annotate(n=Count("pk")).filter(n__gt=1)
                   .values_list("id_number", flat=True))
    by_phone = (people.annotate(tel=Coalesce(NullIf("phone", Value("")), NullIf("household__phone", Value(""))))
                .exclude(tel=None).exclude(name="").values("name", "tel").annotate(n=Count("pk")).filter(n__gt=1))
    by_year = (people.exclude(birth_year=None).exclude(name="").values("name", "household__village", "birth_year")
               .annotate(n=Count("pk")).filter(n__gt=1))
    names = {r["name"] for r in by_phone} | {r["name"] for r in by_year}
    return Q(id_number__in=numbers) | Q(name__in=names)


def duplicate_candidates(event, user=None) -> list[duplicates.Candidate]:
    """The duplicate candidates of ``event`` across all its shelters; with ``user``, the pairs of which
    at least one person is in the user's scope (the other shown as its shelter only)."""
    found = duplicates.candidates(_event_people(event, where=_sharing_a_sign(event)))
    if user is None:
        return found
    keys = {c.first["key"] for c in found} | {c.second["key"] for c in found}
    visible = set(Evacuee.objects.for_user(user).filter(pk__in=keys).values_list("pk", flat=True))
    return [c for c in found if c.first["key"] in visible or c.second["key"] in visible]


# ---- what other apps read ----------------------------------------------------------------------

def households_for_relief(event) -> list[dict]:
    """One dict per household registered for ``event`` (in a shelter now or not): household_id,
    head_name, head_id_number, phone, village_id (Region pk), members (count), flags (set of 老 幼 孕 残
    病 三无 三孤 over its members) and shelter_id (the resources.Shelter it stays or last stayed in).
    Anonymised households come with empty names and numbers. Not scoped: relief's services scope it."""
    out = []
    households = (Household.objects.filter(event=event).select_related("activation")
                  .prefetch_related("members").order_by("pk"))
    for h in households:
        flags = set()
        for m in h.members.all():
            flags |= set(split_flags(m.flags))
        out.append({"household_id": h.pk, "head_name": "" if h.anonymised_at else h.head_name,
                    "head_id_number": h.head_id_number, "phone": h.phone, "village_id": h.village_id,
                    "members": len(h.members.all()), "flags": flags & set(FLAGS),
                    "shelter_id": h.activation.shelter_id})
    return out


def _township_of(region: Region) -> Region | None:
    while region is not None and region.level == "village":
        region = region.parent
    return region if region is not None and region.level == "township" else None


def report_figures(event) -> dict[str, dict[str, int]]:
    """The shelter figures of ``event`` per township code: ``relocated_concentrated`` (集中安置, people ever
    placed — a person transferred counts once), ``relocated_concentrated_current`` (in a shelter now: the
    concentrated part of 紧急转移安置人口（实时）) and ``shelter_sites`` (集中安置点数: shelters activated in the
    township). People count in their home village's township, sites in the township they stand in. The
    county's total is under ``""``."""
    out: dict[str, dict[str, int]] = {}

    def row(code):
        return out.setdefault(code, {"relocated_concentrated": 0, "relocated_concentrated_current": 0, "shelter_sites": 0})

    people = list(Evacuee.objects.filter(household__event=event).values("household__village", "household__state")
                  .annotate(n=Count("pk")).order_by())
    # the home villages with their townships, in one query (a village's parent is its township)
    villages = {r.pk: _township_of(r) for r in Region.objects.filter(
        pk__in={r["household__village"] for r in people}).select_related("parent")}
    for r in people:
        town = villages[r["household__village"]]
        for code in ("", town.code if town else None):
            if code is None:
                continue
            row(code)["relocated_concentrated"] += r["n"]
            if r["household__state"] == StayState.IN:
                row(code)["relocated_concentrated_current"] += r["n"]
    for a in Activation.objects.filter(event=event).select_related("shelter__region"):
        town = _township_of(a.shelter.region)
        for code in ("", town.code if town else None):
            if code is not None:
                row(code)["shelter_sites"] += 1
    row("")
    return out


# ---- 寻亲 ----------------------------------------------------------------------------------------

def switch_search(user, event, *, enabled: bool) -> FamilySearch:
    setting, _ = FamilySearch.objects.get_or_create(event=event)
    setting.enabled, setting.switched_by = enabled, user
    setting.save()
    return setting


def search_enabled(event) -> bool:
    return FamilySearch.objects.filter(event=event, enabled=True).exists()


# ---- retention ----

PERSONAL = {Household: ("head_name", "head_id_number", "phone", "room", "pets", "needs", "destination"),
            Evacuee: ("name", "id_number", "phone", "medication"), Stay: ("destination",)}


def _scrub_history(households) -> None:
    """The change history of the anonymised records keeps who changed what when, but not the old values
    of their personal fields (nor the records' serialized copies)."""
    from auditlog.models import LogEntry as History
    from django.contrib.contenttypes.models import ContentType

    ids = {Household: list(households.values_list("pk", flat=True))}
    ids[Evacuee] = list(Evacuee.objects.filter(household__in=ids[Household]).values_list("pk", flat=True))
    ids[Stay] = list(Stay.objects.filter(household__in=ids[Household]).values_list("pk", flat=True))
    for model, pks in ids.items():
        entries = History.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                         object_pk__in=[str(pk) for pk in pks])
        for entry in entries:
            changes = entry.changes if isinstance(entry.changes, dict) else {}
            for name in PERSONAL[model]:
                if name in changes:
                    changes[name] = [ANONYMISED if v not in (None, "", "None") else v for v in changes[name]]
            History.objects.filter(pk=entry.pk).update(changes=changes, changes_text="", serialized_data=None)


# ---- retention: the job ---------------------------------------------------------------------------

def anonymise_expired(now: datetime.datetime | None = None) -> int:
    """Anonymise the people of every shelter closed longer ago than its jurisdiction's retention period:
    names, ID numbers, phones, medication, rooms and needs go; counts, home villages, birth years and
    need flags stay (they are the statistics). Returns the number of shelters anonymised."""
    now = now or timezone.now()
    done = 0
    for activation in Activation.objects.filter(state=ActivationState.CLOSED, anonymised_at__isnull=True,
                                                closed_at__isnull=False).select_related("shelter__region"):
        days = int(rules_for(activation.shelter.region)["retention_days"].value)
        if activation.closed_at + datetime.timedelta(days=days) > now:
            continue
        with transaction.atomic():
            households = Household.objects.filter(pk__in=list(Household.objects.filter(
                activation=activation, anonymised_at__isnull=True).values_list("pk", flat=True)))
            Evacuee.objects.filter(household__in=households).update(name=ANONYMISED, id_number="", phone="",
                                                                    medication="")
            households.update(head_name=ANONYMISED, head_id_number="", phone="", room="", pets="", needs="",
                              destination="", anonymised_at=now)
            _scrub_history(households)
            Activation.objects.filter(pk=activation.pk).update(anonymised_at=now)
        done += 1
    return done
