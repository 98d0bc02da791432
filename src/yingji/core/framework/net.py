"""Which address a request comes from.

Behind a reverse proxy every request arrives from the proxy, and the citizen's address is in
X-Forwarded-For. That header is only believed when the request came from a proxy configured in
YINGJI_TRUSTED_PROXIES (addresses or CIDR ranges); then the right-most address in it that is not a
trusted proxy is the client (each proxy appends the address it saw, so only what trusted proxies
appended can be believed; anything further left was written by the client and may be forged).
Every per-client limit (public forms, login attempts) uses ``client_ip``.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple:
    nets = []
    for item in spec:
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            continue  # reported by `yingji check`; an unreadable entry trusts nothing
    return tuple(nets)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the right-most untrusted X-Forwarded-For hop when the
    request came through trusted proxies."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    nets = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    peer = _address(remote)
    if not nets or peer is None or not any(peer in n for n in nets):
        return remote
    client = peer
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:  # garbage written before the first trusted proxy: stop at the last good hop
            break
        client = address
        if not any(address in n for n in nets):
            break
    return str(client)
