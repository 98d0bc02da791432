"""Rule tags (标签) as data: a small, safe expression form, parsed and evaluated without eval.

A rule is a tree of JSON objects:

- ``{"all": [rule, ...]}``, ``{"any": [rule, ...]}``, ``{"not": rule}`` combine;
- a field condition tests one fact of the enterprise, its own field or one an app provides:
  ``{"field": "industry_code", "startswith": ["C26", "B"], "label": "高危行业"}`` — one operator of
  ``OPERATORS``;
- a count condition counts related records: ``{"count": "hazards", "where": {...}, "min": 1, "label": …}``
  — the records of registry ``hazards`` pointing at the enterprise (through ``via``, default
  ``organization``) that satisfy ``where``, at least ``min`` (default 1) and at most ``max`` of them.

``where`` is a condition over the counted records' fields: ``{"lookup": value, ...}`` (all of them), or
``{"all"|"any": [where, ...]}``, ``{"not": where}``. A lookup is ``field(__field)*(__operator)?`` with an
operator of ``LOOKUPS``; the Django side checks every field against the model. A value is JSON, or a
moment relative to the run's clock (``"@now-12m"``, ``"@today-30d"``, ``"@now"``; ``y`` years, ``m``
calendar months, ``d`` days), or ``{"field": "deadline"}`` — another field of the same record.

No Django here: the job asks the database for the counts (one grouped query per count condition over all
enterprises) and this module decides, per enterprise, with the facts that decided it.
"""

from __future__ import annotations

import calendar
import datetime
import json
import re
from dataclasses import dataclass

