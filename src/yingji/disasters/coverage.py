"""Coverage of the 灾害信息员 network (pure): which villages lack an active officer on a post the rule
requires — an A post in every village/community, an A and a B post in disaster-prone ones (应急〔2020〕11号,
the rule as data in data/officer_coverage.json, overridable per jurisdiction).

Plain data in, plain data out: the villages (with township and disaster-prone flag) and the active
posts held; gaps grouped by township in the villages' order."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

RULE_FILE = Path(__file__).with_name("data") / "officer_coverage.json"


@dataclass(frozen=True)
class Rule:
    every_village: tuple[str, ...]  # posts every village needs
    disaster_prone_village: tuple[str, ...]  # posts a disaster-prone village needs
    source: str
    date: str
    confirmed: bool

    def required(self, disaster_prone: bool) -> tuple[str, ...]:
        return self.disaster_prone_village if disaster_prone else self.every_village


def load_rule(overrides: dict | None = None) -> Rule:
    """The national default, with a jurisdiction's overrides (same keys as the data file) on top."""
    data = {**json.loads(RULE_FILE.read_text(encoding="utf-8")), **(overrides or {})}
    for key in ("every_village", "disaster_prone_village"):
        posts = tuple(data[key])
        if not posts or set(posts) - {"A", "B"}:
            raise ValueError(f"{key}: 岗位只能是 A 或 B，且至少一个（得到 {posts!r}）")
        data[key] = posts
    return Rule(data["every_village"], data["disaster_prone_village"], data["source"], data["date"],
                bool(data["confirmed"]))


@dataclass(frozen=True)
class Village:
    id: int
    name: str
    township_id: int
    township_name: str
    disaster_prone: bool = False


@dataclass(frozen=True)
class Gap:
    village: Village
    missing: tuple[str, ...]  # the required posts without an active officer, "A" before "B"


@dataclass(frozen=True)
class TownshipCoverage:
    township_id: int
    township_name: str
    villages: int
    covered: int  # villages with every required post held
    gaps: tuple[Gap, ...]

    @property
    def rate(self) -> float | None:
        return self.covered / self.villages if self.villages else None


def gaps(villages: Iterable[Village], posts: Iterable[tuple[int, str]], rule: Rule) -> list[Gap]:
    """Villages missing a required post; ``posts`` are (village id, post) of *active* officers."""
    held: dict[int, set[str]] = {}
    for village_id, post in posts:
        held.setdefault(village_id, set()).add(post)
    out = []
    for village in villages:
        missing = tuple(p for p in sorted(rule.required(village.disaster_prone)) if p not in held.get(village.id, ()))
        if missing:
            out.append(Gap(village, missing))
    return out


def by_township(villages: Iterable[Village], posts: Iterable[tuple[int, str]], rule: Rule) -> list[TownshipCoverage]:
    """Per township (in the order its first village comes): villages, fully covered ones, the gaps."""
    villages = list(villages)
    found = {g.village.id: g for g in gaps(villages, posts, rule)}
    towns: dict[int, list[Village]] = {}
    names: dict[int, str] = {}
    for v in villages:
        towns.setdefault(v.township_id, []).append(v)
        names[v.township_id] = v.township_name
    return [TownshipCoverage(tid, names[tid], len(vs), sum(1 for v in vs if v.id not in found),
                             tuple(found[v.id] for v in vs if v.id in found))
            for tid, vs in towns.items()]
