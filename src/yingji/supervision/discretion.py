"""Fine discretion (行政处罚裁量权基准, pure, no Django).

A table (应急管理部令第12号 sets the frame; 应急〔2024〕90号 and provincial supplements fill it) is data:
each entry gives its 违法行为, 法律规定, 处罚依据 and its 裁量阶次, each 阶次 with its 适用条件 (in the
table's words and as a rule over the answers to the entry's questions), its 具体标准 and the fine
range per party (the unit, the persons directly responsible). Tiers are listed from the most severe;
the first whose rule holds applies, and the decision keeps the answers and the conditions that led
to it.

Boundary words, as 《立法技术规范（试行）（一）》 defines them and the tables repeat: 以上/以下/以内
include the number, 不满/超过 exclude it. A fine range "十万元以下" has no lower bound of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

COMPARE = {  # boundary word -> (test, how it reads)
    "以上": (lambda v, n: v >= n, "≥"),
    "以下": (lambda v, n: v <= n, "≤"),
    "以内": (lambda v, n: v <= n, "≤"),
    "不满": (lambda v, n: v < n, "<"),
    "超过": (lambda v, n: v > n, ">"),
}
KINDS = {"bool", "number", "money", "choice"}
PARTIES = {"unit": "生产经营单位", "person": "直接负责的主管人员和其他直接责任人员"}
NATIONAL = "discretion-national.json"


class DiscretionError(ValueError):
    """A table that does not read, or answers that do not fit it; ``str(exc)`` says where and why."""


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: str  # bool | number | money (yuan) | choice
    unit: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fine:
    party: str  # unit | person
    low: Decimal | None  # yuan, inclusive; None: no lower bound ("……以下的罚款")
    high: Decimal | None  # yuan, inclusive

    def admits(self, amount: Decimal) -> bool:
        return (self.low is None or amount >= self.low) and (self.high is None or amount <= self.high)

    @property
    def text(self) -> str:
        low, high = (_yuan_words(x) for x in (self.low, self.high))
        if low and high:
            return f"{low}以上{high}以下"
        return f"{high}以下" if high else f"{low}以上"


@dataclass(frozen=True)
class Tier:
    name: str  # 裁量阶次
    conditions: str  # 适用条件, in the table's words
    rule: Mapping
    standard: str  # 具体标准
    fines: tuple[Fine, ...]

    def fine_for(self, party: str) -> Fine | None:
        return next((f for f in self.fines if f.party == party), None)


@dataclass(frozen=True)
class Entry:
    code: str
    violation: str  # 违法行为
    legal_provision: str  # 法律规定
    penalty_basis: str  # 处罚依据
    questions: tuple[Question, ...]
    tiers: tuple[Tier, ...]
    table: str  # the table's name, for the citation
    note: str = ""

    def question(self, key: str) -> Question:
        return next(q for q in self.questions if q.key == key)


@dataclass(frozen=True)
class Table:
    name: str
    scope: str
    source: str
    framework: str
    date: str
    note: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Decision:
    entry: Entry
    tier: Tier
    answers: dict  # key -> the answer as read (bool, Decimal, str)
    reasons: tuple[str, ...]  # which answers met which condition

    @property
    def citation(self) -> str:
        return (f"依据{self.entry.penalty_basis}，按《{self.entry.table}》“{self.entry.violation}”"
                f"{self.tier.name}阶次（{self.tier.conditions}）：{self.tier.standard}")

    def check_fine(self, party: str, amount: Decimal) -> str | None:
        """Why ``amount`` yuan for ``party`` is outside this tier's range; None when it is inside."""
        fine = self.tier.fine_for(party)
        if fine is None:
            return f"“{self.tier.name}”阶次对{PARTIES.get(party, party)}没有罚款"
        if not fine.admits(amount):
            return f"罚款 {_plain(amount)} 元不在“{self.tier.name}”阶次的幅度内（{fine.text}）"
        return None

    def record(self) -> dict:
        """What a case keeps of the decision: the entry, the tier, the answers and why (JSON)."""
        return {"table": self.entry.table, "entry": self.entry.code, "tier": self.tier.name,
                "answers": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.answers.items()},
                "reasons": list(self.reasons), "citation": self.citation,
                "fines": [{"party": f.party, "low": None if f.low is None else str(f.low),
                           "high": None if f.high is None else str(f.high), "text": f.text} for f in self.tier.fines]}


