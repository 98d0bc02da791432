"""A warning's CAP 1.2 message as the warnings registry's declared document ``cap``: the page
/warnings/<id>/cap.xml and GET /api/warnings/<id>/documents/cap/ serve it alike — the last message the
warning sent (exchange.document), or a Draft preview before release."""

from __future__ import annotations

from yingji.core.framework.registry import RecordDocument


def cap_message(warning) -> bytes:
    from yingji.warnings import exchange

    return exchange.document(warning)


CAP_DOCUMENT = RecordDocument("CAP 1.2 报文", cap_message, media_type="application/cap+xml", extension="xml",
                              filename=lambda w: f"{w.code}.cap.xml", inline=True)
