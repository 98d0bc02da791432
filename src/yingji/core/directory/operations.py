"""The accounts' actions (用户与权限), declared once each (core/framework/operations.py): 重置密码 (a
one-time password shown once), 停用 and 启用, 解除登录锁定. Each is a button on the account's page and
an API endpoint with the same checks: the account in the user's scope (404), the right on accounts
and every role the account holds grantable by the user (403 with the reason), the state (409)."""

from __future__ import annotations

from yingji.core.directory import accounts
from yingji.core.framework import logins, operations
from yingji.core.framework.operations import Operation
from yingji.core.framework.services import Secret


def _manageable(user, account):
    return accounts.refusal(user, account)


operations.register(
    Operation("users", "reset-password", "重置密码", lambda user, account: accounts.reset_password(user, account),
              refusal=_manageable, record_button=True,
              summary="生成一次性密码（只在本次回答中给出一次），旧密码、登录会话和接口令牌立即失效；"
                      "本人登录后须先设置自己的密码",
              message=lambda reset: f"已为 {reset.account.username} 重置密码",
              shown_once=lambda reset: [Secret("password", "一次性密码", reset.password)],
              shown_once_names=(("password", "一次性密码"),)),
    Operation("users", "disable", "停用", lambda user, account: accounts.disable(user, account),
              refusal=_manageable, record_button=True, offered=lambda account: account.is_active,
              summary="停用账号：不能再登录，已登录的会话和接口令牌随即失效；记录与变更历史保留",
              message=lambda account: f"已停用 {account.username}"),
    Operation("users", "enable", "启用", lambda user, account: accounts.enable(user, account),
              refusal=_manageable, record_button=True, offered=lambda account: not account.is_active,
              summary="重新启用已停用的账号", message=lambda account: f"已启用 {account.username}"),
    Operation("users", "unlock", "解除登录锁定", lambda user, account: accounts.unlock(user, account),
              refusal=_manageable, record_button=True, offered=lambda account: logins.paused(account.username),
              summary="清除该账号的输错密码记录，立即恢复登录（不改变其密码）",
              message=lambda account: f"已解除 {account.username} 的登录锁定"),
)
