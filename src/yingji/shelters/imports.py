"""导入安置名单: a household list (a township's 转移安置人员名单, .xlsx or .csv, one row per person) into one
shelter's activation, as the registry import does it (core.framework.services.import_file): every row
is checked first, any error anywhere refuses the whole file with every bad row and field named
(“第 5 行, 身份证号码: 校验码应为 7，实际为 3”), else all rows are written in one transaction — nothing
is half-imported, and a corrected file can be sent again.

Rows → households: rows with the same 户号 are one household; without a 户号, a 户主 row opens a household
and the rows below it that are not 户主 belong to it (the order lists are written in). Checked per row:
the ID number (GB 11643 check digit; people without one allowed and flagged), phone, home village (code,
name, or township + village name within the event's county), relation, special needs; per household one
户主; per file and event: a person (ID number) already registered for the event, or twice in the file, is an
error; the other duplicate signs (name + phone, name + village + birth year) are located warnings, never
merged. The shelter's room is read under the same row lock as the desk's check-in, so an import and the desk
(or two imports) never overfill it together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core.framework import numbering, tabular
from yingji.core.framework.services import ImportResult, bulk_create_with_history
from yingji.core.framework.tabular import Column
from yingji.shelters import duplicates
from yingji.shelters.choices import FLAGS, ActivationState, Relation
from yingji.shelters.models import Activation, Evacuee, Household, Stay, split_flags

RELATIONS = {label: key for key, label in Relation.choices} | {"本人": Relation.HEAD, "妻": Relation.SPOUSE,
                                                                 "夫": Relation.SPOUSE, "子": Relation.CHILD,
                                                                 "女": Relation.CHILD, "父": Relation.PARENT,
                                                                 "母": Relation.PARENT}
GENDERS = {"男": "male", "女": "female"}

COLUMNS = [
    Column("household", "户号", "同一户的人员填相同户号；不填时，户主行之下、下一个户主行之前的人员归入该户",
           aliases=("户编号", "家庭编号")),
    Column("name", "姓名", "每行一人，户主也占一行", required=True),
    Column("relation", "与户主关系",
           "户主、配偶、子女、父母、其他（也可填 本人、夫、妻、子、女、父、母）；每户须有且只有一名户主",
           required=True, aliases=("关系",)),
    Column("id_number", "身份证号码", "18 位公民身份号码，按 GB 11643 校验；没有证件的留空（登记为无身份证号码人员）",
           aliases=("身份证号", "公民身份号码")),
    Column("gender", "性别", "男、女；有身份证号码的按号码", ),
    Column("birth_year", "出生年份", "四位年份；有身份证号码的按号码，无证件的请填写（用于查重）", aliases=("出生年月",)),
    Column("phone", "联系电话", "户主行的电话为全户联系电话", aliases=("电话", "手机号码")),
    Column("village", "户籍村（社区）",
           "本县的村（社区）代码或名称；重名的写“乡镇名村名”，如 大瑶镇大瑶村；家庭成员可不填（取户主的）",
           aliases=("户籍村", "村（社区）", "所在村")),
    Column("flags", "特殊需求", "用、分隔：" + "、".join(FLAGS), aliases=("特殊人群",)),
    Column("medication", "常用药品", "如 降压药", aliases=("药品",)),
    Column("zone", "分区", "按户填写（户主行）"),
    Column("room", "房间/床位", "按户填写（户主行）", aliases=("房间", "床位")),
    Column("pets", "随行宠物", "按户填写（户主行）"),
    Column("needs", "安置需求", "按户填写：饮食、医疗、照护等", aliases=("备注",)),
]
IGNORED = ("序号",)
LABELS = {c.name: c.label for c in COLUMNS}
HOUSEHOLD_FIELDS = ("phone", "zone", "room", "pets", "needs")
NOTES = [
    "每行一人（户主也占一行）；红色列为必填。同一户的人员填相同的户号，或把家庭成员紧接着写在户主行之下。",
    "整份名单先逐行校验：任何一行有错误（身份证号码校验码错误、户籍村不存在、本事件已登记的同一人、超出安置点可用容量等），"
    "整份名单都不导入，并逐行列出错误；改正后重新导入即可，不会重复登记。",
    "姓名和联系电话相同、姓名户籍村和出生年份相同的，作为疑似重复登记提示，照常导入，请到“疑似重复登记”核对（不会自动合并）。",
]
EXAMPLES = [
    ["1", "刘建国", "户主", "", "男", "1960", "13800000001", "大瑶村", "老", "降压药", "A区", "101", "", "需低盐饮食"],
    ["1", "王秀兰", "配偶", "", "女", "1962", "", "", "病", "", "", "", "", ""],
    ["1", "刘小宇", "子女", "", "", "2018", "", "", "幼", "", "", "", "", ""],
]


def template() -> bytes:
    return tabular.write_template("安置名单", COLUMNS, NOTES, EXAMPLES)


@dataclass
class _Person:
    offset: int
    data: dict
    evacuee: Evacuee | None = None


@dataclass
class _Family:
    key: str
    people: list[_Person] = field(default_factory=list)
    head: _Person | None = None
    household: Household | None = None


class _Located:
    def __init__(self):
        self.items: list[tuple[int, int, str]] = []

    def add(self, offset: int, name: str | None, message: str):
        where = f"第 {offset} 行, {LABELS[name]}" if name else f"第 {offset} 行"
        self.items.append((offset, len(self.items), f"{where}: {message}"))

    def __bool__(self):
        return bool(self.items)

    def sorted(self) -> list[str]:
        return [m for _, _, m in sorted(self.items)]


def _villages(event) -> dict[str, list]:
    """Every village of the event's county by code, by name and by township name + name."""
    from yingji.core.models import Region

    out: dict[str, list] = {}
    for v in Region.objects.filter(level="village", path__startswith=event.region.path).select_related("parent"):
        for key in {v.code, v.name, f"{v.parent.name}{v.name}" if v.parent else v.name,
                    f"{v.parent.name}/{v.name}" if v.parent else v.name}:
            out.setdefault(key, []).append(v)
    return out


