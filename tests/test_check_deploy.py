"""`yingji check` is the production gate: Django's deployment checks fail it, in Chinese.

Each configuration is checked in a process of its own (settings read the environment once), which
costs ~3.5 s of CPU, mostly imports. The first test of this module that asks for a result (`checks`)
starts them all, two at a time (both cores of the CI machine rather than one), and each test then
reads the result of its own configuration."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

GOOD_KEY = "k3Vq9-xZp2LmT7wR4yBn8cFd6hJs1aGe5uKo0iPq3tWv7zXy2bNm"  # 52 characters, varied
WEAK_KEYS = ["short-key", "django-insecure-" + "x1y2z3" * 10, "ab" * 30]
CONFIGURATIONS = {
    "debug": {"YINGJI_DEBUG": "true", "YINGJI_SECURE": "true"},
    **{f"weak key {key}": {"YINGJI_SECRET_KEY": key, "YINGJI_SECURE": "true"} for key in WEAK_KEYS},
    "empty hosts": {"YINGJI_ALLOWED_HOSTS": " ", "YINGJI_SECURE": "true"},
    "good": {"YINGJI_SECURE": "true", "YINGJI_ALLOWED_HOSTS": "yingji.example.gov.cn",
             "YINGJI_CSRF_TRUSTED_ORIGINS": "https://yingji.example.gov.cn", "YINGJI_TRUSTED_PROXIES": "127.0.0.1"},
    "plain http": {},  # the embedded default (yingji demo): no DEBUG, no HTTPS
}


def check(data_dir, **env):
    # Not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE either: a deployment would not have it (async.E001).
    clean = {k: v for k, v in os.environ.items() if not k.startswith("YINGJI_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean.update({"YINGJI_DATA_DIR": str(data_dir), "YINGJI_SECRET_KEY": GOOD_KEY, **env})
    done = subprocess.run([sys.executable, "-m", "yingji.cli", "check"], env=clean, capture_output=True, text=True,
                          timeout=120)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def checks(tmp_path_factory):
    """The result (exit code, output) of `yingji check` for each configuration, each in its own data folder."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(check, tmp_path_factory.mktemp("check"), **config)
                   for name, config in CONFIGURATIONS.items()}
        yield {name: future.result for name, future in futures.items()}


def test_debug_fails_with_a_chinese_reason(checks):
    code, out = checks["debug"]()
    assert code == 1
    assert "YINGJI_DEBUG=true：调试模式会在出错页面上暴露配置" in out and "security.W018" in out
    assert "配置检查通过" not in out


@pytest.mark.parametrize("key", WEAK_KEYS)
def test_weak_secret_key_fails(checks, key):
    code, out = checks[f"weak key {key}"]()
    assert code == 1 and "YINGJI_SECRET_KEY 太短或太简单" in out


def test_empty_allowed_hosts_fails(checks):
    code, out = checks["empty hosts"]()
    assert code == 1 and "YINGJI_ALLOWED_HOSTS 为空" in out


def test_good_production_configuration_passes(checks):
    code, out = checks["good"]()
    assert code == 0, out
    assert "配置检查通过" in out
    assert "security.W005" in out  # HSTS for subdomains: explained, not failed
    assert "可信代理：127.0.0.1" in out


def test_plain_http_inside_the_bureau_is_explained_not_failed(checks):
    code, out = checks["plain http"]()
    assert code == 0, out
    assert "未设置 YINGJI_SECURE=true" in out and "security.W004" in out


def test_unreachable_database_and_broker_are_explained_in_chinese(tmp_path):
    """Was: psycopg's and redis's English ("Connection refused …") in the report (issue 15)."""
    code, out = check(tmp_path, YINGJI_DATABASE_URL="postgres://x@127.0.0.1:9/nope",
                      YINGJI_BROKER_URL="redis://127.0.0.1:9/0")
    assert code == 1
    report = out[out.index("发现以下问题"):]
    assert "数据库无法连接（127.0.0.1:9/nope）：连接被拒绝" in report and "消息代理无法连接" in report
    assert "Connection refused" not in report and "Is the server running" not in report


def test_connection_reasons():
    from yingji.core.management.commands.yingji_check import connection_reason

    assert connection_reason(OSError("timed out")).startswith("连接超时")
    assert connection_reason(Exception('FATAL: password authentication failed for user "x"')) == "用户名或密码错误"
    assert "原因未能识别" in connection_reason(Exception("something else"))
