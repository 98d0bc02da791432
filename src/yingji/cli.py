"""The `yingji` command: the platform's own subcommands plus every Django management command."""

from __future__ import annotations

import os
import sys

ALIASES = {"check": "yingji_check", "import": "import_records", "export": "export_records",
           "unlock": "axes_reset_username", "supervision-draw": "supervision_draw"}

USAGE = """yingji — 应急管理综合应用平台

常用命令:
  yingji demo                 建库、加载演示县（浏阳市）、创建管理员并在 http://127.0.0.1:8000 启动
  yingji serve [--workers N]  以生产级服务器（uvicorn）启动平台
  yingji migrate              建立或升级数据库
  yingji createsuperuser      创建管理员
  yingji check                检查配置并做 Django 部署检查（生产部署前的关口）
  yingji adduser 用户名 --role 角色 --region 区划代码 | --org 信用代码 [--name 姓名]
                              新建用户（与“用户与权限”页面相同的校验），一次性密码只显示这一次
  yingji unlock 用户名         解除该账号因多次输错密码而暂停的登录（yingji axes_reset_ip 地址 解除某地址）
  yingji loaddemo             加载演示数据（幂等）
  yingji import 登记簿 文件    导入 .xlsx/.csv（如 yingji import organizations 单位.xlsx）
  yingji export 登记簿 文件    导出 .xlsx
  yingji ingest [--workers N] 监测数据接入：订阅 MQTT（QoS 1、共享订阅），批量入库并判定报警
  yingji simulate             为演示县传感器发送模拟数据（含泄漏、水位上涨、离线等异常）
  yingji worker | beat        启动 Celery 工作进程 / 定时调度（配置了 YINGJI_BROKER_URL 时）
  yingji supervision-draw --verify 编号
                              复核双随机抽取：按记录的种子和候选清单重新抽取并比较（--export 编号 导出其输入）
  yingji help                 列出全部 Django 管理命令
"""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return
    from django.core.management import execute_from_command_line

    argv[0] = ALIASES.get(argv[0], argv[0])
    execute_from_command_line(["yingji", *argv])


if __name__ == "__main__":
    main()
