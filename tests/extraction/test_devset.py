"""A regression guard: the engine over the whole labelled set (tests/data/extraction/texts/), the
dev split's micro-F1 at or above the figure reached when the engine was last tuned (docs/performance.md,
"Disaster-text extraction (issue #23)"). The holdout split is scored here too, so a change that breaks
it shows, but its figure is not a target (it is never tuned on)."""

from pathlib import Path

from yingji.extraction import scoring

TEXTS = Path(__file__).resolve().parents[1] / "data" / "extraction" / "texts"
DEV_MICRO_F1_REACHED = 0.91


def test_dev_set_micro_f1_stays_at_the_figure_reached():
    texts = scoring.load_texts(TEXTS)
    dev = scoring.score_split(texts, "dev")
    assert dev.texts >= 10
    assert dev.micro_f1 >= DEV_MICRO_F1_REACHED, f"dev micro-F1 {dev.micro_f1:.3f} < {DEV_MICRO_F1_REACHED}"


def test_the_holdout_split_runs_through_the_engine():
    holdout = scoring.score_split(scoring.load_texts(TEXTS), "holdout")
    assert holdout.texts >= 1 and holdout.total.tp > 0


def test_scoring_counts_unknowns_as_false_positives():
    truth = {"event_type": "地震", "deaths": None, "injured": 3, "places": [{"name": "漾濞县", "code": "532922"}],
             "houses_collapsed": {"value": 5, "unit": "间"}}
    got = {"event_type": "地震", "deaths": 2, "injured": 4, "places": [{"name": "漾濞县", "code": "532922"},
                                                                    {"name": "大理市", "code": "532901"}],
           "houses_collapsed": {"value": 5, "unit": "户"}}
    counts = scoring.score_text(truth, got)
    assert (counts["event_type"].tp, counts["deaths"].fp, counts["deaths"].fn) == (1, 1, 0)
    assert (counts["injured"].fp, counts["injured"].fn) == (1, 1)
    assert (counts["places"].tp, counts["places"].fp, counts["places"].fn) == (1, 1, 0)
    assert (counts["houses_collapsed"].tp, counts["houses_collapsed"].fp) == (0, 1)
    assert counts["missing"].tp + counts["missing"].fp + counts["missing"].fn == 0  # both unknown
    assert scoring.score_field("crop_lost_ha", 8433.33, 8433.3).tp == 1  # 亩 → 公顷 within 0.1 ha
