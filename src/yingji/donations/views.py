"""The donations' pages that are not registry pages: the public ones (no login: the needs list with the
pledge form, the pledge's status, the trace of a lot, a published disclosure) and the printed receipt
with its QR label (a record document of the lot, served under the lot's own rules)."""

from __future__ import annotations

import io

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape

from yingji.core.framework.net import client_ip
from yingji.donations import services
from yingji.donations.choices import DisclosureState, DonorKind, Use
from yingji.donations.models import Campaign, Disclosure, DonationLot


def trace_url(number: str) -> str:
    from yingji import config

    return config.public_url().rstrip("/") + reverse("donation_trace") + f"?no={number}"


def qr_svg(text: str, scale: int = 4) -> str:
    """A QR code as inline SVG (segno, pure Python)."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=scale, xmldecl=False, svgns=True, nl=False,
                                     svgclass="donation-qr", title="追溯二维码")
    return out.getvalue().decode()


def label_html(lot: DonationLot) -> bytes:
    """The lot's receipt and QR label (printed and stuck on the goods; the QR opens the public trace)."""
    what = lot.what
    rows = [("捐赠收据号", lot.number), ("捐赠活动", lot.campaign.title), ("捐赠人", lot.donor_name),
            ("捐赠", what), ("接收点", lot.receiving_point.name),
            ("接收时间", f"{lot.received_at.astimezone():%Y-%m-%d %H:%M}"),
            ("指定用途", lot.get_designated_use_display()
             + (f"（{lot.designated_region.name}）" if lot.designated_region_id else "")),
            ("公益事业捐赠票据号", lot.official_receipt or "—")]
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    url = trace_url(lot.number)
    page = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>捐赠收据 {escape(lot.number)}</title>'
            f'</head><body><main><h1>捐赠接收收据</h1><table>{cells}</table>'
            f'<figure>{qr_svg(url)}<figcaption>扫码查看捐赠去向：{escape(url)}</figcaption></figure>'
            f'<p>感谢您的爱心捐赠！捐赠物资和资金的去向可凭捐赠收据号在应急管理局网站查询。</p></main></body></html>')
    return page.encode()


# ---- public pages (no login) ----------------------------------------------------------------------
def campaigns_page(request):
    """Not an operation: a public page (no login), it reads the published needs lists."""
    return render(request, "donations/public_campaigns.html", {"campaigns": services.public_campaigns()})


def needs_page(request, pk):
    """Not an operation: the public needs list and pledge form (no login: token, honeypot and rate
    limits are its checks, as every public form's)."""
    from yingji.donations import public

    # An ended campaign's page stays (its disclosures, the full account); it takes no more pledges.
    campaign = get_object_or_404(Campaign.objects.filter(published=True).select_related("event", "region"), pk=pk)
    context = {"campaign": campaign, "needs": services.needs(campaign), "token": public.form_token(), "data": {},
               "uses": Use.choices, "donor_kinds": DonorKind.choices,
               "regions": campaign.region.children.order_by("code"),
               "points": {r["point"] for r in services.needs(campaign)},
               "disclosures": campaign.disclosures.filter(state=DisclosureState.PUBLISHED).order_by("-period_end")}
    if request.method == "POST":
        data = request.POST
        try:
            pledge = public.submit(
                ip=client_ip(request), token=data.get("token", ""), honeypot=data.get("website", ""), campaign_id=pk,
                donor_kind=data.get("donor_kind", ""), donor_name=data.get("donor_name", ""),
                phone=data.get("phone", ""), kind=data.get("kind", ""), material_id=data.get("material", ""),
                quantity=data.get("quantity", ""), amount=data.get("amount", ""),
                designated_use=data.get("designated_use", ""), designated_region_id=data.get("designated_region", ""),
                publish_name=data.get("publish_name") == "on", note=data.get("note", ""))
        except public.Refused as exc:
            context.update(error=str(exc), data=data)
            return render(request, "donations/public_needs.html", context, status=exc.status)
        return render(request, "donations/public_pledge_done.html", {"pledge": pledge, "campaign": campaign})
    return render(request, "donations/public_needs.html", context)


def pledge_status(request):
    """Not an operation: a public page (the 登记编号 is the key), it reads."""
    code = request.GET.get("code", "")[:20]
    return render(request, "donations/public_pledge_status.html",
                  {"code": code, "result": services.pledge_status(code) if code else None})


def trace_page(request):
    """Not an operation: the public trace of a lot by its 捐赠收据号 (typed or from the QR), it reads."""
    number = request.GET.get("no", "")[:30]
    result = services.trace(number) if number else None
    return render(request, "donations/public_trace.html", {"number": number, "result": result},
                  status=404 if number and result is None else 200)


def lot_trace(request, pk):
    """The public trace of a lot, from its record page (the receipt number is its public key)."""
    lot = get_object_or_404(DonationLot, pk=pk)
    return redirect(reverse("donation_trace") + f"?no={lot.number}")


def disclosure_page(request, pk):
    """Not an operation: a published disclosure (公开), readable by everyone once published."""
    d = get_object_or_404(Disclosure.objects.select_related("campaign"), pk=pk)
    if d.state != DisclosureState.PUBLISHED and not (request.user.is_authenticated and
                                                    Disclosure.objects.for_user(request.user).filter(pk=pk).exists()):
        raise Http404
    return render(request, "donations/public_disclosure.html", services.disclosure_report(d))


def disclosure_xlsx_public(request, pk):
    d = get_object_or_404(Disclosure, pk=pk, state=DisclosureState.PUBLISHED)
    from yingji.core.framework.tabular import XLSX_TYPE

    response = HttpResponse(services.disclosure_xlsx(d), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="disclosure-{d.pk}.xlsx"'
    return response
