"""Material allocation: who ships what to whom (pure: no Django).

Given demands (place, material, quantity, latest arrival, priority weight) and supplies (a
warehouse's stock of a material, or an agreement reserve with its delivery hours), find the
shipments that minimise total weighted arrival time — or total cost — while respecting stock and
each demand's latest arrival. Materials do not compete for anything here, so each material is one
transportation problem, solved exactly as a minimum-cost flow with OR-Tools (integral quantities
give an integral optimum). Demand that cannot be met in time is reported, never silently dropped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

UNMET_COST = 10**12  # per unit; larger than any feasible shipment's cost, so meeting demand comes first


@dataclass(frozen=True)
class Supply:
    id: object
    material: str
    quantity: int
    ready_hours: float = 0.0  # 0 for stock on the shelf; agreement reserves: the supplier's delivery hours
    cost_per_unit_hour: float = 1.0  # for objective="cost"


@dataclass(frozen=True)
class Demand:
    id: object
    material: str
    quantity: int
    latest_hours: float = float("inf")
    weight: float = 1.0  # priority: a weight of 2 makes each hour of delay count twice


@dataclass
class Shipment:
    supply: object
    demand: object
    material: str
    quantity: int
    arrival_hours: float


@dataclass
class Plan:
    shipments: list[Shipment] = field(default_factory=list)
    unmet: list[tuple[object, str, int, str]] = field(default_factory=list)  # (demand, material, quantity, why)
    objective: float = 0.0  # total weighted arrival hours (or cost) of the shipments

    def shipped_to(self, demand_id) -> int:
        return sum(s.quantity for s in self.shipments if s.demand == demand_id)


def allocate(supplies: list[Supply], demands: list[Demand], travel_hours, *, objective: str = "time") -> Plan:
    """``travel_hours[i][j]``: hours from supply ``i`` to demand ``j`` (inf = no route)."""
    from ortools.graph.python import min_cost_flow

    if objective not in ("time", "cost"):
        raise ValueError("objective 应为 time（加权到达时间）或 cost（运输成本）")
    travel = np.asarray(travel_hours, dtype=float).reshape(len(supplies), len(demands))
    for s in supplies:
        if s.quantity < 0:
            raise ValueError(f"供应 {s.id} 的数量不能为负")
    for d in demands:
        if d.quantity < 0:
            raise ValueError(f"需求 {d.id} 的数量不能为负")
    by_material = defaultdict(lambda: ([], []))
    for i, s in enumerate(supplies):
        by_material[s.material][0].append(i)
    for j, d in enumerate(demands):
        by_material[d.material][1].append(j)

    plan = Plan()
    for material, (s_idx, d_idx) in by_material.items():
        if not d_idx:
            continue
        arrival = np.array([[supplies[i].ready_hours + travel[i, j] for j in d_idx] for i in s_idx]).reshape(
            len(s_idx), len(d_idx))
        allowed = np.isfinite(arrival) & (arrival <= np.array([demands[j].latest_hours for j in d_idx])[None, :])
        # Unit cost: weighted hours (or cost/unit/hour × hours), in integer milli-units for the solver.
        unit = np.where(allowed, arrival, 0.0)
        weight = np.array([demands[j].weight for j in d_idx])[None, :]
        rate = np.array([supplies[i].cost_per_unit_hour for i in s_idx])[:, None]
        cost = unit * (weight if objective == "time" else rate)
        flow = min_cost_flow.SimpleMinCostFlow()
        src, sink = len(s_idx) + len(d_idx), len(s_idx) + len(d_idx) + 1
        rows, cols = np.nonzero(allowed)
        arcs = flow.add_arcs_with_capacity_and_unit_cost(
            rows, len(s_idx) + cols, np.array([supplies[s_idx[r]].quantity for r in rows], dtype=np.int64),
            np.rint(cost[rows, cols] * 1000).astype(np.int64)) if len(rows) else np.array([], dtype=int)
        for k, i in enumerate(s_idx):
            flow.add_arc_with_capacity_and_unit_cost(src, k, supplies[i].quantity, 0)
        need = sum(demands[j].quantity for j in d_idx)
        for k, j in enumerate(d_idx):
            flow.add_arc_with_capacity_and_unit_cost(len(s_idx) + k, sink, demands[j].quantity, 0)
        # Unmet demand flows straight from source to each demand node at a prohibitive price.
        unmet_arcs = [flow.add_arc_with_capacity_and_unit_cost(src, len(s_idx) + k, demands[j].quantity, UNMET_COST)
                      for k, j in enumerate(d_idx)]
        flow.set_node_supply(src, need)
        flow.set_node_supply(sink, -need)
        status = flow.solve()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"物资 {material} 的调配求解失败（状态 {status}）")
        for a, r, c in zip(arcs, rows, cols, strict=True):
            q = flow.flow(a)
            if q:
                i, j = s_idx[r], d_idx[c]
                plan.shipments.append(Shipment(supplies[i].id, demands[j].id, material, int(q), float(arrival[r, c])))
                plan.objective += q * float(cost[r, c])
        for k, j in enumerate(d_idx):
            short = flow.flow(unmet_arcs[k])
            if short:
                plan.unmet.append((demands[j].id, material, int(short), _why(demands[j], supplies, s_idx, arrival[:, k])))
    return plan


def _why(demand: Demand, supplies: list[Supply], s_idx: list[int], arrival: np.ndarray) -> str:
    stock = sum(supplies[i].quantity for i in s_idx)
    if not s_idx or stock == 0:
        return f"无 {demand.material} 库存或协议储备"
    if not np.isfinite(arrival).any():
        return "没有可到达该地点的供应点（路网不连通）"
    if not (arrival <= demand.latest_hours).any():
        return f"最快也要 {np.nanmin(arrival):.1f} 小时送达，超过要求的 {demand.latest_hours:g} 小时"
    return "限时内可到达的库存不足（已优先满足其他需求）"
