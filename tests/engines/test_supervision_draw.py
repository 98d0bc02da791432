"""The draw engine (supervision/draw.py) and the frequency-rule engine (supervision/caps.py), pure.

The draw is checked against the MT19937 reference outputs (mt19937ar.c's own test, init_by_array
{0x123, 0x234, 0x345, 0x456}) and against a second, independent implementation of the algorithm
written here from docs/decisions/0021 (MT19937 from the reference C code, the rejection sampler and
the partial Fisher–Yates): what another implementation would do to re-run a published draw."""

import datetime
import itertools

import pytest

from yingji.supervision import caps, draw

# The first outputs of genrand_int32() after init_by_array({0x123, 0x234, 0x345, 0x456}): mt19937ar.out.
MT_REFERENCE = [1067595299, 955945823, 477289528, 4107218783, 4228976476]


class ReferenceMT:
    """MT19937 as in Matsumoto and Nishimura's mt19937ar.c (init_by_array, genrand_int32)."""

    N, M = 624, 397

    def __init__(self, key):
        n = self.N
        mt = [0] * n
        mt[0] = 19650218
        for i in range(1, n):
            mt[i] = (1812433253 * (mt[i - 1] ^ (mt[i - 1] >> 30)) + i) & 0xFFFFFFFF
        i, j = 1, 0
        for _ in range(max(n, len(key))):
            mt[i] = ((mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525)) + key[j] + j) & 0xFFFFFFFF
            i, j = i + 1, j + 1
            if i >= n:
                mt[0], i = mt[n - 1], 1
            if j >= len(key):
                j = 0
        for _ in range(n - 1):
            mt[i] = ((mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941)) - i) & 0xFFFFFFFF
            i += 1
            if i >= n:
                mt[0], i = mt[n - 1], 1
        mt[0] = 0x80000000
        self.mt, self.index = mt, n

    def next32(self):
        n, mt = self.N, self.mt
        if self.index >= n:
            for k in range(n):
                y = (mt[k] & 0x80000000) | (mt[(k + 1) % n] & 0x7FFFFFFF)
                mt[k] = mt[(k + self.M) % n] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
            self.index = 0
        y = mt[self.index]
        self.index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        return y ^ (y >> 18)


def seed_key(seed: int) -> list[int]:
    """The seed's 32-bit words, least significant first (0 → [0])."""
    key = []
    while True:
        key.append(seed & 0xFFFFFFFF)
        seed >>= 32
        if not seed:
            return key


def reference_draw(seed, objects, inspectors, n_objects, group_size, exclusions):
    """The draw of 0021, step by step, on ReferenceMT."""
    mt = ReferenceMT(seed_key(seed))

    def below(n):
        k = n.bit_length()
        while True:
            r = mt.next32() >> (32 - k)
            if r < n:
                return r

    def pick(items, m):
        items = list(items)
        for i in range(m):
            j = i + below(len(items) - i)
            items[i], items[j] = items[j], items[i]
        return items[:m]

    objects, inspectors = sorted(set(objects)), sorted(set(inspectors))
    out = []
    for key in pick(objects, n_objects):
        eligible = [k for k in inspectors if k not in exclusions.get(key, ())]
        out.append({"object": key, "inspectors": sorted(pick(eligible, group_size))})
    return out


def test_the_generator_is_mt19937_of_the_reference_implementation():
    seed = (0x456 << 96) | (0x345 << 64) | (0x234 << 32) | 0x123  # init_by_array({0x123, 0x234, 0x345, 0x456})
    ours = draw.Generator(seed)
    assert [ours.next32() for _ in range(5)] == MT_REFERENCE
    theirs = ReferenceMT([0x123, 0x234, 0x345, 0x456])
    assert [theirs.next32() for _ in range(5)] == MT_REFERENCE


ENTERPRISES = [f"91430181{n:010d}" for n in range(1, 41)]
INSPECTORS = [f"430181{n:05d}" for n in range(1, 13)]


@pytest.mark.parametrize("seed", [0, 1, 20260315, 2**32 - 1, 2**40 + 7])
def test_an_independent_implementation_gets_the_same_draw(seed):
    exclusions = {ENTERPRISES[3]: INSPECTORS[:5], ENTERPRISES[10]: [INSPECTORS[0]]}
    ours = draw.run(seed, ENTERPRISES, INSPECTORS, 12, 3, exclusions).as_list()
    assert ours == reference_draw(seed, ENTERPRISES, INSPECTORS, 12, 3, exclusions)


def test_the_same_seed_gives_the_same_draw_whatever_order_the_lists_come_in():
    a = draw.run(77, ENTERPRISES, INSPECTORS, 10)
    b = draw.run(77, list(reversed(ENTERPRISES)) + ENTERPRISES[:3], list(reversed(INSPECTORS)), 10)
    assert a == b
    assert a.objects == tuple(ENTERPRISES) and a.objects_hash == draw.list_hash(ENTERPRISES)
    assert draw.run(78, ENTERPRISES, INSPECTORS, 10).as_list() != a.as_list()


def test_the_list_hash_is_sha256_of_the_keys_joined_by_newlines():
    import hashlib

    assert draw.list_hash(["A", "B"]) == hashlib.sha256(b"A\nB").hexdigest()
    assert draw.list_hash([]) == hashlib.sha256(b"").hexdigest()


