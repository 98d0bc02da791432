"""Fixtures of the enforcement cases: a legal officer, a case moved along its workflow."""

from decimal import Decimal

import pytest

from tests.conftest import make_user
from yingji.core.framework import workflow
from yingji.supervision import caseservices


@pytest.fixture
def legal(users, tree):
    return make_user("legal_officer", "legal", region=tree["county"])


@pytest.fixture
def open_case(users, orgs):
    def make(org="a", **kw):
        return caseservices.open_case(users["staff"], cause=kw.pop("cause", "未按照规定对从业人员进行安全生产教育和培训案"),
                                      facts=kw.pop("facts", "该单位 3 名新入职装药工未经三级安全教育即上岗作业。"),
                                      region=orgs[org].region, organization=orgs[org], **kw)
    return make


@pytest.fixture
def notified_case(users, open_case):
    """A case told to its party: investigated, with its discretion and an 询问笔录. ``fine`` in yuan
    under 第九十七条 (overdue: 10万–20万; else up to 10万)."""
    def make(fine="10000", overdue=False, **kw):
        staff = users["staff"]
        case = open_case(**kw)
        workflow.apply(staff, case, "investigate")
        caseservices.set_discretion(staff, case, entry="AQSCF-97-3", answers={"overdue": overdue},
                                    fine_cny=Decimal(fine))
        caseservices.record_interview(staff, case, person="李四", position="安全员", place="该厂办公室",
                                      record="问：新员工是否经过培训？\n答：没有。")
        workflow.apply(staff, case, "notify")
        case.refresh_from_db()
        return case
    return make