def _families(rows, index, errors: _Located) -> list[_Family]:
    families: dict[str, _Family] = {}
    current: _Family | None = None
    for offset, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        data = {name: (row[i] if i < len(row) else "").strip() for name, i in index.items()}
        person = _Person(offset, data)
        relation = data.get("relation", "")
        key = data.get("household", "")
        if key:
            family = families.setdefault(f"k:{key}", _Family(key))
        elif RELATIONS.get(relation) == Relation.HEAD:
            family = families.setdefault(f"r:{offset}", _Family(""))
        elif current is None:
            errors.add(offset, "relation", "本行不是户主，上方也没有可归入的户（请填写户号，或把家庭成员写在户主行之下）")
            continue
        else:
            family = current
        current = family
        family.people.append(person)
        if RELATIONS.get(relation) == Relation.HEAD:
            if family.head is not None:
                errors.add(offset, "relation", f"本户已有户主（第 {family.head.offset} 行），每户只能有一名户主")
            else:
                family.head = person
    out = []
    for family in families.values():
        if family.head is None:
            errors.add(family.people[0].offset, "relation", f"户号 {family.key} 的人员中没有户主（与户主关系填“户主”）")
            continue
        out.append(family)
    return out


def _check_person(person: _Person, errors: _Located) -> dict | None:
    """The person's fields as the model takes them, or None after adding its located errors."""
    from yingji.core.directory.codes import id_number_error
    from yingji.core.framework.validators import validate_phone

    d, bad = person.data, False
    today = timezone.localdate()
    if not d.get("name"):
        errors.add(person.offset, "name", "请填写姓名")
        bad = True
    elif len(d["name"]) > 32:
        errors.add(person.offset, "name", "姓名最多 32 个字")
        bad = True
    relation = d.get("relation", "")
    if relation not in RELATIONS:
        errors.add(person.offset, "relation", f"“{relation}”应为 户主、配偶、子女、父母、其他 之一" if relation
                   else "请填写与户主关系")
        bad = True
    number = d.get("id_number", "").upper()
    why = id_number_error(number, today) if number else None
    if why:
        errors.add(person.offset, "id_number", why)
        bad = True
    gender = d.get("gender", "")
    if gender and gender not in GENDERS:
        errors.add(person.offset, "gender", "应为 男 或 女")
        bad = True
    year = d.get("birth_year", "")[:4]
    if year and not (year.isdigit() and 1900 <= int(year) <= today.year):
        errors.add(person.offset, "birth_year", f"“{d['birth_year']}”不是 1900 至 {today.year} 之间的四位年份")
        bad = True
    phone = d.get("phone", "")
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            errors.add(person.offset, "phone", exc.messages[0])
            bad = True
    unknown = [f for f in split_flags(d.get("flags", "")) if f not in FLAGS]
    if unknown:
        errors.add(person.offset, "flags", f"未知的特殊需求 {'、'.join(unknown)}；可选：{'、'.join(FLAGS)}")
        bad = True
    for name, limit in (("medication", 200), ("zone", 40), ("room", 40), ("pets", 100)):
        if len(d.get(name, "")) > limit:
            errors.add(person.offset, name, f"最多 {limit} 个字")
            bad = True
    if bad:
        return None
    return {"name": d["name"], "id_number": number, "relation": RELATIONS[relation], "gender": GENDERS.get(gender, ""),
            "birth_year": int(year) if year else None, "phone": phone, "flags": d.get("flags", ""),
            "medication": d.get("medication", "")}