# ---- reading answers ---------------------------------------------------------------------------
def _number(value, label: str) -> Decimal:
    if isinstance(value, bool):
        raise DiscretionError(f"“{label}”须填写数字")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise DiscretionError(f"“{label}”须填写数字，收到“{value}”") from None
    if not number.is_finite() or number < 0:
        raise DiscretionError(f"“{label}”须为不小于 0 的数字")
    return number


def read_answer(question: Question, value):
    """An answer as the rules compare it; DiscretionError naming the question otherwise."""
    if value is None or value == "":
        raise DiscretionError(f"请回答“{question.label}”")
    if question.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("是", "true", "1", "yes", "on"):
            return True
        if text in ("否", "false", "0", "no", "off"):
            return False
        raise DiscretionError(f"“{question.label}”须回答是或否")
    if question.kind == "choice":
        if str(value) not in question.choices:
            raise DiscretionError(f"“{question.label}”须为{'、'.join(question.choices)}之一")
        return str(value)
    number = _number(value, question.label)
    if question.kind == "number" and number != number.to_integral_value():
        raise DiscretionError(f"“{question.label}”须为整数")
    return number


# ---- rules -------------------------------------------------------------------------------------
def _holds(rule: Mapping, answers: Mapping, entry: Entry, reasons: list[str]) -> bool:
    if "all" in rule:
        parts = [_holds(r, answers, entry, reasons) for r in rule["all"]]
        return all(parts)
    if "any" in rule:
        found = [r for r in rule["any"] if _holds(r, answers, entry, [])]
        if found:
            _holds(found[0], answers, entry, reasons)
        return bool(found)
    q = entry.question(rule["q"])
    value = answers[q.key]
    shown = f"{_plain(value)}{q.unit}" if isinstance(value, Decimal) else ("是" if value is True else "否"
                                                                           if value is False else value)
    if "is" in rule:
        ok = value is rule["is"]
        wanted = "是" if rule["is"] else "否"
        if ok:
            reasons.append(f"{q.label}：{shown}（须为“{wanted}”）")
        return ok
    if "in" in rule:
        ok = value in rule["in"]
        if ok:
            reasons.append(f"{q.label}：{shown}（属于{'、'.join(rule['in'])}）")
        return ok
    test, sign = COMPARE[rule["op"]]
    n = Decimal(str(rule["n"]))
    ok = test(value, n)
    if ok:
        reasons.append(f"{q.label}：{shown}，{_plain(n)}{q.unit}{rule['op']}（{sign} {_plain(n)}）")
    return ok


def decide(entry: Entry, answers: Mapping) -> Decision:
    """The 裁量阶次 for ``answers`` (question key -> answer); DiscretionError for a missing or bad answer
    or when no tier applies."""
    read = {}
    for q in entry.questions:
        read[q.key] = read_answer(q, answers.get(q.key))
    for tier in entry.tiers:
        reasons: list[str] = []
        if _holds(tier.rule, read, entry, reasons):
            return Decision(entry, tier, read, tuple(reasons))
    raise DiscretionError(f"“{entry.violation}”没有与所答情形相符的裁量阶次，请核对答案或补充基准")


# ---- tables as data ----------------------------------------------------------------------------
def _rule_questions(rule: Mapping, where: str) -> set[str]:
    if not isinstance(rule, Mapping):
        raise DiscretionError(f"{where}：适用条件规则须为对象")
    for combine in ("all", "any"):
        if combine in rule:
            if not isinstance(rule[combine], list) or not rule[combine]:
                raise DiscretionError(f"{where}：“{combine}”须为非空列表")
            return set().union(*(_rule_questions(r, where) for r in rule[combine]))
    if "q" not in rule:
        raise DiscretionError(f"{where}：规则须写明问题（q）")
    if "op" in rule:
        if rule["op"] not in COMPARE:
            raise DiscretionError(f"{where}：不认识的界限用语“{rule['op']}”（可用 {'、'.join(COMPARE)}）")
        _number(rule.get("n"), f"{where} 的界限数值")
    elif "is" not in rule and "in" not in rule:
        raise DiscretionError(f"{where}：规则须有 op/n、is 或 in")
    return {rule["q"]}


