"""The yingji command: help, configuration check, import/export, demo county."""

import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from tests.conftest import credit
from yingji import cli, config
from yingji.core.models import Organization


def test_help_lists_main_commands(capsys):
    cli.main([])
    out = capsys.readouterr().out
    for command in ("demo", "serve", "migrate", "createsuperuser", "check", "loaddemo", "import", "export"):
        assert f"yingji {command}" in out


def test_aliases_reach_django_commands(db, capsys, monkeypatch):
    # run_from_argv closes every connection when a command ends; keep the test's transaction open.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    cli.main(["check"])  # → yingji_check
    assert "配置检查通过" in capsys.readouterr().out
    cli.main(["showmigrations", "core"])  # any Django command passes through
    assert "0001_initial" in capsys.readouterr().out


def test_configuration_problems_in_plain_words(monkeypatch):
    monkeypatch.setenv("YINGJI_DEBUG", "maybe")
    monkeypatch.setenv("YINGJI_DATABASE_URL", "mysql://x")
    monkeypatch.setenv("YINGJI_BROKER_URL", "kafka://x")
    monkeypatch.setenv("YINGJI_MAP_TILE_URL", "https://tiles/{z}.png")
    monkeypatch.setenv("YINGJI_PAGE_SIZE", "0")
    monkeypatch.setenv("YINGJI_ROAD_NETWORK", "/nonexistent/roads.osm.pbf")
    problems = config.problems()
    assert "YINGJI_DEBUG='maybe' 不是布尔值，应为 true 或 false" in problems
    assert "YINGJI_DATABASE_URL 不受支持：mysql（支持 sqlite:// 与 postgres://）" in problems
    assert "YINGJI_BROKER_URL 不受支持：kafka（支持 redis:// 与 amqp://）" in problems
    assert "YINGJI_MAP_TILE_URL 应包含 {z}、{x}、{y} 占位符" in problems
    assert "YINGJI_PAGE_SIZE='0' 应为正整数" in problems
    assert "YINGJI_ROAD_NETWORK 指定的路网文件不存在：/nonexistent/roads.osm.pbf" in problems


def test_import_and_export_commands(tree, users, tmp_path):
    book = Workbook()
    book.active.append(["统一社会信用代码", "单位名称", "单位类型", "所属区划"])
    book.active.append([credit(777), "命令行企业", "企业", "430181110001"])
    path = tmp_path / "in.xlsx"
    book.save(path)
    out = io.StringIO()
    call_command("import_records", "organizations", str(path), "--user", "staff", stdout=out)
    assert "新增 1" in out.getvalue()
    assert Organization.objects.filter(name="命令行企业").exists()
    target = tmp_path / "out.xlsx"
    call_command("export_records", "organizations", str(target), "--user", "township_a", stdout=io.StringIO())
    names = {row[1] for row in load_workbook(target).worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert names == {"命令行企业", "大瑶花炮厂"}  # township A only: not 金刚化工 in township B


def test_import_command_fails_loudly_and_writes_nothing(tree, users, tmp_path):
    from django.core.management.base import CommandError

    book = Workbook()
    book.active.append(["统一社会信用代码", "单位名称", "单位类型", "所属区划"])
    book.active.append(["123", "坏企业", "企业", "430181110001"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    err = io.StringIO()
    with pytest.raises(CommandError, match="导入失败：1 处错误"):
        call_command("import_records", "organizations", str(path), "--user", "staff", stderr=err)
    assert "第 2 行, 统一社会信用代码: 应为 18 位，实际为 3 位" in err.getvalue()
    assert not Organization.objects.filter(name="坏企业").exists()


def test_every_setting_is_documented():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "configuration.md").read_text(encoding="utf-8")
    for setting in config.SETTINGS:
        assert f"`{setting.name}`" in doc, setting.name


def test_check_notes_web_processes_that_could_take_the_database_s_connections(monkeypatch):
    from yingji import config

    assert config.connection_note(4, 10, 100) is None  # 40: room for jobs, ingest and psql
    note = config.connection_note(8, 12, 100)
    assert "96" in note and "max_connections=100" in note
    assert config.connection_note(9, 10, 100) is None and config.connection_note(10, 10, 100)  # a margin of 10
    monkeypatch.setenv("YINGJI_WEB_WORKERS", "auto")
    assert config.web_workers("sqlite:///x.sqlite3") == 1
    assert 1 <= config.web_workers("postgres://u@h/db") <= 4
    monkeypatch.setenv("YINGJI_WEB_WORKERS", "6")
    assert config.web_workers("sqlite:///x.sqlite3") == 6
    monkeypatch.setenv("YINGJI_WEB_WORKERS", "0")
    assert any("YINGJI_WEB_WORKERS" in p for p in config.problems())
    monkeypatch.setenv("YINGJI_DB_POOL_MAX_SIZE", "many")
    assert config.db_pool()["max_size"] == 10 and any("YINGJI_DB_POOL_MAX_SIZE" in p for p in config.problems())
