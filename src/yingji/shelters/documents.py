"""The shelters' papers: the printable 居民安置卡 (one per household, A6; or every household in a shelter on
A4, four a page) with a QR code, and the GB/T 33744 受灾群众安置登记表 and 居民安置需求登记表 of an activation
as .docx (the platform's documents module) and .xlsx (its tabular module's cell rules).

The QR code carries only the address of the household's record on this platform (its number in the URL,
the card number as a query) — never a name, ID number or phone: whoever scans it must sign in, and sees
the record under the registry's own rules. Personal data printed on the papers follows the registry's
rule: masked for a reader without a personal role (the papers are built per request)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from yingji.core.framework.registry import MASK, RecordDocument, get_registry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STANDARD = "GB/T 33744-2017《地震应急避难场所 运行管理指南》"


def card_url(household) -> str:
    """What the card's QR code holds: the household's record page on this platform (no personal data)."""
    from yingji import config

    path = reverse("registry_detail", args=["shelter-households", household.pk])
    return f"{config.public_url()}{path}?card={household.card_number}"


def qr_svg(text: str) -> str:
    """``text`` as an inline SVG QR code (segno, error correction M)."""
    import segno

    return segno.make_qr(text, error="m").svg_inline(scale=4, border=2, omitsize=True)


def _masked(user, slug: str) -> frozenset[str]:
    return get_registry(slug).masked_fields(user)


def _card(household, masked_h: set, masked_p: set) -> dict:
    from yingji.shelters.models import FLAGS, split_flags

    members = sorted(household.members.all(), key=lambda m: (m.relation != "head", m.pk))
    held = {f for m in members for f in split_flags(m.flags)}
    flags = [f for f in FLAGS if f in held]
    return {"number": household.card_number, "shelter": household.activation.name, "zone": household.zone,
            "room": household.room, "head": MASK if "head_name" in masked_h else household.head_name,
            "village": household.village.name, "flags": "、".join(flags),
            "checked_in": f"{timezone.localtime(household.checked_in_at):%Y-%m-%d %H:%M}",
            "members": [{"name": MASK if "name" in masked_p else m.name, "relation": m.get_relation_display(),
                         "flags": "、".join(split_flags(m.flags))} for m in members],
            "qr": qr_svg(card_url(household))}


def _cards_page(households, user, title: str, sheet: bool) -> bytes:
    masked_h, masked_p = _masked(user, "shelter-households"), _masked(user, "shelter-evacuees")
    cards = [_card(h, masked_h, masked_p) for h in households]
    return render_to_string("shelters/cards.html", {"cards": cards, "title": title, "sheet": sheet}).encode()


def household_card(household, user=None) -> bytes:
    return _cards_page([household], user, household.card_number, sheet=False)


def activation_cards(activation, user=None) -> bytes:
    households = (activation.households.filter(state="in").select_related("activation", "village")
                  .prefetch_related("members").order_by("card_number"))
    return _cards_page(households, user, activation.name, sheet=True)


# ---- GB/T 33744 附录 E 受灾群众安置登记表, 附录 G 居民安置需求登记表 ------------------------------------------------
# The appendices' own column headings could not be read from a primary copy of the standard (decision 0024,
# "Second part"): these columns are the ones its text names for registration and needs, marked unconfirmed.

REGISTER = ("序号", "安置卡号", "姓名", "与户主关系", "性别", "出生年份", "身份证号码", "联系电话", "户籍村（社区）",
            "分区", "房间/床位", "入住时间", "离开时间", "去向")
NEEDS = ("序号", "安置卡号", "户主姓名", "家庭人数", "老", "幼", "孕", "残", "病", "三无", "三孤", "常用药品",
         "随行宠物", "安置需求", "联系电话")
SPECIAL = ("老", "幼", "孕", "残", "病", "三无", "三孤")


def _households(activation):
    return (activation.households.select_related("village").prefetch_related("members")
            .order_by("checked_in_at", "pk"))


def _when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def register_rows(activation, user=None) -> list[list]:
    """One row per person (the 户主 first in each household), personal data masked by the reader's roles."""
    masked_h, masked_p = _masked(user, "shelter-households"), _masked(user, "shelter-evacuees")
    rows = []
    for h in _households(activation):
        members = sorted(h.members.all(), key=lambda m: (m.relation != "head", m.pk))
        for m in members:
            rows.append([len(rows) + 1, h.card_number, MASK if "name" in masked_p else m.name,
                         m.get_relation_display(), m.get_gender_display(), m.birth_year or "",
                         MASK if "id_number" in masked_p and m.id_number else (m.id_number or "无"),
                         MASK if "phone" in masked_p and m.phone else m.phone, h.village.name, h.zone, h.room,
                         _when(h.checked_in_at), _when(h.checked_out_at),
                         MASK if "destination" in masked_h and h.destination else h.destination])
    return rows