OPERATORS = ("eq", "ne", "in", "not_in", "startswith", "gt", "gte", "lt", "lte", "empty")
LOOKUPS = ("exact", "in", "gt", "gte", "lt", "lte", "isnull", "startswith", "contains", "date", "year")
OPERATOR_TEXT = {"eq": "为", "ne": "不为", "in": "属于", "not_in": "不属于", "startswith": "以…开头",
                 "gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "empty": "为空"}
_MOMENT = re.compile(r"^@(now|today)(?:([+-])(\d+)([ymd]))?$")


class RuleError(ValueError):
    """A rule that cannot be read, with where in the rule (``when.all[1].count``) and why."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}：{message}")
        self.where = where


@dataclass(frozen=True)
class Field:
    field: str
    op: str
    value: object
    label: str

    def test(self, value) -> bool:
        op, want = self.op, self.value
        if op == "empty":
            return (value in (None, "")) == bool(want)
        if value is None:
            return op in ("ne", "not_in")
        if op == "eq":
            return value == want
        if op == "ne":
            return value != want
        if op in ("in", "not_in"):
            return (value in want) == (op == "in")
        if op == "startswith":
            return any(str(value).startswith(str(p)) for p in (want if isinstance(want, list) else [want]))
        try:
            return {"gt": value > want, "gte": value >= want, "lt": value < want, "lte": value <= want}[op]
        except TypeError:  # a number compared with text: not a match, never an error in the job
            return False

    def text(self) -> str:
        want = "、".join(map(str, self.value)) if isinstance(self.value, list) else self.value
        if self.op == "empty":
            return f"{self.label}{'为空' if self.value else '不为空'}"
        if self.op == "startswith":
            return f"{self.label}以 {want} 开头"
        return f"{self.label}{OPERATOR_TEXT[self.op]} {want}"


@dataclass(frozen=True)
class Count:
    source: str
    via: str
    where: object  # the parsed where-tree (plain data, hashable as its key)
    low: int
    high: int | None
    label: str

    @property
    def key(self) -> str:
        """Identifies the count across rules: two rules counting the same thing share one query."""
        return json.dumps([self.source, self.via, self.where], ensure_ascii=False, sort_keys=True)

    def test(self, n: int) -> bool:
        return n >= self.low and (self.high is None or n <= self.high)

    def text(self) -> str:
        bound = f"≥{self.low}" if self.high is None else (f"={self.low}" if self.low == self.high else f"{self.low}–{self.high}")
        return f"{self.label} {bound}"


@dataclass(frozen=True)
class Combine:
    kind: str  # all | any | not
    parts: tuple

    def text(self) -> str:
        if self.kind == "not":
            return f"非（{self.parts[0].text()}）"
        joined = (" 且 " if self.kind == "all" else " 或 ").join(
            f"（{p.text()}）" if isinstance(p, Combine) and p.kind != "not" else p.text() for p in self.parts)
        return joined


def parse(rule, where: str = "when"):
    """The rule tree of ``rule`` (plain JSON), or RuleError naming the place and the reason."""
    if not isinstance(rule, dict) or not rule:
        raise RuleError(where, "应为一个条件对象")
    for kind in ("all", "any"):
        if kind in rule:
            parts = rule[kind]
            if not isinstance(parts, list) or not parts:
                raise RuleError(f"{where}.{kind}", "应为非空的条件列表")
            return Combine(kind, tuple(parse(p, f"{where}.{kind}[{i}]") for i, p in enumerate(parts)))
    if "not" in rule:
        return Combine("not", (parse(rule["not"], f"{where}.not"),))
    if "field" in rule:
        ops = [o for o in OPERATORS if o in rule]
        if len(ops) != 1:
            raise RuleError(where, f"字段条件应恰有一个比较：{'、'.join(OPERATORS)}")
        name = rule["field"]
        if not isinstance(name, str) or not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise RuleError(f"{where}.field", "字段名应为小写英文标识")
        value = rule[ops[0]]
        if ops[0] in ("in", "not_in") and not isinstance(value, list):
            raise RuleError(f"{where}.{ops[0]}", "应为取值列表")
        return Field(name, ops[0], value, str(rule.get("label") or name))
    if "count" in rule:
        source = rule["count"]
        if not isinstance(source, str) or not re.fullmatch(r"[a-z][a-z0-9-]*", source):
            raise RuleError(f"{where}.count", "应为登记簿的英文标识（如 hazards）")
        via = rule.get("via", "organization")
        if not isinstance(via, str) or not re.fullmatch(r"[a-z_][a-z0-9_]*", via):
            raise RuleError(f"{where}.via", "应为指向单位的外键字段名")
        low, high = rule.get("min", 1), rule.get("max")
        if not isinstance(low, int) or low < 0 or (high is not None and (not isinstance(high, int) or high < low)):
            raise RuleError(f"{where}.min", "min、max 应为非负整数且 min≤max")
        return Count(source, via, parse_where(rule.get("where", {}), f"{where}.where"), low, high,
                     str(rule.get("label") or source))
    raise RuleError(where, "应为 all、any、not、field 或 count 条件")


def parse_where(where, at: str = "where"):
    """A where-tree as nested tuples: ("all"|"any", (tree, ...)), ("not", tree), ("lookup", path, op, value)."""
    if not isinstance(where, dict):
        raise RuleError(at, "应为条件对象")
    leaves = []
    for key, value in where.items():
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise RuleError(f"{at}.{key}", "应为非空的条件列表")
            leaves.append((key, tuple(parse_where(v, f"{at}.{key}[{i}]") for i, v in enumerate(value))))
        elif key == "not":
            leaves.append(("not", parse_where(value, f"{at}.not")))
        else:
            parts = key.split("__")
            if not all(re.fullmatch(r"[a-z_][a-z0-9_]*", p) for p in parts):
                raise RuleError(f"{at}.{key}", "查询路径应为小写英文字段名，以 __ 连接")
            op = parts[-1] if len(parts) > 1 and parts[-1] in LOOKUPS else "exact"
            path = parts[:-1] if op != "exact" or parts[-1] == "exact" else parts
            leaves.append(("lookup", "__".join(path), op, _value(value, f"{at}.{key}", op)))
    if not leaves:
        return None  # no condition: every record counts
    return leaves[0] if len(leaves) == 1 else ("all", tuple(leaves))


def _value(value, at: str, op: str):
    if isinstance(value, dict):
        if set(value) != {"field"} or not isinstance(value["field"], str):
            raise RuleError(at, "对象取值只能是 {\"field\": 字段名}")
        return ("field", value["field"])
    if isinstance(value, str) and value.startswith("@"):
        if not _MOMENT.match(value):
            raise RuleError(at, "时间取值应如 @now、@now-12m、@today-30d")
        return ("moment", value)
    if op == "in" and not isinstance(value, list):
        raise RuleError(at, "in 的取值应为列表")
    if isinstance(value, list):
        return ("value", tuple(value))
    return ("value", value)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by calendar months, clamped to the month's end (31 March − 1 month = 28/29 February)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def moment(token: str, now: datetime.datetime, today: datetime.date):
    """``"@now-12m"`` → the datetime twelve calendar months before ``now``; ``"@today-30d"`` a date."""
    base, sign, amount, unit = _MOMENT.match(token).groups()
    at = now if base == "now" else today
    if amount:
        n = int(amount) * (1 if sign == "+" else -1)
        if unit == "d":
            return at + datetime.timedelta(days=n)
        months = n * (12 if unit == "y" else 1)
        if isinstance(at, datetime.datetime):
            day = add_months(at.date(), months)
            return at.replace(year=day.year, month=day.month, day=day.day)
        return add_months(at, months)
    return at


def fields(node) -> set[str]:
    """The fact names the rule tests."""
    if isinstance(node, Field):
        return {node.field}
    if isinstance(node, Combine):
        return set().union(*(fields(p) for p in node.parts))
    return set()


def counts(node) -> list[Count]:
    """The count conditions of the rule (each asked of the database once per run)."""
    if isinstance(node, Count):
        return [node]
    if isinstance(node, Combine):
        return [c for p in node.parts for c in counts(p)]
    return []


def evaluate(node, facts: dict, numbers: dict) -> tuple[bool, list[dict]]:
    """(whether the enterprise of ``facts`` (its fields) and ``numbers`` (count key → how many) matches,
    the facts that decided it: [{"label", "value", "need"}] — for a match, what made it true)."""
    if isinstance(node, Field):
        value = facts.get(node.field)
        ok = node.test(value)
        return ok, [{"label": node.label, "value": "—" if value in (None, "") else value, "need": node.text()}]
    if isinstance(node, Count):
        n = int(numbers.get(node.key, 0))
        return node.test(n), [{"label": node.label, "value": n, "need": node.text()}]
    results = [evaluate(p, facts, numbers) for p in node.parts]
    if node.kind == "not":
        ok, why = results[0]
        return not ok, why
    if node.kind == "all":
        ok = all(r[0] for r in results)
        return ok, [f for r in results for f in r[1]]
    ok = any(r[0] for r in results)
    return ok, [f for r in results if r[0] or not ok for f in r[1]]