def test_excluded_inspectors_are_never_sent_and_groups_are_distinct():
    exclusions = {e: INSPECTORS[:4] for e in ENTERPRISES[::2]}
    for seed in range(200):
        result = draw.run(seed, ENTERPRISES, INSPECTORS, 20, 2, exclusions)
        assert len({a.object_key for a in result.assignments}) == 20
        for a in result.assignments:
            assert len(set(a.inspector_keys)) == 2
            assert not set(a.inspector_keys) & set(exclusions.get(a.object_key, ()))


def test_every_enterprise_and_every_pair_can_come_up():
    """No candidate is unreachable: over many seeds each enterprise is drawn first at least once."""
    firsts = {draw.run(seed, ENTERPRISES[:8], INSPECTORS[:3], 1).assignments[0].object_key for seed in range(400)}
    assert firsts == set(ENTERPRISES[:8])
    pairs = {draw.run(seed, ENTERPRISES[:1], INSPECTORS[:4], 1).assignments[0].inspector_keys for seed in range(400)}
    assert pairs == set(itertools.combinations(INSPECTORS[:4], 2))


def test_refusals_say_why():
    with pytest.raises(draw.DrawError, match="不少于 2 名"):
        draw.run(1, ENTERPRISES, INSPECTORS, 3, group_size=1)
    with pytest.raises(draw.DrawError, match="候选企业只有 40 家"):
        draw.run(1, ENTERPRISES, INSPECTORS, 41)
    with pytest.raises(draw.DrawError, match="检查人员只有 1 名"):
        draw.run(1, ENTERPRISES, INSPECTORS[:1], 3)
    with pytest.raises(draw.DrawError, match="某花炮厂：回避后可派的检查人员只有 1 名"):
        draw.run(1, ENTERPRISES[:1], INSPECTORS[:3], 1, exclusions={ENTERPRISES[0]: INSPECTORS[:2]},
                 labels={ENTERPRISES[0]: "某花炮厂"})
    with pytest.raises(draw.DrawError, match="随机种子"):
        draw.Generator(-1)


def test_verify_reproduces_a_recorded_draw_and_names_what_was_changed():
    exclusions = {ENTERPRISES[0]: [INSPECTORS[0]]}
    r = draw.run(5, ENTERPRISES, INSPECTORS, 6, 2, exclusions)
    args = dict(seed=5, objects=list(r.objects), inspectors=list(r.inspectors), objects_hash=r.objects_hash,
                inspectors_hash=r.inspectors_hash, n_objects=6, group_size=2, exclusions=exclusions)
    assert draw.verify(**args, recorded=r.as_list()) == draw.Verification(True, ())
    swapped = r.as_list()
    swapped[0]["object"] = next(e for e in ENTERPRISES if e not in {a["object"] for a in swapped})
    assert "结果与记录不同" in "".join(draw.verify(**args, recorded=swapped).problems)
    one_fewer = {**args, "objects": list(r.objects)[1:]}
    assert "候选企业清单的 SHA-256 与记录不符" in draw.verify(**one_fewer, recorded=r.as_list()).problems
    assert not draw.verify(**{**args, "seed": 6}, recorded=r.as_list()).ok


# ---- frequency rules and the cap -----------------------------------------------------------------

RULES = [
    caps.Rule(1, 1, 6, "43/", datetime.date(2025, 4, 23), standardization="none"),
    caps.Rule(2, 1, 12, "43/", datetime.date(2025, 4, 23), enterprise_class="hazardous_chemicals", standardization="none"),
    caps.Rule(3, 1, 4, "43/4301/430181/", datetime.date(2026, 1, 1), standardization="none"),
    caps.Rule(4, 1, 2, "43/", datetime.date(2027, 1, 1), standardization="none"),
]


def test_the_most_specific_rule_in_force_applies_else_the_plan_items_numbers():
    chemical = {"enterprise_class": "hazardous_chemicals", "standardization": "none", "risk_level": ""}
    trade = {"enterprise_class": "commerce", "standardization": "none"}
    on = datetime.date(2026, 6, 1)
    assert caps.applicable(RULES, chemical, 1, 2, on).rule.id == 2  # two criteria beat one
    assert caps.applicable(RULES, trade, 1, 2, on).rule.id == 3  # the county's own beats the province's
    assert caps.applicable(RULES, trade, 1, 2, datetime.date(2025, 6, 1)).rule.id == 1  # the county's not yet in force
    assert caps.applicable(RULES, {"standardization": "level1"}, 1, 2, on) == caps.Frequency(1, 2, None)


def test_beyond_the_cap_only_complaints_and_accidents_and_recorded_as_such():
    beyond = ("complaint", "accident")
    assert caps.decide(2, 1, "random", beyond) == caps.CapDecision(True, False, "")
    refused = caps.decide(2, 2, "key", beyond)
    assert not refused.allowed and "达到年度计划上限 2 次" in refused.reason
    allowed = caps.decide(2, 2, "complaint", beyond, "投诉举报")
    assert allowed.allowed and allowed.beyond_cap and "投诉举报" in allowed.reason
