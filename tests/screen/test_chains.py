"""The 事理图谱 engine on hand-made links: counting, layers, chains (pure, no database)."""

from yingji.screen.chains import Case, Link, chains, count_edges, graph, type_totals

RAIN, SLIDE, ROAD, POWER, FLOOD = "12200", "14200", "22100", "23300", "11300"


def link(cause_type, effect_type, a, b):
    return Link(cause_type, effect_type, Case(a, f"事件{a}"), Case(b, f"事件{b}"))


# Three storms: 1 → 2 → 3 (暴雨 → 滑坡 → 道路), 1 → 4 (暴雨 → 山洪); 5 → 6 → 7 (暴雨 → 滑坡 → 停电);
# 8 → 9 (暴雨 → 滑坡), recorded twice (a link and a timeline mention); 10 → 10 (itself), 11 → 12 (滑坡 → 滑坡).
LINKS = [link(RAIN, SLIDE, 1, 2), link(SLIDE, ROAD, 2, 3), link(RAIN, FLOOD, 1, 4),
         link(RAIN, SLIDE, 5, 6), link(SLIDE, POWER, 6, 7),
         link(RAIN, SLIDE, 8, 9), link(RAIN, SLIDE, 8, 9),
         link(RAIN, RAIN, 10, 10), link(SLIDE, SLIDE, 11, 12)]


def test_edges_count_distinct_incident_pairs_most_frequent_first():
    edges = count_edges(LINKS, examples=2)
    assert [(e.cause, e.effect, e.count) for e in edges] == [
        (RAIN, SLIDE, 3),  # 1→2, 5→6, 8→9 (the repeat counts once); 11→12 is a type to itself
        (RAIN, FLOOD, 1), (SLIDE, ROAD, 1), (SLIDE, POWER, 1)]  # ties by the codes
    assert [(a.key, b.key) for a, b in edges[0].examples] == [(1, 2), (5, 6)]  # at most two kept
    assert type_totals(edges) == {RAIN: (4, 0), SLIDE: (2, 3), FLOOD: (0, 1), ROAD: (0, 1), POWER: (0, 1)}


def test_graph_puts_causes_left_and_what_followed_right_in_layers():
    edges = count_edges(LINKS)
    g = graph(edges, SLIDE, column=200, row=50, margin=10)
    layer = {n.code: n.layer for n in g.nodes}
    assert layer == {SLIDE: 0, RAIN: -1, ROAD: 1, POWER: 1}  # 山洪 is a sibling, not on a chain through 滑坡
    at = {n.code: (n.x, n.y) for n in g.nodes}
    # columns at 10, 210, 410; the tallest column (two types) from y = 10, the others centred on it
    assert at[RAIN] == (10, 35) and at[SLIDE] == (210, 35)
    assert at[ROAD] == (410, 10) and at[POWER] == (410, 60)  # equal weight: by code (22100 before 23300)
    assert (g.width, g.height) == (420, 70)
    assert {(e.cause, e.effect) for e in g.edges} == {(RAIN, SLIDE), (SLIDE, ROAD), (SLIDE, POWER)}


def test_graph_from_the_first_cause_reaches_two_steps_and_stops_at_depth():
    edges = count_edges(LINKS)
    assert {n.code: n.layer for n in graph(edges, RAIN).nodes} == {RAIN: 0, SLIDE: 1, FLOOD: 1, ROAD: 2, POWER: 2}
    assert {n.code for n in graph(edges, RAIN, depth=1).nodes} == {RAIN, SLIDE, FLOOD}


def test_chains_are_counted_by_their_weakest_step():
    edges = count_edges(LINKS)
    assert chains(edges, RAIN) == [((RAIN, SLIDE, ROAD), 1), ((RAIN, SLIDE, POWER), 1), ((RAIN, FLOOD), 1)]  # longest first
    # 暴雨 → 滑坡 happened three times, but each longer chain only once; the step alone is no chain of its own
    assert chains(edges, ROAD) == []  # nothing followed a road accident here


def test_a_cycle_does_not_loop():
    edges = count_edges([link(RAIN, SLIDE, 1, 2), link(SLIDE, RAIN, 3, 4)])
    assert chains(edges, RAIN) == [((RAIN, SLIDE), 1)]
    assert {n.code: n.layer for n in graph(edges, RAIN).nodes} == {RAIN: 0, SLIDE: 1}
