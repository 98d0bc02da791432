"""Major hazard sources by GB 18218-2018 危险化学品重大危险源辨识 (pure, no Django).

- 4.2 辨识: a unit (production or storage) is a major hazard source when Σ qᵢ/Qᵢ ≥ 1, q the actual
  maximum quantity and Q the critical quantity of each chemical, both in tonnes. Q comes from
  table 1 for named chemicals, else from table 2 by hazard category; a chemical that fits several
  table-2 categories takes the lowest Q.
- 4.3 分级: R = α · Σ βᵢ·qᵢ/Qᵢ; β from table 3 for the named toxic gases, else table 4 by category;
  α by the number of people exposed within 500 m of the unit (table 5). Grades: R ≥ 100 一级,
  50 ≤ R < 100 二级, 10 ≤ R < 50 三级, R < 10 四级.
- A table-1 chemical keeps its table-1 Q whatever else is said of it; its β is that of its table-2
  category (the data's ``beta_category``: the category under ordinary conditions), unless the unit
  says otherwise within the same hazard class: 汽油 is 易燃液体类别2, W5.3 (β 1) in ordinary storage,
  W5.1 (β 1.5) where it is worked above its boiling point, W5.2 (β 1) under special process
  conditions. Table 2 names those conditions; docs/standards-gb18218.md has the reasoning.

Tables ship as data in ``data/``; each row says how it was checked (see docs/standards-gb18218.md).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
GRADES = ((100, "一级"), (50, "二级"), (10, "三级"))
LOWEST_GRADE = "四级"
ALPHA = ((100, Decimal("2.0")), (50, Decimal("1.5")), (30, Decimal("1.2")), (1, Decimal("1.0")))
ALPHA_NOBODY = Decimal("0.5")


@dataclass(frozen=True)
class Chemical:
    key: str  # table-1 name or table-2 code
    label: str
    critical_quantity_t: Decimal
    beta: Decimal
    source: str  # "表1" or "表2"
    aliases: tuple[str, ...] = ()
    category: str = ""  # the table-2 code whose table-4 β applies; "" when β is table 3's (a named toxic gas)


@cache
def table1() -> dict[str, Chemical]:
    """Named chemicals; β from table 3 for the listed toxic gases, else table 4 by the row's category."""
    out = {}
    with (DATA / "gb18218_table1.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            beta = Decimal(row["beta"]) if row["beta"] else table2()[row["beta_category"]].beta
            names = tuple(n for n in (row["name"] + ";" + row["alias"]).split(";") if n)
            out[row["name"]] = Chemical(row["name"], row["name"], Decimal(row["critical_quantity_t"]), beta, "表1", names,
                                        row["beta_category"])
    return out


@cache
def table2() -> dict[str, Chemical]:
    out = {}
    with (DATA / "gb18218_table2.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[row["code"]] = Chemical(row["code"], f"{row['code']} {row['category']}（{row['description']}）",
                                        Decimal(row["critical_quantity_t"]), Decimal(row["beta"]), "表2",
                                        category=row["code"])
    return out


@cache
def hazard_classes() -> dict[str, str]:
    """Table-2 code -> its hazard class as table 2 names it (W5.3 -> 易燃液体)."""
    with (DATA / "gb18218_table2.csv").open(encoding="utf-8") as f:
        return {row["code"]: row["category"] for row in csv.DictReader(f)}


def lookup(name: str | None = None, categories: tuple[str, ...] = ()) -> Chemical:
    """Table 1 by name (aliases separated by ';' in the data count too), else the table-2 category
    with the lowest Q among ``categories``; ValueError with a Chinese reason if neither applies.
    For a table-1 chemical, ``categories`` may name the sub-category of its own hazard class that the
    unit's conditions put it in (汽油 at W5.1 above its boiling point): Q stays table 1's, β is that
    category's; a code of another class, or any code for a table-3 gas, is refused."""
    if name:
        for chem in table1().values():
            if name in chem.aliases:
                return _under_conditions(chem, categories)
    found = [table2()[c] for c in categories if c in table2()]
    if found:
        return min(found, key=lambda c: c.critical_quantity_t)
    unknown = [c for c in categories if c not in table2()]
    if unknown:
        raise ValueError(f"未知的危险性类别代码：{'、'.join(unknown)}")
    raise ValueError(f"“{name}”不在 GB 18218 表1 中，请选择其危险性类别（表2）")


def _under_conditions(chem: Chemical, categories: tuple[str, ...]) -> Chemical:
    codes = [c for c in categories if c]
    if not codes:
        return chem
    unknown = [c for c in codes if c not in table2()]
    if unknown:
        raise ValueError(f"未知的危险性类别代码：{'、'.join(unknown)}")
    if not chem.category:
        raise ValueError(f"{chem.label} 的校正系数 β 按表3取 {_fmt(chem.beta)}，不随危险性类别变化；请不要填写类别代码")
    own = hazard_classes()[chem.category]
    allowed = [c for c, cls in hazard_classes().items() if cls == own]
    wrong = [c for c in codes if c not in allowed]
    if wrong:
        raise ValueError(f"{chem.label} 在表1中（临界量 {_fmt(chem.critical_quantity_t)} t），类别代码只用于按单元工况确定 β，"
                         f"应为其{own}类别之一：{'、'.join(allowed)}（实际为 {'、'.join(wrong)}）")
    chosen = max((table2()[c] for c in codes), key=lambda c: c.beta)  # several: the most severe β
    if chosen.key == chem.category:
        return chem
    return Chemical(chem.key, f"{chem.label}（按 {chosen.key}）", chem.critical_quantity_t, chosen.beta, chem.source,
                    chem.aliases, chosen.key)


def alpha(people_within_500m: int) -> Decimal:
    if people_within_500m < 0:
        raise ValueError("暴露人数不能为负数")
    for minimum, value in ALPHA:
        if people_within_500m >= minimum:
            return value
    return ALPHA_NOBODY


def grade_of(r: Decimal) -> str:
    for minimum, grade in GRADES:
        if r >= minimum:
            return grade
    return LOWEST_GRADE


@dataclass(frozen=True)
class Line:
    chemical: Chemical
    q_tonnes: Decimal

    @property
    def ratio(self) -> Decimal:
        return self.q_tonnes / self.chemical.critical_quantity_t


@dataclass(frozen=True)
class Identification:
    lines: tuple[Line, ...]
    sum_ratio: Decimal
    is_major: bool
    alpha: Decimal | None
    r: Decimal | None
    grade: str | None
    explanation: str


def identify(inventory: list[tuple[Chemical, Decimal]], people_within_500m: int) -> Identification:
    """Σ q/Q, and for a major hazard source R and its grade, with every figure written out."""
    if not inventory:
        raise ValueError("单元内没有登记危险化学品")
    lines = []
    for chem, q in inventory:
        q = Decimal(str(q))
        if q < 0:
            raise ValueError(f"{chem.label} 的最大存在量不能为负数")
        lines.append(Line(chem, q))
    total = sum((ln.ratio for ln in lines), Decimal(0))
    terms = " + ".join(f"{_fmt(ln.q_tonnes)}/{_fmt(ln.chemical.critical_quantity_t)}" for ln in lines)
    text = [f"Σq/Q = {terms} = {_fmt(total, 4)}"]
    if total < 1:
        text.append("Σq/Q < 1，不构成重大危险源")
        return Identification(tuple(lines), total, False, None, None, None, "；".join(text))
    a = alpha(people_within_500m)
    weighted = sum((ln.chemical.beta * ln.ratio for ln in lines), Decimal(0))
    r = a * weighted
    beta_terms = " + ".join(f"{_fmt(ln.chemical.beta)}×{_fmt(ln.q_tonnes)}/{_fmt(ln.chemical.critical_quantity_t)}"
                            for ln in lines)
    grade = grade_of(r)
    text.append("Σq/Q ≥ 1，构成重大危险源")
    text.append(f"α = {_fmt(a)}（500 m 内暴露人数 {people_within_500m} 人）")
    text.append(f"R = α×(Σβq/Q) = {_fmt(a)}×({beta_terms}) = {_fmt(r, 2)} → {grade}重大危险源")
    return Identification(tuple(lines), total, True, a, r, grade, "；".join(text))


def _fmt(value: Decimal, places: int = 4) -> str:
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return text or "0"
