"""pure: the Content-Security-Policy the platform sends (django-csp 4.x settings shape).

Scripts come only from this site's own static files: no inline <script>, no inline event handlers,
no eval. Styles allow 'unsafe-inline' because templates, Leaflet and ECharts set style attributes
(a style cannot run script). Images allow data: (Bootstrap's form icons) and the origin of the
base-map tiles, derived from YINGJI_MAP_TILE_URL. See docs/decisions/0003-content-security-policy.md.
"""

from __future__ import annotations

import re

SELF, NONE, UNSAFE_INLINE = "'self'", "'none'", "'unsafe-inline'"


def tile_source(url: str) -> str | None:
    """The CSP source that admits a Leaflet tile URL template, or None when 'self' already does.

    ``https://{s}.tile.example/{z}/{x}/{y}.png`` → ``https://*.tile.example``; a placeholder anywhere
    but the first host label can only be admitted by scheme (``https:``); a relative URL is 'self'."""
    match = re.match(r"^(?:([a-z][a-z0-9+.-]*):)?//([^/?#]+)", (url or "").strip(), re.IGNORECASE)
    if not match:
        return None  # empty, or /tiles/{z}/{x}/{y}.png: served by this site
    scheme, host = match.group(1), match.group(2).rsplit("@", 1)[-1]
    labels = host.split(".")
    if "{" in labels[0]:
        labels[0] = "*"  # a subdomain placeholder: CSP's wildcard stands for it
    if any("{" in label for label in labels):
        return f"{scheme or 'https'}:"
    return f"{scheme}://{'.'.join(labels)}" if scheme else ".".join(labels)  # no scheme: the page's own


def policy(tile_url: str = "") -> dict:
    """The value of django-csp's ``CONTENT_SECURITY_POLICY`` setting."""
    images = [SELF, "data:"]
    tiles = tile_source(tile_url)
    if tiles:
        images.append(tiles)
    return {"DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": images,
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }}
