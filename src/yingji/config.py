"""Environment-variable configuration, read once and documented in docs/configuration.md.

Kept free of Django so that ``yingji check`` can explain a bad value before Django starts.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS = [
    Setting("YINGJI_DATA_DIR", "~/.local/share/yingji", "数据目录：SQLite 数据库、上传文件、自动生成的密钥"),
    Setting("YINGJI_DATABASE_URL", "sqlite:///<数据目录>/yingji.sqlite3",
            "数据库地址，如 postgres://user:pass@127.0.0.1:5432/yingji"),
    Setting("YINGJI_SECRET_KEY", "", "Django 密钥；生产环境必须设置（未设置时在数据目录生成并保存一个）"),
    Setting("YINGJI_DEBUG", "false", "调试模式（true/false），生产环境必须为 false"),
    Setting("YINGJI_ALLOWED_HOSTS", "127.0.0.1,localhost", "允许访问的主机名，逗号分隔"),
    Setting("YINGJI_CSRF_TRUSTED_ORIGINS", "", "反向代理后的可信来源，如 https://yingji.example.gov.cn"),
    Setting("YINGJI_SECURE", "false", "经 HTTPS 对外服务时设为 true（安全 Cookie、HSTS、代理头）"),
    Setting("YINGJI_TRUSTED_PROXIES", "",
            "可信反向代理的地址或网段（如 127.0.0.1,10.0.0.0/24），逗号分隔；只有来自这些地址的请求才采信 "
            "X-Forwarded-For 中的客户端地址；为空时一律以直连地址为准"),
    Setting("YINGJI_LOGIN_FAILURES", "5", "同一账号在同一客户端地址连续输错密码的次数上限，达到后该账号在该地址暂停登录"),
    Setting("YINGJI_LOGIN_ADDRESS_FAILURES", "20", "同一客户端地址（不论账号）输错密码的次数上限，达到后该地址暂停登录"),
    Setting("YINGJI_LOGIN_ACCOUNT_FAILURES", "20", "同一账号（不论来自哪个地址）输错密码的次数上限，达到后该账号暂停登录"),
    Setting("YINGJI_LOGIN_COOLOFF_MINUTES", "15", "登录暂停的时长（分钟）；期间可用 yingji unlock 用户名 提前解锁"),
    Setting("YINGJI_PASSWORD_MIN_LENGTH", "8", "密码最短长度（等保 2.0 实践：不少于 8 位）"),
    Setting("YINGJI_PASSWORD_CLASSES", "3", "密码须包含大写字母、小写字母、数字、其他符号四类中的至少几类（1–4）"),
    Setting("YINGJI_SESSION_HOURS", "12", "登录后多少小时须重新登录（不论是否在使用；默认一个班次）"),
    Setting("YINGJI_SESSION_IDLE_MINUTES", "30",
            "多少分钟没有任何操作即退出登录；打开着的页面每 30 秒自动刷新通知，不算空闲；0 表示不限"),
    Setting("YINGJI_BROKER_URL", "", "Celery 消息代理，如 redis://127.0.0.1:6379/0；为空时后台任务在进程内运行"),
    Setting("YINGJI_MAP_TILE_URL", "", "底图瓦片地址模板，如 https://tiles.example/{z}/{x}/{y}.png；为空时不加载底图"),
    Setting("YINGJI_MAP_TILE_ATTRIBUTION", "", "底图版权说明"),
    Setting("YINGJI_MAP_TILE_GCJ02", "false", "底图为 GCJ-02 坐标（国内常见底图）时设为 true，图层在显示时转换"),
    Setting("YINGJI_ROAD_NETWORK", "<数据目录>/roads.geojson",
            "路网文件：OpenStreetMap 提取（.osm.pbf）或 GeoJSON 道路线（highway/maxspeed/oneway 属性）；"
            "每个进程首次使用时载入一次，文件更新后自动重新载入；不存在时按直线距离估算并注明"),
    Setting("YINGJI_UPLOAD_MAX_MB", "20", "单个附件大小上限（MB）"),
    Setting("YINGJI_UPLOAD_EXTENSIONS", "jpg,jpeg,png,gif,webp,pdf,doc,docx,xls,xlsx,csv,txt,zip,mp4",
            "允许上传的附件扩展名，逗号分隔"),
    Setting("YINGJI_IMPORT_BACKGROUND_ROWS", "2000",
            "导入文件超过此行数时转为后台任务（页面与接口显示进度），不在请求内完成"),
    Setting("YINGJI_PAGE_SIZE", "20", "列表与 API 每页条数默认值"),
    Setting("YINGJI_WEB_WORKERS", "auto",
            "yingji serve 的 Web 进程数；auto：PostgreSQL 下为 CPU 核数（最多 4），SQLite 下为 1"),
    Setting("YINGJI_DB_POOL_MIN_SIZE", "2", "PostgreSQL 连接池：每个进程保持打开的最少连接数"),
    Setting("YINGJI_DB_POOL_MAX_SIZE", "10",
            "PostgreSQL 连接池：每个进程最多的连接数；Web 进程数 × 此值（加上后台任务与接入进程）须小于数据库的 max_connections"),
    Setting("YINGJI_DB_POOL_TIMEOUT", "30", "PostgreSQL 连接池：请求等待空闲连接的最长秒数，超时则该请求失败"),
    Setting("YINGJI_LOG_LEVEL", "INFO", "日志级别"),
    Setting("YINGJI_MQTT_URL", "mqtt://127.0.0.1:1883",
            "yingji ingest / simulate 连接的 MQTT 代理，如 mqtt://用户:密码@10.0.0.5:1883"),
    Setting("YINGJI_MQTT_GROUP", "", "多个接入进程共享订阅（$share/组名/…）的组名；为空时普通订阅"
            "（Mosquitto 不持久化共享订阅，代理重启后至重新订阅前的消息会丢失）"),
    Setting("YINGJI_SUBMISSION_KEY_DAYS", "30",
            "表单提交标识（防重复提交）保留天数：期满后每日清理；同一份表单在此期限后重发会再次办理"),
    Setting("YINGJI_READING_RETENTION_DAYS", "400", "原始监测数据保留天数（PostgreSQL 下按月分区整体删除）"),
    Setting("YINGJI_MINUTE_RETENTION_DAYS", "90", "分钟汇总数据保留天数"),
    Setting("YINGJI_HOUR_RETENTION_DAYS", "1830", "小时汇总数据保留天数"),
    Setting("YINGJI_READING_MAX_ABS", "1e9", "任何读数绝对值的上限（各传感器另按其量程校验），超出的拒收"),
    Setting("YINGJI_READING_MAX_AGE_DAYS", "30", "可接收（补传）的最早读数时间：早于当前多少天的拒收"),
    Setting("YINGJI_READING_MAX_AHEAD_S", "300", "设备时钟允许超前服务器的秒数，超出的拒收"),
    Setting("YINGJI_PUBLIC_URL", "", "平台对外访问地址，用于短信、邮件中的叫应链接，如 https://yingji.example.gov.cn；"
            "未设置时为 yingji serve / yingji demo 实际监听的地址和端口（默认 http://127.0.0.1:8000）"),
    Setting("YINGJI_WARNING_CHANNELS", "inapp,sms,email", "预警发布渠道：inapp（站内）、sms（短信）、email（邮件），逗号分隔"),
    Setting("YINGJI_NOTIFY_CHANNELS", "",
            "待办等通知除站内通知外另经哪些渠道发送：sms（短信，发往用户手机）、email（邮件），逗号分隔；为空时只发站内通知"),
    Setting("YINGJI_SMS_URL", "", "短信网关 HTTP 接口地址；为空时短信只写入日志（测试与演示）"),
    Setting("YINGJI_SMS_KEY", "", "短信网关 API 密钥（以 Authorization: Bearer 发送）"),
    Setting("YINGJI_SMS_SIGN", "浏阳市应急管理局", "短信签名"),
    Setting("YINGJI_EMAIL_HOST", "", "发信 SMTP 服务器（host:port）；为空时邮件只写入日志"),
    Setting("YINGJI_EMAIL_USER", "", "SMTP 用户名"),
    Setting("YINGJI_EMAIL_PASSWORD", "", "SMTP 密码"),
    Setting("YINGJI_EMAIL_FROM", "yingji@localhost", "发件人地址"),
]

_DEFAULTS = {s.name: s.default for s in SETTINGS}


def env(name: str) -> str:
    return os.environ.get(name, _DEFAULTS[name]).strip()


def env_bool(name: str) -> bool:
    return env(name).lower() in ("1", "true", "yes", "on")


def env_list(name: str) -> list[str]:
    return [x.strip() for x in env(name).split(",") if x.strip()]


def data_dir() -> Path:
    path = Path(os.path.expanduser(env("YINGJI_DATA_DIR"))).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def road_network_path() -> Path:
    roads = os.environ.get("YINGJI_ROAD_NETWORK", "").strip()
    return Path(os.path.expanduser(roads)).resolve() if roads else data_dir() / "roads.geojson"


SERVED_URL = "YINGJI_SERVED_URL"  # set by `yingji serve` (and so `yingji demo`) for its own processes


def public_url() -> str:
    """The platform's address as people reach it (叫应 links in SMS and e-mail): YINGJI_PUBLIC_URL when
    set, else the address `yingji serve` listens on (so `yingji demo --port 8791` links to :8791),
    else http://127.0.0.1:8000. No trailing slash."""
    url = env("YINGJI_PUBLIC_URL") or os.environ.get(SERVED_URL, "").strip() or "http://127.0.0.1:8000"
    return url.rstrip("/")