def needs_rows(activation, user=None) -> list[list]:
    """One row per household: how many of its people need each kind of care, medication, pets, needs."""
    from yingji.shelters.models import split_flags

    masked_h, masked_p = _masked(user, "shelter-households"), _masked(user, "shelter-evacuees")
    rows = []
    for h in _households(activation):
        members = list(h.members.all())
        counts = {f: sum(1 for m in members if f in split_flags(m.flags)) for f in SPECIAL}
        medication = "；".join(f"{m.name}：{m.medication}" for m in members if m.medication)
        rows.append([len(rows) + 1, h.card_number, MASK if "head_name" in masked_h else h.head_name, len(members),
                     *[counts[f] or "" for f in SPECIAL],
                     MASK if "medication" in masked_p and medication else medication, h.pets,
                     MASK if "needs" in masked_h and h.needs else h.needs,
                     MASK if "phone" in masked_h and h.phone else h.phone])
    return rows


def _docx(activation, title: str, headers, rows) -> bytes:
    from yingji.core.framework.documents import OfficialDocument

    paper = OfficialDocument(f"{activation.name}", title)
    paper.paragraph(f"灾情事件：{activation.event}　启用时间：{_when(activation.activated_at)}　"
                    f"现场负责人：{activation.commander or '—'}　制表时间：{_when(timezone.now())}", indent=False)
    paper.table(list(headers), rows, size=9)
    paper.paragraph(f"格式参照 {STANDARD}（栏目未对照原文核实）。", indent=False)
    return paper.bytes()


def _xlsx(activation, title: str, headers, rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from yingji.core.framework.tabular import safe_row

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(safe_row([f"{activation.name} {title}"]))
    sheet.append(safe_row([f"灾情事件：{activation.event}", "", "", f"制表时间：{_when(timezone.now())}"]))
    sheet.append(list(headers))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(safe_row(row))
    sheet.append([])
    sheet.append([f"格式参照 {STANDARD}（栏目未对照原文核实）"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def register_docx(activation, user=None) -> bytes:
    return _docx(activation, "受灾群众安置登记表", REGISTER, register_rows(activation, user))


def register_xlsx(activation, user=None) -> bytes:
    return _xlsx(activation, "受灾群众安置登记表", REGISTER, register_rows(activation, user))


def needs_docx(activation, user=None) -> bytes:
    return _docx(activation, "居民安置需求登记表", NEEDS, needs_rows(activation, user))


def needs_xlsx(activation, user=None) -> bytes:
    return _xlsx(activation, "居民安置需求登记表", NEEDS, needs_rows(activation, user))


HTML = "text/html"

HOUSEHOLD_DOCUMENTS = {
    "card": RecordDocument("居民安置卡", household_card, media_type=HTML, extension="html", inline=True,
                           for_reader=True, on_record_page=True, filename=lambda h: f"居民安置卡-{h.card_number}.html"),
}
ACTIVATION_DOCUMENTS = {
    "cards": RecordDocument("居民安置卡（在住各户）", activation_cards, media_type=HTML, extension="html", inline=True,
                            for_reader=True, on_record_page=True, filename=lambda a: f"居民安置卡-{a.name}.html"),
    "register": RecordDocument("受灾群众安置登记表", register_docx, for_reader=True,
                               filename=lambda a: f"受灾群众安置登记表-{a.name}.docx"),
    "register-xlsx": RecordDocument("受灾群众安置登记表", register_xlsx, media_type=XLSX, extension="xlsx",
                                    for_reader=True, on_record_page=True,
                                    filename=lambda a: f"受灾群众安置登记表-{a.name}.xlsx"),
    "needs": RecordDocument("居民安置需求登记表", needs_docx, for_reader=True,
                            filename=lambda a: f"居民安置需求登记表-{a.name}.docx"),
    "needs-xlsx": RecordDocument("居民安置需求登记表", needs_xlsx, media_type=XLSX, extension="xlsx", for_reader=True,
                                 on_record_page=True, filename=lambda a: f"居民安置需求登记表-{a.name}.xlsx"),
}
