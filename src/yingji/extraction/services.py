"""Extraction in the platform: the national gazetteer shipped with the engine combined with the
platform's own region table (the bureau's townships and villages, down to 12-digit codes), and the
user's own region preferred where a name stands for several units; a form filled from a text
(filling.py's maps, declared by the apps owning the forms) and what the officer corrected before
saving it, kept as the bureau's evaluation set (models.ExtractionCorrection)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.utils import timezone

from yingji.core.directory.models import Region
from yingji.core.framework.access import effective_region
from yingji.extraction import engine, filling, places

MAX_TEXT_CHARS = 100_000
KEPT_TEXT_CHARS = 32_000  # an .xlsx cell holds 32,767 characters: a longer text is kept up to here
TEXT_FIELD, DATE_FIELD = "extraction_text", "extraction_reference_date"  # the hidden inputs of a filled form


@lru_cache(maxsize=4)
def _gazetteer(signature: tuple) -> places.Gazetteer:
    rows = [(r.code, r.name, r.level, parent) for r, parent in
            ((r, r.parent.code if r.parent_id else None) for r in Region.objects.select_related("parent"))]
    return places.national().merged(rows)


def gazetteer() -> places.Gazetteer:
    """Rebuilt when the region table changes (its row count or latest update)."""
    stats = Region.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    return _gazetteer((stats["n"], stats["last"]))


def extract_for(user, text: str, reference_date: dt.date | None = None) -> engine.Extraction:
    region = effective_region(user)
    prefer = [region.code] if region is not None else []
    return engine.extract(text, reference_date or timezone.localdate(), gazetteer(), prefer)


# ---- filling a form ----------------------------------------------------------------------------------

def proposals(user, key: str, text: str, reference_date: dt.date | None = None):
    """(extraction, {form field: Proposal}) for the form ``key``. A place code outside the user's
    scope or not in the platform's region table is not proposed (the form would refuse it)."""
    fill = filling.get(key)
    if fill is None:
        raise ValidationError({"form": f"没有名为“{key}”的填表映射"})
    extraction = extract_for(user, text, reference_date)
    found = fill.propose(extraction, text)
    codes = {p.value for p in found.values() if p.source == "places" and p.value.isdigit()}
    if codes:
        # a unit the bureau's table lacks (a township of the national gazetteer) falls back to the
        # nearest enclosing unit it has (its county); one outside the user's scope is not proposed
        wider = {c: [c[:n] + "0" * (6 - n) if n < 6 else c[:n] for n in (12, 9, 6, 4, 2) if n <= len(c)] for c in codes}
        known = set(Region.objects.for_user(user).filter(code__in={x for xs in wider.values() for x in xs})
                    .values_list("code", flat=True))
        chosen = {c: next((x for x in xs if x in known), None) for c, xs in wider.items()}
        out = {}
        for name, p in found.items():
            if p.source == "places" and p.value.isdigit():
                if chosen[p.value] is None:
                    continue
                if chosen[p.value] != p.value:
                    p = replace(p, value=chosen[p.value], confidence=round(p.confidence * 0.6, 2),
                                note=f"{p.note}：本平台区划中没有，按所属上级区划填写，请核对")
            out[name] = p
        found = out
    return extraction, found


def shown(value) -> str:
    """A cleaned form value as the proposals write it: a region by its code, a time as the
    datetime-local input shows it, numbers without trailing zeros."""
    if value is None:
        return ""
    if hasattr(value, "code") and hasattr(value, "level"):
        return value.code
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if timezone.is_aware(value) else \
            value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return filling.number_text(value)
    return str(value).strip()


def _same(proposed: str, saved: str) -> bool:
    try:
        return Decimal(proposed) == Decimal(saved)
    except (InvalidOperation, ValueError):
        return proposed.strip() == saved.strip()


def parse_reference(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()) if value else None
    except ValueError:
        return None


def record_corrections(user, key: str, text: str, saved: dict, *, region, record: str = "",
                       reference_date: dt.date | None = None, labels: dict | None = None) -> list:
    """Keep what the officer did with a form filled from ``text``: for each field of the form's map,
    the value proposed (extracted again here, so it is what the page was shown, not what a client
    says it was) and the value saved (``saved``: the form's cleaned values). A field proposed and
    saved unchanged is kept too (a confirmation is as much part of an evaluation set as a
    correction); a field not proposed is kept only when the officer filled it (a miss). Returns the
    rows written. Nothing when ``text`` is empty (the form was not filled from a text)."""
    from yingji.extraction.models import ExtractionCorrection

    text = (text or "")[:MAX_TEXT_CHARS]  # extracted whole (the spans are the page's); kept up to KEPT_TEXT_CHARS
    fill = filling.get(key)
    if not text.strip() or fill is None or region is None:
        return []
    _, found = proposals(user, key, text, reference_date)
    now, labels, rows = timezone.now(), labels or {}, []
    for target in fill.targets:
        if target.field not in saved:
            continue
        value = saved[target.field]
        saved_text = shown(target.read(value) if target.read is not None and value is not None else value)
        p = found.get(target.field)
        if p is None and (not target.misses or saved_text in ("", "0")):
            continue
        proposed = p.value if p is not None else ""
        rows.append(ExtractionCorrection(
            region=region, recorded_at=now, recorded_by=user if user.is_authenticated else None, page=key,
            page_label=fill.label, record=str(record)[:120], field=target.field,
            field_label=str(labels.get(target.field, target.field))[:60],
            source=p.source if p is not None else "", proposed=proposed, saved=saved_text,
            corrected=not _same(proposed, saved_text), span=(p.text or "")[:200] if p is not None else "",
            span_start=p.start if p is not None else None, span_end=p.end if p is not None else None,
            confidence=p.confidence if p is not None else None, approximate=bool(p and p.approximate),
            text=text[:KEPT_TEXT_CHARS]))
    for row in rows:
        row.save()
    return rows


def record_form(user, key: str, form, *, region, record: str = "", saved: dict | None = None) -> list:
    """record_corrections for a bound Django form carrying the paste box's hidden inputs."""
    data = form.data
    labels = {name: f.label for name, f in form.fields.items()}
    return record_corrections(user, key, data.get(TEXT_FIELD, ""), form.cleaned_data if saved is None else saved,
                              region=region, record=record, reference_date=parse_reference(data.get(DATE_FIELD)),
                              labels=labels)


def text_of_file(upload) -> str:
    """The text of an uploaded .txt (UTF-8, or GB18030 as Chinese Windows writes it) or .docx (its
    paragraphs and table cells, in order)."""
    name = (upload.name or "").lower()
    content = upload.read(8 * 1024 * 1024 + 1)
    if len(content) > 8 * 1024 * 1024:
        raise ValidationError({"file": "文件超过 8 MB"})
    if name.endswith(".txt"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationError({"file": "无法识别文本文件的编码（应为 UTF-8 或 GBK）"})
    if name.endswith(".docx"):
        import io
        import zipfile

        import docx

        try:
            document = docx.Document(io.BytesIO(content))
        except (zipfile.BadZipFile, KeyError, ValueError):
            raise ValidationError({"file": "无法读取该 Word 文件（应为 .docx）"}) from None
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                cells = list(dict.fromkeys(c.text.strip() for c in row.cells))
                lines.append("  ".join(c for c in cells if c))
        return "\n".join(line for line in lines if line.strip())
    raise ValidationError({"file": "请上传 .txt 或 .docx 文件"})