def import_households(user, activation: Activation, filename: str, content: bytes, *, progress=None) -> ImportResult:
    """Import a household list into ``activation``: all rows or none (see the module's docstring). The
    result's errors are located by row and column; its warnings are the duplicate candidates (kept)."""
    result = ImportResult()
    if activation.state == ActivationState.CLOSED:
        result.errors.append("安置点已结束运行，不能再导入安置名单")
        return result
    try:
        rows = tabular.read_rows(filename, content)
    except tabular.FileFormatError as exc:
        result.errors.append(str(exc))
        return result
    index, header_errors = tabular.map_columns(rows[0], COLUMNS, IGNORED)
    if header_errors:
        result.errors = header_errors
        return result
    errors, notes = _Located(), _Located()
    families = _families(rows, index, errors)
    villages = _villages(activation.event)
    seen_numbers: dict[str, int] = {}
    for family in families:
        head = family.head
        village_text = head.data.get("village", "")
        found = villages.get(village_text, [])
        if not village_text:
            errors.add(head.offset, "village", "请填写户主的户籍村（社区）")
        elif not found:
            errors.add(head.offset, "village", f"本县没有“{village_text}”这个村（社区）")
        elif len(found) > 1:
            errors.add(head.offset, "village", f"“{village_text}”有 {len(found)} 个同名村，请写成“乡镇名村名”或填写代码")
        fields = {}
        for person in family.people:
            if person.data.get("village") and person is not head and person.data["village"] not in villages:
                errors.add(person.offset, "village", f"本县没有“{person.data['village']}”这个村（社区）")
            checked = _check_person(person, errors)
            if checked is None:
                continue
            number = checked["id_number"]
            if number and number in seen_numbers:
                errors.add(person.offset, "id_number", f"与第 {seen_numbers[number]} 行的身份证号码相同")
                continue
            if number:
                seen_numbers[number] = person.offset
            person.evacuee = Evacuee(**checked)
            person.evacuee.normalise()
        for name in HOUSEHOLD_FIELDS:  # the head's row first, else the first member that gives it
            fields[name] = next((p.data.get(name, "") for p in [head, *family.people] if p.data.get(name)), "")
        if len(found) == 1 and head.evacuee is not None:
            family.household = Household(activation=activation, event=activation.event, head_name=head.evacuee.name,
                                         head_id_number=head.evacuee.id_number, village=found[0], **fields)
            for person in family.people:
                if person.evacuee is not None and not person.evacuee.phone and person is head:
                    person.evacuee.phone = fields["phone"]
    _registered_already(activation.event, families, seen_numbers, errors)
    if errors:
        result.errors = errors.sorted()
        return result
    people = sum(len(f.people) for f in families)
    if not people:
        result.errors.append("文件中没有人员")
        return result
    with transaction.atomic():
        # The desk's lock (services.check_in): the room left is read after any other writer's commit.
        list(Activation.objects.select_for_update().filter(pk=activation.pk).values_list("pk", flat=True))
        activation.refresh_from_db()
        free = activation.capacity_people - activation.occupants
        if people > free:
            from yingji.shelters.services import full_message

            first_over = _first_over(families, free)
            errors.add(first_over, None, "超出安置点可用容量：" + full_message(activation, people)
                       + "；自本行起容纳不下，请分到其他安置点后再导入")
            result.errors = errors.sorted()
            return result
        _write(user, activation, families, progress)
        result.created = len(families)
        _warn_duplicates(activation.event, families, notes)
    result.warnings = notes.sorted()
    return result