def _money(value, where: str) -> Decimal | None:
    return None if value is None else _number(value, where)


def parse_table(data: Mapping, origin: str = "基准") -> Table:
    """A table from its JSON form, every fault located (file, entry, field)."""
    for key in ("name", "source", "entries"):
        if not data.get(key):
            raise DiscretionError(f"{origin}：缺少“{key}”")
    entries, codes = [], set()
    for i, raw in enumerate(data["entries"], 1):
        where = f"{origin} 第{i}条（{raw.get('code', '无编号')}）"
        for key in ("code", "violation", "legal_provision", "penalty_basis", "tiers"):
            if not raw.get(key):
                raise DiscretionError(f"{where}：缺少“{key}”")
        if raw["code"] in codes:
            raise DiscretionError(f"{where}：编号重复")
        codes.add(raw["code"])
        questions = []
        for q in raw.get("questions", []):
            if q.get("kind") not in KINDS:
                raise DiscretionError(f"{where}：问题“{q.get('key')}”的类型须为 {'、'.join(sorted(KINDS))}")
            questions.append(Question(q["key"], q["label"], q["kind"], q.get("unit", ""), tuple(q.get("choices", ()))))
        known = {q.key for q in questions}
        tiers = []
        for t in raw["tiers"]:
            tw = f"{where} 阶次“{t.get('name', '')}”"
            for key in ("name", "conditions", "rule", "standard"):
                if not t.get(key):
                    raise DiscretionError(f"{tw}：缺少“{key}”")
            unknown = _rule_questions(t["rule"], tw) - known
            if unknown:
                raise DiscretionError(f"{tw}：规则用到未声明的问题 {'、'.join(sorted(unknown))}")
            fines = []
            for f in t.get("fines", []):
                if f.get("party") not in PARTIES:
                    raise DiscretionError(f"{tw}：罚款对象须为 unit 或 person")
                low, high = _money(f.get("low"), f"{tw} 下限"), _money(f.get("high"), f"{tw} 上限")
                if low is None and high is None or (low is not None and high is not None and low > high):
                    raise DiscretionError(f"{tw}：罚款幅度不成立")
                fines.append(Fine(f["party"], low, high))
            tiers.append(Tier(t["name"], t["conditions"], t["rule"], t["standard"], tuple(fines)))
        entries.append(Entry(raw["code"], raw["violation"], raw["legal_provision"], raw["penalty_basis"],
                             tuple(questions), tuple(tiers), data["name"], raw.get("note", "")))
    return Table(data["name"], data.get("scope", ""), data["source"], data.get("framework", ""),
                 data.get("date", ""), data.get("note", ""), tuple(entries))


def load_table(path: Path | str) -> Table:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DiscretionError(f"{path.name}：无法读取（{exc}）") from None
    return parse_table(data, path.name)


def national_table() -> Table:
    text = resources.files("yingji.supervision").joinpath("data", NATIONAL).read_text(encoding="utf-8")
    return parse_table(json.loads(text), NATIONAL)


def tables(extra: Iterable[Path] = ()) -> list[Table]:
    """The national table and a bureau's supplements (files in its data folder), national first."""
    return [national_table(), *(load_table(p) for p in sorted(extra))]


def entries(all_tables: Iterable[Table]) -> dict[str, Entry]:
    """Every entry by code; a supplement may not reuse a code already in use."""
    out: dict[str, Entry] = {}
    for table in all_tables:
        for entry in table.entries:
            if entry.code in out:
                raise DiscretionError(f"《{table.name}》：编号 {entry.code} 已在《{out[entry.code].table}》中使用")
            out[entry.code] = entry
    return out


# ---- words -------------------------------------------------------------------------------------
def _plain(number) -> str:
    if not isinstance(number, Decimal):
        return str(number)
    text = format(number.normalize(), "f")
    return text


def _yuan_words(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    if amount >= 10000 and amount % 10000 == 0:
        return f"{_plain(amount / 10000)}万元"
    return f"{_plain(amount)}元"
