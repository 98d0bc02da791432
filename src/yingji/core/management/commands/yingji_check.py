import logging
import sys

from django.conf import settings
from django.core import checks
from django.core.management.base import BaseCommand
from django.db import connection

from yingji import config

log = logging.getLogger("yingji.check")

# Django's deployment checks, in plain Chinese. Every one of them fails `yingji check`, except the
# ones in EXPLAINED (a deliberate choice a bureau may make, said in words instead).
DEPLOY_MESSAGES = {
    "security.W001": "未启用 SecurityMiddleware（安全响应头、HTTPS 跳转），请勿从 MIDDLEWARE 中移除",
    "security.W002": "未启用 XFrameOptionsMiddleware，页面可被其他网站嵌入（点击劫持）",
    "security.W003": "未启用 CsrfViewMiddleware，表单没有跨站请求伪造防护",
    "security.W004": "未启用 HSTS（浏览器强制 HTTPS）",
    "security.W005": "HSTS 未覆盖子域名",
    "security.W006": "未设置 X-Content-Type-Options: nosniff",
    "security.W008": "未把 HTTP 请求跳转到 HTTPS",
    "security.W009": "YINGJI_SECRET_KEY 太短或太简单：至少 50 个字符、5 种以上不同字符，且不能以 django-insecure- 开头；"
                     "可用 python3 -c 'import secrets; print(secrets.token_urlsafe(50))' 生成",
    "security.W010": "会话 Cookie 未设为仅 HTTPS 发送",
    "security.W011": "会话 Cookie 未设为仅 HTTPS 发送",
    "security.W012": "会话 Cookie 未设为仅 HTTPS 发送",
    "security.W013": "会话 Cookie 可被页面脚本读取（未设 HttpOnly）",
    "security.W014": "会话 Cookie 可被页面脚本读取（未设 HttpOnly）",
    "security.W015": "会话 Cookie 可被页面脚本读取（未设 HttpOnly）",
    "security.W016": "CSRF Cookie 未设为仅 HTTPS 发送",
    "security.W018": "YINGJI_DEBUG=true：调试模式会在出错页面上暴露配置、SQL 与数据，且会累积内存；生产环境必须设为 false",
    "security.W019": "X-Frame-Options 未设为 DENY，页面可被嵌入其他网站",
    "security.W020": "YINGJI_ALLOWED_HOSTS 为空：请填写平台对外使用的主机名",
    "security.W021": "HSTS 未设置 preload",
    "security.W022": "未设置 Referrer-Policy，链接会把平台内的地址泄露给外部网站",
    "security.W024": "SECRET_KEY_FALLBACKS 中有太短或太简单的旧密钥",
    "security.W025": "SECRET_KEY_FALLBACKS 中有太短或太简单的旧密钥",
}
# Served over plain HTTP inside a bureau network, or YINGJI_SECURE not yet set behind a TLS proxy.
HTTPS_ONLY = {"security.W004", "security.W008", "security.W010", "security.W011", "security.W012", "security.W016"}
# HSTS for every subdomain or the browsers' preload list concerns the whole gov.cn domain, not this platform.
EXPLAINED = {"security.W005", "security.W021"}


# Why a connection failed, in words, from the library's English (psycopg, redis, kombu): the first match.
CONNECTION_REASONS = [
    (("connection refused", "error 111", "errno 111"), "连接被拒绝：服务没有启动，或地址、端口不对"),
    (("timed out", "timeout"), "连接超时：网络不通，或防火墙拦截"),
    (("password authentication failed", "authentication failed", "invalid password", "wrongpass", "noauth"),
     "用户名或密码错误"),
    (("does not exist",), "数据库不存在：请先建库（如 createdb）"),
    (("could not translate host name", "name or service not known", "nodename nor servname", "getaddrinfo"),
     "主机名无法解析：请检查地址中的主机名"),
    (("no such file or directory", "unable to open database file"), "数据库文件或目录无法打开：请检查路径和权限"),
    (("permission denied",), "没有权限：请检查账号的权限或文件权限"),
    (("ssl",), "加密连接（SSL）失败：请检查证书与 sslmode 设置"),
]


def connection_reason(exc: Exception) -> str:
    """A connection error in Chinese; the original goes to the log, not to the person reading."""
    import logging

    logging.getLogger(__name__).debug("connection failed: %r", exc)
    text = str(exc).lower()
    for needles, reason in CONNECTION_REASONS:
        if any(n in text for n in needles):
            return reason
    return "无法连接（原因未能识别，详见日志；可设 YINGJI_LOG_LEVEL=DEBUG 后重试）"