def served_url(host: str, port: int) -> str:
    """What a listening address is called in links: 0.0.0.0 / :: (every interface) as 127.0.0.1."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def database_url() -> str:
    url = os.environ.get("YINGJI_DATABASE_URL", "").strip()
    return url or f"sqlite:///{data_dir() / 'yingji.sqlite3'}"


def _number(name: str) -> int:
    """A positive integer setting; a bad value falls back to its default (``yingji check`` names it)."""
    value = env(name)
    return int(value) if value.isdigit() and int(value) > 0 else int(_DEFAULTS[name])


def db_pool() -> dict:
    """Options of Django's psycopg pool (OPTIONS["pool"]) for PostgreSQL, one pool per process."""
    low, high = _number("YINGJI_DB_POOL_MIN_SIZE"), _number("YINGJI_DB_POOL_MAX_SIZE")
    return {"min_size": min(low, high), "max_size": high, "timeout": _number("YINGJI_DB_POOL_TIMEOUT"),
            "max_idle": 300, "max_lifetime": 3600}


def web_workers(database: str | None = None) -> int:
    """`yingji serve`'s default web processes: YINGJI_WEB_WORKERS, or for ``auto`` one per CPU core up
    to 4 on PostgreSQL (each holds its own connection pool) and 1 on SQLite (one writer at a time)."""
    value = env("YINGJI_WEB_WORKERS").lower()
    if value != "auto":
        return int(value) if value.isdigit() and int(value) > 0 else 1
    if not (database or database_url()).startswith(("postgres://", "postgresql://", "pgsql://")):
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def connection_note(workers: int, pool_max: int, max_connections: int) -> str | None:
    """What `yingji check` says when one host's web processes alone could take (nearly) all of
    PostgreSQL's connections; jobs, ingest, other hosts and psql need theirs too (deployment.md)."""
    if workers * pool_max <= max_connections - 10:
        return None
    return (f"{workers} 个 Web 进程 × 连接池上限 {pool_max} = {workers * pool_max} 个连接，接近或超过数据库的 "
            f"max_connections={max_connections}：请减小 YINGJI_DB_POOL_MAX_SIZE 或 YINGJI_WEB_WORKERS，"
            "或调大数据库的 max_connections（见 deployment.md“Connections”）")


