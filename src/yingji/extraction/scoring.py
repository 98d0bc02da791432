"""Scores extracted labels against true ones, field by field (docs/decisions/0023, benchmarks/extraction.py).

Fields: event_type, event_subtype, occurred_date, places, the figures (figures.FIELDS) and cumulative.
For one text and one field other than places, with truth t and prediction p (None = unknown):
- t and p both None: counts nothing (a true negative);
- t == p: one true positive;
- t None, p given: one false positive (the engine claimed what the text does not say);
- t given, p None: one false negative;
- both given and different: one false positive and one false negative.
Equality: numbers exactly, except areas in 公顷, equal within 0.1 ha (亩 → 公顷 by 1/15 leaves fractions
a labeller rounds); houses value and unit both; event type, subtype and date as strings; cumulative as
a boolean. Places: each true place is matched to a predicted place of the same code (the same
administrative unit), or, where its code is null (ambiguous), of the same name and a null code; each
match is a true positive, each true place unmatched a false negative, each predicted place unmatched a
false positive. Micro-F1 = 2·TP / (2·TP + FP + FN) over all fields of all texts. The approximate flags
are counted the same way per field named, reported apart and not in the micro-F1. Pure: no Django."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from yingji.extraction.figures import FIELDS as FIGURE_FIELDS

SCORED_FIELDS = ("event_type", "event_subtype", "occurred_date", "places") + FIGURE_FIELDS + ("cumulative",)
AREA_FIELDS = ("crop_affected_ha", "crop_lost_ha")


@dataclass
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Count) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp + self.fp + self.fn else 1.0


@dataclass
class Score:
    fields: dict[str, Count] = field(default_factory=lambda: {f: Count() for f in SCORED_FIELDS})
    approximate: Count = field(default_factory=Count)
    texts: int = 0

    @property
    def total(self) -> Count:
        total = Count()
        for count in self.fields.values():
            total.add(count)
        return total

    @property
    def micro_f1(self) -> float:
        return self.total.f1


def _equal(name: str, truth, predicted) -> bool:
    if name in AREA_FIELDS:
        return abs(float(truth) - float(predicted)) <= 0.1
    if isinstance(truth, dict) or isinstance(predicted, dict):
        return (isinstance(truth, dict) and isinstance(predicted, dict) and truth.get("value") == predicted.get("value")
                and truth.get("unit") == predicted.get("unit"))
    if isinstance(truth, bool) or isinstance(predicted, bool):
        return truth is predicted
    if isinstance(truth, (int, float)) and isinstance(predicted, (int, float)):
        return truth == predicted
    return truth == predicted


def score_field(name: str, truth, predicted) -> Count:
    if name == "places":
        return score_places(truth or [], predicted or [])
    if truth is None and predicted is None:
        return Count()
    if truth is None:
        return Count(fp=1)
    if predicted is None:
        return Count(fn=1)
    return Count(tp=1) if _equal(name, truth, predicted) else Count(fp=1, fn=1)


def score_places(truth: list[dict], predicted: list[dict]) -> Count:
    left = list(predicted)
    count = Count()
    for place in truth:
        match = next((p for p in left if (p.get("code") == place["code"] if place.get("code")
                                          else not p.get("code") and p.get("name") == place.get("name"))), None)
        if match is None:
            count.fn += 1
        else:
            count.tp += 1
            left.remove(match)
    count.fp += len(left)
    return count


def score_text(truth: dict, predicted: dict) -> dict[str, Count]:
    return {name: score_field(name, truth.get(name), predicted.get(name)) for name in SCORED_FIELDS}


def score(pairs: Iterable[tuple[dict, dict]]) -> Score:
    """``pairs``: (true labels, predicted labels) per text, both in the development set's label form."""
    result = Score()
    for truth, predicted in pairs:
        result.texts += 1
        for name, count in score_text(truth, predicted).items():
            result.fields[name].add(count)
        true_approx, got_approx = set(truth.get("approximate") or ()), set(predicted.get("approximate") or ())
        result.approximate.add(Count(len(true_approx & got_approx), len(got_approx - true_approx),
                                     len(true_approx - got_approx)))
    return result


def load_texts(folder) -> list[dict]:
    """The labelled texts of a folder (tests/data/extraction/texts/*.json), by id."""
    import json
    from pathlib import Path

    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(folder).glob("*.json"))]


def predict(text: dict) -> dict:
    """The engine's labels for one labelled text (its text and reference date only)."""
    import datetime as dt

    from yingji.extraction.engine import extract

    reference = dt.date.fromisoformat(text["reference_date"]) if text.get("reference_date") else None
    return extract(text["text"], reference).labels()


def score_split(texts: list[dict], split: str) -> Score:
    return score((t["labels"], predict(t)) for t in texts if t["split"] == split)
