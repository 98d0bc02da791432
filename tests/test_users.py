"""用户与权限 (issue 15): accounts as a registry with operations — who may grant what, one-time
passwords shown once, disable/enable, unlock, the change history of roles and scopes, bulk import
with located errors, ``yingji adduser``, password rules, session limits and menus by role and scope.
(The generic registry and operation tests cover the accounts registry too.)"""

import io
import time

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from tests.conftest import make_user
from yingji.core.models import User

RIGHT = "pw-for-tests-1"


@pytest.fixture
def township_admin(tree, users):
    return make_user("dayao_admin", "township_admin", region=tree["a"])


def rest_for(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def body(**extra):
    return {"username": "dayao_village01", "first_name": "大瑶村网格员", "groups": ["village"],
            "scope_region": "430181110001", **extra}


def login(client, username, password, ip="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# ---- who may grant what -------------------------------------------------------------------------------

def test_a_township_admin_creates_accounts_in_its_township_only(township_admin, tree, orgs):
    rest = rest_for(township_admin)
    made = rest.post("/api/users/", body(), format="json")
    assert made.status_code == 201, made.json()
    account = User.objects.get(username="dayao_village01")
    assert account.scope_region == tree["va"] and set(account.groups.values_list("name", flat=True)) == {"village"}
    assert made.json()["groups_names"] == ["村/网格员"] and "password" not in made.json()
    assert made.json()["shown_once"]["password"]  # the one-time password, in this answer only
    assert made["Cache-Control"] == "no-store"
    assert rest.get(f"/api/users/{account.pk}/").json()["shown_once"] == {}

    # Never 系统管理员, nor a county role: refused on the field, with the reason, nothing written.
    for role, label in (("admin", "系统管理员"), ("staff", "业务科室")):
        refused = rest.post("/api/users/", body(username="x1", groups=[role]), format="json")
        assert refused.status_code == 400
        assert refused.json()["groups"] == [f"不能选择“{label}”：不在您可以选择的角色之内"]
    # Never a scope outside its township: the other township's village is no valid choice.
    outside = rest.post("/api/users/", body(username="x2", scope_region="430181111001"), format="json")
    nowhere = rest.post("/api/users/", body(username="x2", scope_region="430181119999"), format="json")
    assert outside.status_code == nowhere.status_code == 400
    assert outside.json()["scope_region"] == [m.replace("119999", "111001") for m in nowhere.json()["scope_region"]]
    other_org = rest.post("/api/users/", body(username="x3", groups=["enterprise"], scope_region="",
                                               scope_organization=orgs["b"].credit_code), format="json")
    assert other_org.status_code == 400 and "scope_organization" in other_org.json()
    # An enterprise account needs its organization.
    no_org = rest.post("/api/users/", body(username="x4", groups=["enterprise"]), format="json")
    assert no_org.status_code == 400 and "须指定所属单位" in no_org.json()["scope_organization"][0]
    assert not User.objects.filter(username__in=["x1", "x2", "x3", "x4"]).exists()


def test_a_township_admin_sees_and_manages_only_its_township(township_admin, tree, users, client):
    rest = rest_for(township_admin)
    names = {row["username"] for row in rest.get("/api/users/", {"page_size": 500}).json()["results"]}
    assert {"township_a", "village_a", "enterprise_a", "dayao_admin"} <= names
    assert not names & {"township_b", "admin", "staff", "leader"}
    assert rest.get(f"/api/users/{users['township_b'].pk}/").status_code == 404
    assert rest.post(f"/api/users/{users['township_b'].pk}/reset-password/").status_code == 404
    # An account in the township holding a role the township admin may not grant: 403 with the reason.
    county_staff = make_user("dayao_staff", "staff", region=tree["a"])
    for call in (lambda: rest.patch(f"/api/users/{county_staff.pk}/", {"first_name": "改"}, format="json"),
                 lambda: rest.post(f"/api/users/{county_staff.pk}/reset-password/"),
                 lambda: rest.post(f"/api/users/{county_staff.pk}/disable/")):
        refused = call()
        assert refused.status_code == 403 and "业务科室" in refused.json()["detail"], refused.json()
    # Nor its own account (it would grant itself what it may not).
    own = rest.patch(f"/api/users/{township_admin.pk}/", {"groups": ["township_admin", "staff"]}, format="json")
    assert own.status_code == 403
    assert set(township_admin.groups.values_list("name", flat=True)) == {"township_admin"}
    # The page form offers only the roles it may grant.
    client.force_login(township_admin)
    form = client.get("/registry/users/new/").content.decode()
    assert "村/网格员" in form and "企业用户" in form and 'value="admin"' not in form and 'value="staff"' not in form
    # Other roles' users do not manage accounts at all.
    assert rest_for(users["township_a"]).post("/api/users/", body(username="x5"), format="json").status_code == 403
    assert rest_for(users["staff"]).post("/api/users/", body(username="x6"), format="json").status_code == 403


def test_an_administrator_grants_anything(users, tree):
    rest = rest_for(users["admin"])
    made = rest.post("/api/users/", body(username="county_admin2", groups=["admin"], scope_region=""), format="json")
    assert made.status_code == 201, made.json()
    account = User.objects.get(username="county_admin2")
    assert account.is_staff  # the system pages follow the 系统管理员 role
    rest.patch(f"/api/users/{account.pk}/", {"groups": ["readonly"], "scope_region": "430181"}, format="json")
    account.refresh_from_db()
    assert not account.is_staff


# ---- history -------------------------------------------------------------------------------------------

def test_role_and_scope_changes_are_in_the_history_in_chinese(users, tree, web):
    account = make_user("dayao_zhang", "village", region=tree["va"])
    client = web("admin")
    response = client.post(f"/registry/users/{account.pk}/edit/", {
        "username": "dayao_zhang", "first_name": "张三", "groups": ["township", "readonly"],
        "scope_region": tree["a"].code})
    assert response.status_code == 302, response.context["form"].errors
    page = client.get(f"/registry/users/{account.pk}/").content.decode()
    assert "管辖区划：大瑶村 → 大瑶镇" in page
    assert "角色：增加：乡镇用户、只读" in page and "角色：去掉：村/网格员" in page
    history = rest_for(users["admin"]).get(f"/api/users/{account.pk}/history/").json()["results"]
    changes = [c for entry in history for c in entry["changes"]]
    assert {"field": "scope_region", "label": "管辖区划", "old": "大瑶村", "new": "大瑶镇"} in changes
    assert any(c["label"] == "角色" and c["new"] == "去掉：村/网格员" for c in changes)
    assert {entry["actor"] for entry in history if any(c["new"] in ("大瑶镇", "增加：乡镇用户、只读")
                                                        for c in entry["changes"])} == {"admin"}


def test_passwords_never_leave_the_platform(users, tree, web):
    rest = rest_for(users["admin"])
    made = rest.post("/api/users/", body(), format="json").json()
    secret = made["shown_once"]["password"]
    account = User.objects.get(pk=made["id"])
    rest.post(f"/api/users/{account.pk}/reset-password/")
    everything = [rest.get(f"/api/users/{account.pk}/").content, rest.get("/api/users/").content,
                  rest.get(f"/api/users/{account.pk}/history/").content]
    export = web("admin").get("/registry/users/export.xlsx").content
    sheet = load_workbook(io.BytesIO(export), read_only=True).worksheets[0]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "密码" not in cells[:20] and not any(c.startswith(("pbkdf2", "md5$", "!")) for c in cells)
    entries = LogEntry.objects.filter(object_pk=str(account.pk), content_type__model="user")
    assert entries.exists() and not any("password" in (e.changes_dict or {}) for e in entries)
    for text in everything + [str(e.changes) for e in entries]:
        text = text.decode() if isinstance(text, bytes) else text
        assert account.password not in text and secret not in text and '"password"' not in text
    assert "pbkdf2" not in web("admin").get(f"/registry/users/{account.pk}/").content.decode()


# ---- one-time passwords, disable, unlock ------------------------------------------------------------

def test_reset_password_is_shown_once_and_the_old_one_stops_working(users, tree, client):
    account = make_user("dayao_li", "village", region=tree["va"])
    assert login(client, "dayao_li", RIGHT).status_code == 302
    client.force_login(users["admin"])
    page = client.post(f"/registry/users/{account.pk}/do/reset-password/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    text = page.content.decode()
    assert "只显示这一次" in text
    secret = page.context["rows"][0][1][0]
    assert secret in text and len(secret) >= 12
    assert secret not in client.get(f"/registry/users/{account.pk}/").content.decode()  # not again
    assert not any(secret in str(v) for v in client.session.values())  # nor kept in the session
    client.logout()
    assert login(client, "dayao_li", RIGHT).status_code == 200 and not signed_in(client)  # the old one: refused
    assert login(client, "dayao_li", secret).status_code == 302 and signed_in(client)
    # Signed in with the one-time password: nothing but the password page until a password is set.
    assert client.get("/registry/hazards/")["Location"] == "/account/password/"
    assert client.get("/api/hazards/").status_code == 403
    assert client.get("/notifications/badge/", HTTP_HX_REQUEST="true").status_code == 204
    weak = client.post("/account/password/", {"old_password": secret, "new_password1": "dayao_li1",
                                              "new_password2": "dayao_li1"})
    assert weak.status_code == 200 and weak.context["form"].errors["new_password2"]
    done = client.post("/account/password/", {"old_password": secret, "new_password1": "Liuyang#Dayao9",
                                              "new_password2": "Liuyang#Dayao9"})
    assert done.status_code == 302
    account.refresh_from_db()
    assert not account.must_change_password and account.check_password("Liuyang#Dayao9")
    assert client.get("/registry/hazards/").status_code == 200  # still signed in, free to work


def test_a_one_time_password_gets_no_api_token(users, tree, client):
    made = rest_for(users["admin"]).post("/api/users/", body(), format="json").json()
    refused = client.post("/api/token/", {"username": "dayao_village01", "password": made["shown_once"]["password"]})
    assert refused.status_code == 400 and "一次性密码" in refused.json()["non_field_errors"][0]


def test_a_disabled_account_cannot_sign_in(users, tree, client):
    account = make_user("dayao_wang", "village", region=tree["va"])
    rest = rest_for(users["admin"])
    assert rest.post(f"/api/users/{account.pk}/disable/").status_code == 200
    assert rest.post(f"/api/users/{account.pk}/disable/").status_code == 409  # already
    assert login(client, "dayao_wang", RIGHT).status_code == 200 and not signed_in(client)
    assert client.post("/api/token/", {"username": "dayao_wang", "password": RIGHT}).status_code == 400
    own = rest.post(f"/api/users/{users['admin'].pk}/disable/")  # nor one's own account, in any way here
    assert own.status_code == 403 and "不能在这里修改自己的账号" in own.json()["detail"]
    assert rest.delete(f"/api/users/{users['admin'].pk}/").status_code == 403 and User.objects.filter(username="admin")
    assert rest.post(f"/api/users/{account.pk}/enable/").status_code == 200
    assert login(client, "dayao_wang", RIGHT).status_code == 302


def test_unlock_clears_the_lockout(users, tree, client, settings):
    account = make_user("dayao_zhao", "village", region=tree["va"])
    for _ in range(settings.LOGIN_FAILURES):
        login(client, "dayao_zhao", "wrong-password")
    assert login(client, "dayao_zhao", RIGHT).status_code == 429
    rest = rest_for(users["admin"])
    client.force_login(users["admin"])
    page = client.get(f"/registry/users/{account.pk}/").content.decode()
    assert "登录已暂停" in page and 'data-operation="unlock"' in page
    assert rest.post(f"/api/users/{account.pk}/unlock/").status_code == 200
    assert not AccessAttempt.objects.filter(username="dayao_zhao").exists()
    assert rest.post(f"/api/users/{account.pk}/unlock/").status_code == 409  # nothing to unlock now
    client.logout()
    assert login(client, "dayao_zhao", RIGHT).status_code == 302


# ---- the account's page --------------------------------------------------------------------------------

def test_an_accounts_page_says_what_it_can_see_and_do(users, tree, orgs, web):
    client = web("admin")
    page = client.get(f"/registry/users/{users['township_a'].pk}/").content.decode()
    assert "能看到什么" in page and "大瑶镇（乡镇街道）及其下辖 1 个村社区的数据" in page
    assert "乡镇用户：维护本乡镇街道范围内的数据" in page and "可以新增：" in page
    page = client.get(f"/registry/users/{users['enterprise_a'].pk}/").content.decode()
    assert "只能看到“大瑶花炮厂”（位于大瑶村）这一家单位的数据" in page
    assert "看不到任何数据" in client.get(f"/registry/users/{users['nobody'].pk}/").content.decode()
    mine = web("village_a").get("/account/").content.decode()
    assert "大瑶村（村社区）的数据" in mine and "修改密码" in mine


# ---- import --------------------------------------------------------------------------------------------

def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("用户.xlsx", out.getvalue())


HEADER = ["用户名", "姓名", "角色", "管辖区划", "所属单位（单位范围）"]


def test_import_with_bad_rows_writes_nothing_and_locates_each_error(users, orgs, web):
    client = web("admin")
    before = User.objects.count()
    response = client.post("/registry/users/import/", {"file": xlsx([
        HEADER,
        ["dayao_v1", "网格员甲", "村/网格员", "430181110001", ""],
        ["dayao_v2", "网格员乙", "村/网格员、只读", "430181119999", ""],  # no such region
        ["dayao_v3", "网格员丙", "村长", "430181110001", ""],  # no such role
        ["dayao_v1", "网格员丁", "村/网格员", "430181110001", ""],  # twice in the file
        ["staff", "重名", "只读", "430181", ""],  # an existing account, another person's
    ])})
    assert response.status_code == 400
    errors = response.context["result_errors"]
    assert "第 3 行, 管辖区划: 找不到区划代码为“430181119999”的行政区划，或不在您的管辖范围内" in errors
    assert "第 4 行, 角色: 不能选择“村长”：不在您可以选择的角色之内" in errors
    assert "第 5 行, 用户名: 与第 2 行重复" in errors
    assert User.objects.count() == before and not User.objects.filter(username__startswith="dayao_v").exists()


def test_import_creates_accounts_with_one_time_passwords_shown_once(users, orgs, web, client):
    page = web("admin").post("/registry/users/import/", {"file": xlsx([
        HEADER,
        ["dayao_v1", "网格员甲", "村/网格员", "430181110001", ""],
        ["dayao_firm", "安全员", "企业用户", "", orgs["a"].credit_code],
    ])})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store", page.context.get("result_errors")
    rows = dict(page.context["rows"])
    assert set(rows) == {"dayao_v1", "dayao_firm"} and "只显示这一次" in page.content.decode()
    firm = User.objects.get(username="dayao_firm")
    assert firm.scope_organization == orgs["a"] and firm.must_change_password
    assert list(firm.groups.values_list("name", flat=True)) == ["enterprise"]
    client.logout()
    assert login(client, "dayao_firm", rows["dayao_firm"][0]).status_code == 302


def test_a_township_admin_imports_only_into_its_township(township_admin, tree, web, client):
    make_user("dayao_staff", "staff", region=tree["a"])
    client.force_login(township_admin)
    response = client.post("/registry/users/import/", {"file": xlsx([
        HEADER, ["jingang_v1", "金刚村网格员", "村/网格员", "430181111001", ""],
        ["dayao_x", "越权", "系统管理员", "430181110001", ""],
        ["dayao_staff", "改名", "", "430181110", ""],
        ["township_b", "重名", "村/网格员", "430181110001", ""]])})  # an account outside the township
    assert response.status_code == 400
    assert response.context["result_errors"] == [
        "第 2 行, 管辖区划: 找不到区划代码为“430181111001”的行政区划，或不在您的管辖范围内",
        "第 3 行, 角色: 不能选择“系统管理员”：不在您可以选择的角色之内",
        "第 4 行: 该用户拥有您不能授予的角色（业务科室），您不能修改这个账号；请联系能授予这些角色的管理员",
        "第 5 行, 用户名: 已存在一位使用该名字的用户。"]  # the page's words; nothing about where it is


# ---- yingji adduser -----------------------------------------------------------------------------------

def test_adduser_for_scripts(users, orgs, capsys, monkeypatch):
    call_command("adduser", "dayao_firm2", "--name", "企业安全员", "--role", "企业用户", "--org", orgs["a"].credit_code)
    out = capsys.readouterr().out
    assert "已创建用户 dayao_firm2（角色：企业用户）" in out and "一次性密码：" in out
    account = User.objects.get(username="dayao_firm2")
    assert account.must_change_password and account.scope_organization == orgs["a"]
    assert LogEntry.objects.filter(object_pk=str(account.pk), actor=users["admin"]).exists()

    with pytest.raises(CommandError) as refused:
        call_command("adduser", "dayao_bad", "--role", "村长", "--region", "430181119999")
    assert "角色: 不能选择“村长”" in str(refused.value) and "管辖区划: 找不到区划代码为“430181119999”" in str(refused.value)
    with pytest.raises(CommandError, match="不能选择“系统管理员”"):
        call_command("adduser", "dayao_bad", "--role", "admin", "--region", "430181110", "--by", "township_a")

    monkeypatch.setattr("sys.stdin", io.StringIO("12345678\n"))
    with pytest.raises(CommandError, match="密码："):
        call_command("adduser", "dayao_v9", "--role", "village", "--region", "430181110001", "--password-stdin")
    monkeypatch.setattr("sys.stdin", io.StringIO("Dayao-Village-9\n"))
    call_command("adduser", "dayao_v9", "--role", "village", "--region", "430181110001", "--password-stdin")
    account = User.objects.get(username="dayao_v9")
    assert account.check_password("Dayao-Village-9") and not account.must_change_password
    assert "一次性密码" not in capsys.readouterr().out
    assert not User.objects.filter(username="dayao_bad").exists()


# ---- password rules and sessions ----------------------------------------------------------------------

@pytest.mark.parametrize(("password", "why"), [
    ("Ab1#xyz", "太短"), ("abcdefgh1", "至少 3 类"), ("Password1", "太常见"), ("Dayao_zhou1", "相似"),
    ("Aa123456", "太常见"), ("Liuyang#Dayao9", None)])
def test_password_rules(password, why, db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    account = User(username="dayao_zhou", first_name="周")
    if why is None:
        validate_password(password, account)
        return
    with pytest.raises(ValidationError) as refused:
        validate_password(password, account)
    assert any(why in m for m in refused.value.messages), refused.value.messages


def test_generated_passwords_meet_the_rules(settings, db):
    from django.contrib.auth.password_validation import validate_password

    from yingji.core.framework import passwords

    for classes in (3, 4):
        settings.PASSWORD_CHARACTER_CLASSES = classes
        for _ in range(20):
            secret = passwords.generate()
            validate_password(secret, User(username="x"))
            assert passwords.classes_of(secret) >= classes


def test_sessions_end_after_idle_minutes_and_after_hours(users, client, settings):
    from yingji.core.framework import sessions

    client.force_login(users["staff"])
    assert client.get("/registry/hazards/").status_code == 200
    session = client.session
    session[sessions.SEEN] = time.time() - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    idle = client.get("/registry/hazards/")
    assert idle.status_code == 302 and idle["Location"].startswith("/login/") and not signed_in(client)
    assert "分钟没有操作" in client.get(idle["Location"]).content.decode()

    client.force_login(users["staff"])
    client.get("/")
    session = client.session
    session[sessions.SIGNED_IN] = time.time() - settings.SESSION_HOURS * 3600 - 5
    session.save()
    assert client.get("/api/hazards/").status_code == 401 and not signed_in(client)

    client.force_login(users["staff"])
    client.get("/")
    session = client.session
    session[sessions.SIGNED_IN] = time.time() - settings.SESSION_HOURS * 3600 - 5
    session.save()
    badge = client.get("/notifications/badge/", HTTP_HX_REQUEST="true")  # the page's own poll: the whole page goes
    assert badge.status_code == 204 and badge["HX-Redirect"].startswith("/login/")


# ---- menus by role and scope --------------------------------------------------------------------------

def test_menus_leave_out_empty_lists_the_user_cannot_add_to(users, tree, orgs, client):
    from yingji.core.framework.menu import menu_for
    from yingji.resources.models import Expert

    def labels(name):
        return {item["label"] for group in menu_for(users[name], "/", {}) for item in group["items"]}

    Expert.objects.create(name="县级专家", specialties="地质", region=tree["county"], mobile="13800000001")
    assert "专家" in labels("readonly") and "专家" not in labels("village_a")  # nothing of the county's in a village
    Expert.objects.create(name="村里的专家", specialties="地质", region=tree["va"], mobile="13800000002")
    assert "专家" in labels("village_a")
    assert "用户与权限" not in labels("village_a") and "用户与权限" in labels("admin")
    # A list the user may add to shows even when empty: their first record starts there.
    assert "人员通讯录" in labels("village_a")
    # Checked once per session every few minutes: one query, then none.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = {}
    with CaptureQueriesContext(connection) as first:
        menu_for(User.objects.get(pk=users["village_a"].pk), "/", session)
    with CaptureQueriesContext(connection) as again:
        menu_for(User.objects.get(pk=users["village_a"].pk), "/", session)
    assert len(again.captured_queries) < len(first.captured_queries)
    assert sum("EXISTS" in q["sql"].upper() for q in again.captured_queries) == 0


def test_roles_are_offered_in_order_with_what_they_mean(users, web):
    form = web("admin").get("/registry/users/new/").content.decode()
    assert form.index("系统管理员") < form.index("乡镇管理员") < form.index("只读")
    assert "管理本乡镇街道范围内的用户" in form
    assert Group.objects.filter(name="township_admin").exists()


def test_a_role_taken_away_is_gone_in_every_process_at_once(users, web):
    """Roles and permissions are kept per account for minutes (who.py); taking a role away, however it
    is done, stamps the account's row, so a process whose cache never heard of the change (another web
    worker with its own memory) stops granting at its next request."""
    from django.core.cache import cache

    from yingji.core.framework import who

    client = web("staff")
    assert client.get("/registry/organizations/new/").status_code == 200  # its roles are now kept
    generation = cache.get(who._GENERATION)
    staff = User.objects.get(username="staff")
    staff.groups.remove(Group.objects.get(name="staff"))  # not through the account's page: no save
    cache.set(who._GENERATION, generation, None)  # as another process sees it: no generation change
    assert client.get("/registry/organizations/new/").status_code == 403
