"""事理图谱 (event-chain graph), kept modest: which event types followed which in the platform's own
linked incidents, counted, and laid out in layers around one type. Pure: no Django.

A *link* says that one incident (of GB/T 35561 type ``cause_type``) led to another (``effect_type``):
a 暴雨 incident to a 滑坡, the 滑坡 to a 道路交通事故. An *edge* is a pair of types with the number of
distinct incident pairs behind it and a few of them as examples. Nothing here predicts: the counts
only say what has happened here before, for the duty desk to think of (辅助参考，非预测).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    """One incident as the graph names it: ``key`` identifies it (its id), ``label`` is what is shown."""

    key: object
    label: str


@dataclass(frozen=True)
class Link:
    cause_type: str
    effect_type: str
    cause: Case
    effect: Case


@dataclass
class Edge:
    cause: str
    effect: str
    count: int = 0
    examples: list[tuple[Case, Case]] = field(default_factory=list)


def count_edges(links, examples: int = 3) -> list[Edge]:
    """Edges between event types, most frequent first (ties by the codes). A pair of incidents linked
    twice (a recorded link and a timeline mention) counts once; an incident linked to itself, or a
    type to itself, is no chain and is left out."""
    seen: set = set()
    edges: dict[tuple[str, str], Edge] = {}
    for link in links:
        pair = (link.cause.key, link.effect.key)
        if pair in seen or link.cause.key == link.effect.key or link.cause_type == link.effect_type:
            continue
        seen.add(pair)
        edge = edges.setdefault((link.cause_type, link.effect_type), Edge(link.cause_type, link.effect_type))
        edge.count += 1
        if len(edge.examples) < examples:
            edge.examples.append((link.cause, link.effect))
    return sorted(edges.values(), key=lambda e: (-e.count, e.cause, e.effect))


def type_totals(edges) -> dict[str, tuple[int, int]]:
    """Per type: (incident pairs it led to, incident pairs that led to it)."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for e in edges:
        out[e.cause][0] += e.count
        out[e.effect][1] += e.count
    return {code: (a, b) for code, (a, b) in out.items()}


@dataclass(frozen=True)
class Node:
    code: str
    layer: int  # 0: the type asked about; 1, 2 …: what followed it; -1, -2 …: what led to it
    x: float
    y: float


@dataclass
class Graph:
    focus: str
    nodes: list[Node]
    edges: list[Edge]  # only those drawn: from a layer to the next
    width: float
    height: float


def _layers(edges, focus: str, depth: int) -> dict[str, int]:
    """Breadth-first from ``focus``: downstream along cause → effect, upstream against it; a type gets
    its nearest layer (downstream first, so a cycle back to a cause stays on the right)."""
    down, up = defaultdict(list), defaultdict(list)
    for e in edges:
        down[e.cause].append(e.effect)
        up[e.effect].append(e.cause)
    layer = {focus: 0}
    for step, nexts in ((1, down), (-1, up)):
        frontier = [focus]
        for d in range(1, depth + 1):
            found = []
            for code in frontier:
                for other in nexts[code]:
                    if other not in layer:
                        layer[other] = d * step
                        found.append(other)
            frontier = found
    return layer


def graph(edges, focus: str, depth: int = 3, column: float = 220, row: float = 64,
          margin: float = 40) -> Graph:
    """The types within ``depth`` steps of ``focus`` in columns (causes left, what followed right), each
    column ordered by how often its types occur, laid out in a box of ``width`` × ``height`` pixels."""
    edges = list(edges)
    layer = _layers(edges, focus, depth)
    drawn = [e for e in edges if e.cause in layer and e.effect in layer and layer[e.effect] == layer[e.cause] + 1]
    weight: dict[str, int] = defaultdict(int)
    for e in drawn:
        weight[e.cause] += e.count
        weight[e.effect] += e.count
    columns: dict[int, list[str]] = defaultdict(list)
    for code in sorted(layer, key=lambda c: (-weight[c], c)):
        columns[layer[code]].append(code)
    first = min(columns)
    tallest = max(len(c) for c in columns.values())
    height = 2 * margin + (tallest - 1) * row
    nodes = []
    for lay, codes in sorted(columns.items()):
        top = margin + (tallest - len(codes)) * row / 2  # each column centred on the tallest
        nodes += [Node(code, lay, margin + (lay - first) * column, top + i * row) for i, code in enumerate(codes)]
    width = 2 * margin + (max(columns) - first) * column
    return Graph(focus, nodes, drawn, width, height)


def chains(edges, focus: str, depth: int = 3, limit: int = 5) -> list[tuple[tuple[str, ...], int]]:
    """The chains starting at ``focus``, most frequent first, then longest (暴雨 → 滑坡 → 道路交通事故), each with the count of
    its weakest step (so a chain is never said to have happened more often than any of its steps),
    without repeating a type; a chain that is the start of a longer one is not listed on its own."""
    down = defaultdict(list)
    for e in edges:
        down[e.cause].append(e)
    found: list[tuple[tuple[str, ...], int]] = []

    def walk(path, weakest):
        nexts = [e for e in down[path[-1]] if e.effect not in path] if len(path) <= depth else []
        if not nexts and len(path) > 1:
            found.append((tuple(path), weakest))
        for e in nexts:
            walk([*path, e.effect], min(weakest, e.count))

    walk([focus], 10**9)
    found.sort(key=lambda c: (-c[1], -len(c[0]), c[0]))
    return found[:limit]
