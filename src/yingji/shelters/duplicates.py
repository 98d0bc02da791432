"""Duplicate candidates among registered people (pure, no Django): the same person registered twice, in
one shelter or in two. Three signs, each a candidate shown to the desk officer, never merged:

- the same ID number;
- the same name and phone;
- the same name, home village and birth year (read from the ID number where the person has none given).

People are plain dicts: ``key`` (any id), ``household`` (its id: members of one household are not
duplicates of each other by phone), ``name``, ``id_number``, ``phone``, ``village`` (an id), ``birth_year``
and ``shelter`` (a name, shown)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

REASONS = {"id_number": "身份证号码相同", "name_phone": "姓名和联系电话相同", "name_village_year": "姓名、户籍村和出生年份相同"}


@dataclass(frozen=True)
class Candidate:
    first: dict
    second: dict
    reason: str  # a key of REASONS

    @property
    def reason_label(self) -> str:
        return REASONS[self.reason]


def birth_year(person: dict) -> int | None:
    if person.get("birth_year"):
        return int(person["birth_year"])
    number = str(person.get("id_number") or "").strip().upper()
    if len(number) == 18 and number[6:10].isdigit():
        return int(number[6:10])
    return None


def _keys(person: dict) -> list[tuple[str, tuple]]:
    name = str(person.get("name") or "").strip()
    number = str(person.get("id_number") or "").strip().upper()
    phone = str(person.get("phone") or "").strip()
    out = []
    if number:
        out.append(("id_number", (number,)))
    if name and phone:
        out.append(("name_phone", (name, phone)))
    year = birth_year(person)
    if name and person.get("village") is not None and year:
        out.append(("name_village_year", (name, person["village"], year)))
    return out


def candidates(people: list[dict]) -> list[Candidate]:
    """Every pair of people sharing a sign, once per pair (the first sign in REASONS order names it)."""
    groups: dict[str, dict[tuple, list[dict]]] = {reason: defaultdict(list) for reason in REASONS}
    for person in people:
        for reason, key in _keys(person):
            groups[reason][key].append(person)
    seen, out = set(), []
    for reason in REASONS:
        for members in groups[reason].values():
            if len(members) < 2:
                continue
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    if reason == "name_phone" and a.get("household") == b.get("household"):
                        continue  # a household shares its phone; two members with one name are not one person
                    pair = frozenset((a["key"], b["key"]))
                    if a["key"] == b["key"] or pair in seen:
                        continue
                    seen.add(pair)
                    out.append(Candidate(a, b, reason))
    return out


def candidates_for(new: list[dict], existing: list[dict]) -> list[Candidate]:
    """The candidates that pair one of ``new`` with anyone (what a check-in shows at once)."""
    keys = {p["key"] for p in new}
    return [c for c in candidates([*existing, *new]) if c.first["key"] in keys or c.second["key"] in keys]