def _first_over(families, free: int) -> int:
    room = free
    for family in families:
        for person in family.people:
            room -= 1
            if room < 0:
                return person.offset
    return families[0].people[0].offset


def _registered_already(event, families, numbers: dict[str, int], errors: _Located) -> None:
    """An ID number already registered for the event is the same person: refused, naming where."""
    keys = list(numbers)
    for start in range(0, len(keys), 500):
        rows = (Evacuee.objects.filter(household__event=event, household__anonymised_at__isnull=True,
                                       id_number__in=keys[start:start + 500])
                .values_list("id_number", "household__activation__name", "household__card_number"))
        for number, shelter, card in rows:
            errors.add(numbers[number], "id_number",
                       f"此人已在本事件登记（{shelter}，安置卡号 {card}），同一人不能重复登记")


def _write(user, activation: Activation, families: list[_Family], progress) -> None:
    from yingji.core.framework import workflow

    now = timezone.now()
    cards = numbering.dated_numbers(Household, "card_number", "AZ", 4, len(families), sep="-")
    households = []
    for family, card in zip(families, cards, strict=True):
        family.household.card_number, family.household.checked_in_at = card, now
        households.append(family.household)
    bulk_create_with_history(user, Household, households, progress=progress)
    evacuees, stays = [], []
    for family in families:
        for person in family.people:
            person.evacuee.household = family.household
            evacuees.append(person.evacuee)
        stays.append(Stay(household=family.household, activation=activation, people=len(family.people), arrived_at=now))
    bulk_create_with_history(user, Evacuee, evacuees, progress=progress)
    bulk_create_with_history(user, Stay, stays, progress=progress)
    if activation.state == ActivationState.ACTIVATED:  # the first people in: the site is running
        workflow.apply(user, activation, "start", comment="导入安置名单", system=True)
    from yingji.shelters.services import refresh_counts

    refresh_counts(activation)


def _warn_duplicates(event, families, notes: _Located) -> None:
    """The other signs (name + phone, name + village + birth year): candidates to check, kept."""
    from yingji.shelters.services import _event_people

    new, where = [], {}
    for family in families:
        h = family.household
        for person in family.people:
            p = person.evacuee
            where[p.pk] = person.offset
            new.append({"key": p.pk, "household": h.pk, "name": p.name, "id_number": p.id_number,
                        "phone": p.phone or h.phone, "village": h.village_id, "birth_year": p.birth_year,
                        "shelter": h.activation.name, "card_number": h.card_number})
    ids = set(where)
    others = [p for p in _event_people(event, like=[f.evacuee for fam in families for f in fam.people])
              if p["key"] not in ids]
    for c in duplicates.candidates_for(new, others):
        ours = [p for p in (c.first, c.second) if p["key"] in ids]
        other = c.second if c.first["key"] in ids else c.first
        for p in ours[:1]:
            also = (f"本名单第 {where[other['key']]} 行" if other["key"] in ids
                    else f"已登记的 {other['shelter']}（安置卡号 {other['card_number']}）")
            notes.add(where[p["key"]], "name",
                      f"疑似重复登记（{c.reason_label}）：{also}，请到“疑似重复登记”核对（不会自动合并）")
