"""The listing rules of 《安全生产严重失信主体名单管理办法》 and the credit-class scheme as data (pure: no
Django): data/listing-rules.json (each case with its wording, article, whether the wording and the article
were checked against a text, and either the check that runs it over the platform's records or why it is not
run), the periods (3 years, 12 months, the 陈述申辩 days) with their articles, and data/credit-classes.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class ListingRule:
    code: str
    group: str  # accident | violation
    item: str
    title: str
    wording: str
    article: str
    wording_confirmed: bool
    article_confirmed: bool
    check: str | None  # the engine's check (listing.CHECKS), None: not run
    platform: str = ""  # what of the platform's records it reads
    not_run: str = ""  # why it is not run (the fact is not in the platform)
    window_months: int = 0
    at_least: int = 0

    @property
    def runs(self) -> bool:
        return self.check is not None

    @property
    def confirmed(self) -> bool:
        return self.wording_confirmed and self.article_confirmed

    def citation(self, source: str) -> str:
        return f"{source}{self.article}" + ("" if self.article_confirmed else "（条号未核实）")


@dataclass(frozen=True)
class Period:
    key: str
    value: int
    label: str
    article: str
    confirmed: bool
    note: str


def _read(name: str) -> dict:
    return json.loads(resources.files("yingji.credit").joinpath("data", name).read_text("utf-8"))


@cache
def listing_data() -> dict:
    return _read("listing-rules.json")


def listing_rules() -> tuple[ListingRule, ...]:
    return tuple(ListingRule(**{k: v for k, v in r.items() if k in ListingRule.__dataclass_fields__})
                 for r in listing_data()["rules"])


def rule(code: str) -> ListingRule:
    for r in listing_rules():
        if r.code == code:
            return r
    raise KeyError(code)


def source() -> str:
    return listing_data()["source"]


def effective() -> str:
    return listing_data()["effective"]


def periods() -> dict[str, Period]:
    return {k: Period(k, int(v["value"]), v["label"], v["article"], bool(v["confirmed"]), v.get("note", ""))
            for k, v in listing_data()["periods"].items()}


def period(key: str) -> int:
    return periods()[key].value


def removal_conditions() -> list[dict]:
    return listing_data()["removal_conditions"]


def publication() -> dict:
    return listing_data()["publication"]


@cache
def class_scheme() -> dict:
    return _read("credit-classes.json")
