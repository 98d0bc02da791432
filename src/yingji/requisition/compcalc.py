"""应急征用补偿 (compensation for requisitioned property), pure: no Django.

The law (突发事件应对法, 民法典第二百四十五条) says only that requisitioned property is returned after use
and that its requisition, and its damage or loss, are compensated fairly; the amounts come from each
jurisdiction's own 征用补偿办法. Their common shape (安徽省突发事件应急财产征用补偿管理办法's 按评估结果
或者参照征用时价值; the municipal 办法 that pay 折旧 for use and restore or pay for damage) is:

- 使用补偿: a daily rate per unit of the kind × quantity × days used (a started day counts whole);
- 折旧: the declared value per unit × an annual percentage × days / 365 × quantity (0 where the rate
  already includes it);
- 操作人员: the owner's operators × a daily rate × days (工资 and 社保 for their working time);
- 毁损: the assessed repair cost, capped at the value of the affected units (a repair dearer than the
  thing is its loss; with no value declared, the repair as assessed); 灭失 or 消耗: the value at
  requisition of the affected units.

Every figure is Decimal yuan, each line rounded to the fen (half up), the total their sum."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
CONDITIONS = ("intact", "damaged", "lost", "consumed")


class CompensationError(ValueError):
    """Inputs that cannot be compensated (the message names the input, in Chinese)."""


@dataclass(frozen=True)
class Rates:
    daily_rate_cny: Decimal  # per unit per day
    depreciation_pct_year: Decimal = Decimal("0")  # of the value per unit, per year of use
    operator_daily_cny: Decimal = Decimal("0")  # per operator per day
    source: str = ""
    confirmed: bool = False


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    basis: str
    amount_cny: Decimal


@dataclass
class Compensation:
    days: int
    lines: list[Line] = field(default_factory=list)

    @property
    def total_cny(self) -> Decimal:
        return sum((line.amount_cny for line in self.lines), Decimal("0"))


def _yuan(x: Decimal) -> Decimal:
    return x.quantize(FEN, rounding=ROUND_HALF_UP)


def _n(x: Decimal) -> str:
    return format(x.normalize(), "f") if x == x.to_integral() else format(x, "f")


def billable_days(started: datetime, returned: datetime) -> int:
    """Days of use: every started 24 hours counts as a day; at least one."""
    seconds = (returned - started).total_seconds()
    if seconds < 0:
        raise CompensationError("返还时间不能早于投入使用时间")
    return max(1, math.ceil(seconds / 86400))


def compensate(rates: Rates, *, quantity: Decimal, unit_value_cny: Decimal, days: int, condition: str = "intact",
               affected_quantity: Decimal | None = None, repair_cost_cny: Decimal = Decimal("0"),
               operators: int = 0) -> Compensation:
    """The compensation for ``quantity`` units used ``days`` days and returned in ``condition``
    (``affected_quantity`` of them damaged, lost or consumed; default all)."""
    if condition not in CONDITIONS:
        raise CompensationError(f"返还状况应为 {'、'.join(CONDITIONS)} 之一")
    if quantity <= 0:
        raise CompensationError("征用数量应大于 0")
    if days < 1:
        raise CompensationError("使用天数应至少为 1 天")
    affected = quantity if affected_quantity is None else affected_quantity
    if condition != "intact" and not 0 < affected <= quantity:
        raise CompensationError("毁损、灭失或消耗的数量应大于 0 且不超过征用数量")
    if repair_cost_cny < 0 or unit_value_cny < 0:
        raise CompensationError("金额不能为负数")
    out = Compensation(days)
    if rates.daily_rate_cny:
        out.lines.append(Line("use", "使用补偿", f"{_n(rates.daily_rate_cny)} 元/日 × {_n(quantity)} × {days} 日",
                              _yuan(rates.daily_rate_cny * quantity * days)))
    if rates.depreciation_pct_year and unit_value_cny:
        out.lines.append(Line("depreciation", "折旧补偿",
                              f"{_n(unit_value_cny)} 元 × {_n(rates.depreciation_pct_year)}%/年 × {days}/365 × {_n(quantity)}",
                              _yuan(unit_value_cny * rates.depreciation_pct_year / 100 * days / 365 * quantity)))
    if operators and rates.operator_daily_cny:
        out.lines.append(Line("operators", "操作人员补偿", f"{_n(rates.operator_daily_cny)} 元/人日 × {operators} 人 × {days} 日",
                              _yuan(rates.operator_daily_cny * operators * days)))
    worth = unit_value_cny * affected
    if condition == "damaged":
        if repair_cost_cny <= 0:
            raise CompensationError("毁损须填写评估的修复费用")
        if unit_value_cny and repair_cost_cny >= worth:  # without a declared value, the repair is paid as assessed
            out.lines.append(Line("loss", "毁损补偿（修复费用不低于原值，按灭失）",
                                  f"{_n(unit_value_cny)} 元 × {_n(affected)}", _yuan(worth)))
        else:
            out.lines.append(Line("repair", "毁损补偿（修复费用）", f"评估修复费用 {_n(repair_cost_cny)} 元",
                                  _yuan(repair_cost_cny)))
    elif condition in ("lost", "consumed"):
        label = "灭失补偿（征用时价值）" if condition == "lost" else "消耗补偿（征用时价值）"
        out.lines.append(Line("loss", label, f"{_n(unit_value_cny)} 元 × {_n(affected)}", _yuan(worth)))
    return out
