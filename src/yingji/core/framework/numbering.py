"""Document numbers that two concurrent writers cannot share: one counter row per series
(``NumberSequence``: kind + series, e.g. ("incident", "20261123")), incremented in the caller's
transaction.

``next_serial`` runs ``UPDATE … SET last = last + 1`` on the series' row and reads the value back.
The UPDATE holds the row (PostgreSQL: its row lock; SQLite: the database's write lock) until the
caller's transaction ends, so a second writer numbering in the same series waits and then gets the
next serial; a caller that rolls back gives its serial back with everything else it wrote, so numbers
stay consecutive. Different series (another day, another kind) never wait for each other.

A series is created on its first use, seeded with the highest serial its documents already carry
(``seed``), so a database numbered by max + 1 before this existed continues without a clash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone


def next_serial(kind: str, series: str, seed: Callable[[], int], count: int = 1) -> int:
    """The next serial of ``kind`` in ``series``; ``seed()`` gives the highest serial in use, asked only
    when the series has no counter yet. With ``count``, a block of that many consecutive serials is
    taken at once (a list imported) and the last of them is returned."""
    from yingji.core.framework.models import NumberSequence

    counter = NumberSequence.objects.filter(kind=kind, series=series)
    with transaction.atomic():  # the caller's transaction when there is one: the row stays held until it ends
        for _ in range(2):
            if counter.update(last=F("last") + count):
                return counter.values_list("last", flat=True).get()
            # First use: seed the counter. Two first users at once: PostgreSQL makes the second INSERT
            # wait for the first's transaction and then do nothing; its UPDATE then counts on from there.
            NumberSequence.objects.bulk_create([NumberSequence(kind=kind, series=series, last=seed())],
                                               ignore_conflicts=True)
    raise RuntimeError(f"number sequence {kind}/{series} could not be created")  # pragma: no cover


def highest(values: Iterable[str], head: str) -> int:
    """The highest serial among document numbers ``head`` + digits (others ignored): a series' seed."""
    serials = [int(v[len(head):]) for v in values if v.startswith(head) and v[len(head):].isdigit()]
    return max(serials, default=0)


def dated_number(model, field: str, prefix: str, width: int, when=None, sep: str = "") -> str:
    """``prefix`` + the local date (YYYYMMDD) + ``sep`` + the day's serial in ``width`` digits, the
    series being ``model``'s documents of that day: SJ20261123007 (事件), YJ20261123001 (预警),
    DB20261123-0007 (调拨单). ``when`` (default now) decides the day, so a backdated record takes
    the next serial of its own day."""
    return dated_numbers(model, field, prefix, width, 1, when, sep)[0]


def dated_numbers(model, field: str, prefix: str, width: int, count: int, when=None, sep: str = "") -> list[str]:
    """``count`` consecutive numbers of :func:`dated_number`'s series, taken in one step (a bulk import)."""
    day = timezone.localtime(when or timezone.now()).strftime("%Y%m%d")
    head = f"{prefix}{day}{sep}"

    def seed() -> int:
        return highest(model._default_manager.filter(**{f"{field}__startswith": head})
                       .values_list(field, flat=True), head)

    if count <= 0:
        return []
    last = next_serial(model._meta.label_lower, day, seed, count)
    return [f"{head}{serial:0{width}d}" for serial in range(last - count + 1, last + 1)]