def deployment_problems() -> tuple[list[str], list[str]]:
    """(problems, notes) from Django's system and deployment checks."""
    problems, notes, https = [], [], []
    for message in checks.run_checks(include_deployment_checks=True):
        text = DEPLOY_MESSAGES.get(message.id)
        if not message.is_serious() and message.id in EXPLAINED:
            notes.append(f"{text}（{message.id}）：是否对子域名启用、是否加入浏览器预置列表由单位的域名策略决定，未作为错误")
        elif not message.is_serious() and message.id in HTTPS_ONLY and not settings.SECURE:
            https.append(message.id)
        elif message.is_serious() or (message.id or "").startswith("security."):
            problems.append(f"{text}（{message.id}）" if text else f"系统检查 {message.id} 未通过（说明见日志）")
            if not text:
                log.info("%s: %s", message.id, message.msg)
        else:
            notes.append(f"系统检查 {message.id} 给出提示（说明见日志）")
            log.info("%s: %s", message.id, message.msg)
    if https:
        notes.append(f"未设置 YINGJI_SECURE=true（{'、'.join(sorted(https))}：HSTS、HTTPS 跳转、安全 Cookie 未启用）。"
                     "经 HTTPS（包括由反向代理终结 TLS）对外服务时必须设置 YINGJI_SECURE=true；"
                     "仅在单位内网以 HTTP 使用时可以不设")
    return problems, notes


def _reach_database() -> None:
    """One connection outside the pool (PostgreSQL): a refusal is reported in its own words at once,
    where the pool would only time out after YINGJI_DB_POOL_TIMEOUT saying nothing of why."""
    if getattr(connection, "pool", None) is None:
        connection.ensure_connection()
    else:
        connection.Database.connect(**connection.get_connection_params()).close()


class Command(BaseCommand):
    help = "检查配置、数据库与消息代理，并运行 Django 部署检查，用通俗语言报告问题；有问题时以非零状态退出"

    requires_system_checks = []  # run below, with the deployment checks, and explained

    def _pool(self, conn) -> str | None:
        pool = settings.DATABASES["default"]["OPTIONS"]["pool"]
        with conn.cursor() as cur:
            cur.execute("show max_connections")
            most = int(cur.fetchone()[0])
        workers = config.web_workers()
        self.stdout.write(f"连接池：每个进程 {pool['min_size']}–{pool['max_size']} 个连接；yingji serve 默认 {workers} 个"
                          f" Web 进程；数据库 max_connections={most}")
        return config.connection_note(workers, pool["max_size"], most)

    def handle(self, *args, **options):
        problems = config.problems()
        try:
            _reach_database()
            db = f"{connection.vendor} 连接正常"
        except Exception as exc:
            problems.append(f"数据库无法连接（{config.database_url().split('@')[-1]}）：{connection_reason(exc)}")
            db = "连接失败"
        if settings.CELERY_BROKER_URL:
            from yingji.celery import app

            try:
                with app.connection_for_write() as conn:
                    conn.ensure_connection(max_retries=1, timeout=3)
            except Exception as exc:
                problems.append(f"消息代理无法连接（{settings.CELERY_BROKER_URL}）：{connection_reason(exc)}")
        self.stdout.write(f"数据目录：{settings.DATA_DIR}")
        self.stdout.write(f"数据库：{db}")
        if db != "连接失败" and getattr(connection, "pool", None) is not None:
            note = self._pool(connection)
            if note:
                self.stdout.write(f"提示：{note}")
        self.stdout.write(f"后台任务：{'消息代理 ' + settings.CELERY_BROKER_URL if settings.CELERY_BROKER_URL else '进程内运行'}")
        self.stdout.write(f"底图：{settings.MAP_TILE_URL or '未配置（仅显示矢量图层）'}")
        self.stdout.write(f"可信代理：{'、'.join(settings.TRUSTED_PROXIES) or '未配置（客户端地址以直连地址为准）'}")
        if not config.env("YINGJI_SECRET_KEY"):
            self.stdout.write("提示：未设置 YINGJI_SECRET_KEY，正在使用数据目录中自动生成的密钥；多台服务器部署时须统一设置")
        found, notes = deployment_problems()
        problems += found
        for note in notes:
            self.stdout.write(f"提示：{note}")
        if problems:
            self.stdout.write(self.style.ERROR("发现以下问题："))
            for p in problems:
                self.stdout.write(f"  - {p}")
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("配置检查通过"))