def secret_key() -> str:
    """The configured key, else one generated once and kept in the data directory."""
    key = env("YINGJI_SECRET_KEY")
    if key:
        return key
    path = data_dir() / "secret.key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def problems() -> list[str]:
    """Plain-language configuration problems, for ``yingji check``."""
    found = []
    for name in ("YINGJI_DEBUG", "YINGJI_SECURE", "YINGJI_MAP_TILE_GCJ02"):
        if env(name).lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
            found.append(f"{name}={env(name)!r} 不是布尔值，应为 true 或 false")
    if env("YINGJI_WEB_WORKERS").lower() != "auto" and (not env("YINGJI_WEB_WORKERS").isdigit()
                                                         or int(env("YINGJI_WEB_WORKERS")) < 1):
        found.append(f"YINGJI_WEB_WORKERS={env('YINGJI_WEB_WORKERS')!r} 应为正整数或 auto")
    for name in ("YINGJI_UPLOAD_MAX_MB", "YINGJI_IMPORT_BACKGROUND_ROWS", "YINGJI_PAGE_SIZE",
                 "YINGJI_DB_POOL_MIN_SIZE", "YINGJI_DB_POOL_MAX_SIZE", "YINGJI_DB_POOL_TIMEOUT",
                 "YINGJI_READING_RETENTION_DAYS", "YINGJI_SUBMISSION_KEY_DAYS",
                 "YINGJI_MINUTE_RETENTION_DAYS", "YINGJI_HOUR_RETENTION_DAYS",
                 "YINGJI_LOGIN_FAILURES", "YINGJI_LOGIN_ADDRESS_FAILURES", "YINGJI_LOGIN_ACCOUNT_FAILURES",
                 "YINGJI_LOGIN_COOLOFF_MINUTES", "YINGJI_PASSWORD_MIN_LENGTH"):
        if not env(name).isdigit() or int(env(name)) < 1:
            found.append(f"{name}={env(name)!r} 应为正整数")
    if env("YINGJI_PASSWORD_CLASSES") not in ("1", "2", "3", "4"):
        found.append(f"YINGJI_PASSWORD_CLASSES={env('YINGJI_PASSWORD_CLASSES')!r} 应为 1 到 4")
    if env("YINGJI_PASSWORD_MIN_LENGTH").isdigit() and int(env("YINGJI_PASSWORD_MIN_LENGTH")) < 8:
        found.append("YINGJI_PASSWORD_MIN_LENGTH 小于 8：不符合等级保护的一般要求")
    for name, low in (("YINGJI_SESSION_HOURS", 0.01), ("YINGJI_SESSION_IDLE_MINUTES", 0)):
        try:
            ok = float(env(name)) >= low
        except ValueError:
            ok = False
        if not ok:
            found.append(f"{name}={env(name)!r} 应为{'大于 0 的数' if low else '不小于 0 的数'}")
    for name, top in (("YINGJI_READING_MAX_ABS", 1e300), ("YINGJI_READING_MAX_AGE_DAYS", 36500),
                      ("YINGJI_READING_MAX_AHEAD_S", 86400)):
        try:
            ok = 0 < float(env(name)) <= top
        except ValueError:
            ok = False
        if not ok:
            found.append(f"{name}={env(name)!r} 应为大于 0、不超过 {top:g} 的数")
    url = database_url()
    if not url.startswith(("sqlite://", "postgres://", "postgresql://", "pgsql://")):
        found.append(f"YINGJI_DATABASE_URL 不受支持：{url.split(':')[0]}（支持 sqlite:// 与 postgres://）")
    broker = env("YINGJI_BROKER_URL")
    if broker and not broker.startswith(("redis://", "rediss://", "amqp://", "pyamqp://")):
        found.append(f"YINGJI_BROKER_URL 不受支持：{broker.split(':')[0]}（支持 redis:// 与 amqp://）")
    if not env("YINGJI_MQTT_URL").startswith(("mqtt://", "mqtts://")):
        found.append("YINGJI_MQTT_URL 应以 mqtt:// 或 mqtts:// 开头")
    unknown = set(env_list("YINGJI_WARNING_CHANNELS")) - {"inapp", "sms", "email"}
    if unknown:
        found.append(f"YINGJI_WARNING_CHANNELS 含未知渠道：{'、'.join(sorted(unknown))}")
    unknown = set(env_list("YINGJI_NOTIFY_CHANNELS")) - {"sms", "email"}  # the warnings app's channels
    if unknown:
        found.append(f"YINGJI_NOTIFY_CHANNELS 含未知渠道：{'、'.join(sorted(unknown))}（可选 sms、email）")
    roads = os.environ.get("YINGJI_ROAD_NETWORK", "").strip()
    if roads and not Path(os.path.expanduser(roads)).is_file():
        found.append(f"YINGJI_ROAD_NETWORK 指定的路网文件不存在：{roads}")
    for proxy in env_list("YINGJI_TRUSTED_PROXIES"):
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            found.append(f"YINGJI_TRUSTED_PROXIES 中的 {proxy!r} 不是 IP 地址或网段（如 10.0.0.5 或 10.0.0.0/24）")
    tile = env("YINGJI_MAP_TILE_URL")
    if tile and not all(p in tile for p in ("{z}", "{x}", "{y}")):
        found.append("YINGJI_MAP_TILE_URL 应包含 {z}、{x}、{y} 占位符")
    return found
