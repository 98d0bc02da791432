"""A warning's CAP 1.2 message as the warnings registry's declared document ``cap``: the page
/warnings/<id>/cap.xml and GET /api/warnings/<id>/documents/cap/ serve it alike."""

from __future__ import annotations

from yingji import config
from yingji.core.framework.registry import RecordDocument
from yingji.warnings import cap


def cap_sender() -> str:
    return f"yingji@{config.public_url().split('//')[-1].split('/')[0].rsplit(':', 1)[0].strip('[]')}"


def cap_message(warning) -> bytes:
    return cap.to_cap(warning, sender=cap_sender())


CAP_DOCUMENT = RecordDocument("CAP 1.2 报文", cap_message, media_type="application/cap+xml", extension="xml",
                              filename=lambda w: f"{w.code}.cap.xml", inline=True)
