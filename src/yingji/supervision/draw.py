"""The reproducible random draw (双随机): enterprises from the 检查对象名录库, then for each of them a
group of inspectors from the 执法检查人员名录库. A pure engine, no Django; the algorithm is written so
that another implementation can reproduce it (docs/decisions/0021-inspection-plans-and-draws.md):

1. Candidates are identified by public keys (统一社会信用代码 for enterprises, 执法证号 for
   inspectors), de-duplicated and sorted by Unicode code point. Each list's SHA-256 is taken over its
   keys joined by "\\n" in UTF-8 (no trailing newline).
2. The generator is MT19937 seeded with ``init_by_array`` over the seed's 32-bit words, least
   significant first (for a seed below 2**32: ``init_by_array([seed])``), which is what Python's
   ``random.Random(seed)`` does for a non-negative int. Only its 32-bit outputs are used.
3. ``below(n)``: with k = bit length of n, take r = (next 32-bit output) >> (32 − k) until r < n
   (Python's ``getrandbits(k)`` for k ≤ 32 and ``_randbelow``). n is always ≤ 2**32 here.
4. Enterprises: a partial Fisher–Yates shuffle of the sorted list: for i = 0 … m−1, j = i + below(N − i),
   swap positions i and j; the drawn enterprises are positions 0 … m−1, in that order.
5. Inspectors: for each drawn enterprise in draw order, the sorted inspector list without that
   enterprise's excluded keys (declared conflicts, the inspectors of its last check); the same partial
   Fisher–Yates, with the same generator continuing, picks the group; the group is listed sorted.
   An enterprise with fewer eligible inspectors than the group size stops the draw (DrawError).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ALGORITHM = "mt19937-fisher-yates-v1"
MIN_GROUP = 2  # 行政执法人员不得少于两人
MAX_SEED = 2**63 - 1  # the draw record keeps the seed in a signed 64-bit column (the engine takes any)


class DrawError(ValueError):
    """The draw cannot be made as asked; ``str(exc)`` says why, in Chinese."""


@dataclass(frozen=True)
class Assignment:
    object_key: str
    inspector_keys: tuple[str, ...]


@dataclass(frozen=True)
class DrawResult:
    algorithm: str
    seed: int
    objects: tuple[str, ...]  # the sorted candidate lists the draw ran on
    inspectors: tuple[str, ...]
    objects_hash: str
    inspectors_hash: str
    assignments: tuple[Assignment, ...]

    def as_list(self) -> list[dict]:
        return [{"object": a.object_key, "inspectors": list(a.inspector_keys)} for a in self.assignments]


def candidate_list(keys: Iterable[str]) -> tuple[str, ...]:
    """The keys as the draw uses them: stripped, de-duplicated, sorted by code point."""
    return tuple(sorted({str(k).strip() for k in keys if str(k).strip()}))


def list_hash(keys: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()


class Generator:
    """MT19937 as steps 2–3 describe it."""

    def __init__(self, seed: int):
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise DrawError("随机种子应为非负整数")
        self._mt = random.Random(seed)

    def next32(self) -> int:
        return self._mt.getrandbits(32)

    def below(self, n: int) -> int:
        if n <= 0:
            raise DrawError("没有可抽取的候选")
        k = n.bit_length()
        while True:
            r = self.next32() >> (32 - k)
            if r < n:
                return r

    def pick(self, items: list[str], m: int) -> list[str]:
        """Partial Fisher–Yates (step 4): the first ``m`` of ``items`` after m swaps, in draw order."""
        items = list(items)
        for i in range(m):
            j = i + self.below(len(items) - i)
            items[i], items[j] = items[j], items[i]
        return items[:m]


def run(seed: int, objects: Iterable[str], inspectors: Iterable[str], n_objects: int, group_size: int = MIN_GROUP,
        exclusions: Mapping[str, Iterable[str]] | None = None, labels: Mapping[str, str] | None = None) -> DrawResult:
    """Draw ``n_objects`` enterprises and a group of ``group_size`` inspectors for each.

    ``exclusions``: enterprise key → inspector keys that may not be sent there (conflicts of interest,
    the inspectors who checked it last time); ``labels``: key → a name for the refusal messages."""
    objects, inspectors = candidate_list(objects), candidate_list(inspectors)
    labels = labels or {}
    if group_size < MIN_GROUP:
        raise DrawError(f"每组检查人员不少于 {MIN_GROUP} 名")
    if n_objects < 1:
        raise DrawError("抽取企业数应至少为 1")
    if n_objects > len(objects):
        raise DrawError(f"候选企业只有 {len(objects)} 家，不能抽取 {n_objects} 家")
    if len(inspectors) < group_size:
        raise DrawError(f"可抽取的检查人员只有 {len(inspectors)} 名，少于每组 {group_size} 名")
    excluded = {key: set(values) for key, values in (exclusions or {}).items()}
    gen = Generator(seed)
    assignments = []
    for key in gen.pick(list(objects), n_objects):
        eligible = [k for k in inspectors if k not in excluded.get(key, ())]
        if len(eligible) < group_size:
            raise DrawError(f"{labels.get(key, key)}：回避后可派的检查人员只有 {len(eligible)} 名，少于每组 {group_size} 名")
        assignments.append(Assignment(key, tuple(sorted(gen.pick(eligible, group_size)))))
    return DrawResult(ALGORITHM, seed, objects, inspectors, list_hash(objects), list_hash(inspectors),
                      tuple(assignments))


@dataclass(frozen=True)
class Verification:
    ok: bool
    problems: tuple[str, ...]


def verify(seed: int, objects: list[str], inspectors: list[str], objects_hash: str, inspectors_hash: str,
           n_objects: int, group_size: int, exclusions: Mapping[str, Iterable[str]], recorded: list[dict],
           algorithm: str = ALGORITHM) -> Verification:
    """Re-run a recorded draw from its logged inputs and compare: the lists' hashes, the lists' order,
    and every assignment. Returns what differs, in Chinese (nothing when it reproduces)."""
    problems = []
    if algorithm != ALGORITHM:
        problems.append(f"记录的算法 {algorithm} 不是本程序的 {ALGORITHM}")
    if list(candidate_list(objects)) != list(objects):
        problems.append("候选企业清单未按规定排序或有重复")
    if list(candidate_list(inspectors)) != list(inspectors):
        problems.append("候选检查人员清单未按规定排序或有重复")
    if list_hash(objects) != objects_hash:
        problems.append("候选企业清单的 SHA-256 与记录不符")
    if list_hash(inspectors) != inspectors_hash:
        problems.append("候选检查人员清单的 SHA-256 与记录不符")
    try:
        again = run(seed, objects, inspectors, n_objects, group_size, exclusions).as_list()
    except DrawError as exc:
        problems.append(f"按记录的输入重新抽取失败：{exc}")
    else:
        if again != recorded:
            problems.append("按记录的种子和清单重新抽取，结果与记录不同")
    return Verification(not problems, tuple(problems))
