import datetime

import pytest
from django.utils import timezone

from tests.relief.conftest import id_number
from yingji.disasters.models import DisasterEvent
from yingji.donations.models import Campaign, NeedItem, ReceivingPoint
from yingji.relief import services as relief
from yingji.relief.models import Beneficiary
from yingji.resources.models import Material, Warehouse


@pytest.fixture
def event(tree):
    return DisasterEvent.objects.create(name="大瑶镇暴雨洪涝", disaster_type="flood", onset_date=datetime.date(2026, 6, 20),
                                        learned_at=timezone.now() - datetime.timedelta(days=3), region=tree["county"])


@pytest.fixture
def setup(tree, users, event):
    """A county campaign with a receiving point in 大瑶镇 (its warehouse and account), a needs list of
    water, and households of both townships needing emergency relief."""
    water = Material.objects.create(code="SH-101", name="瓶装饮用水", category="life", unit="箱", region=tree["county"])
    store_a = Warehouse.objects.create(name="大瑶镇储备库", level="township", region=tree["a"])
    store_b = Warehouse.objects.create(name="金刚镇储备库", level="township", region=tree["b"])
    point = ReceivingPoint.objects.create(name="大瑶镇捐赠接收点", region=tree["a"], address="大瑶镇政府院内",
                                          warehouse=store_a, bank_name="浏阳农商银行", account_name="大瑶镇人民政府",
                                          account_number="6221000000000001", phone="0731-83612345")
    campaign = Campaign.objects.create(event=event, region=tree["county"], title="大瑶镇洪灾社会捐赠",
                                       office="浏阳市应急管理局救灾股", started_on=datetime.date(2026, 6, 21),
                                       published=True, do_not_send="旧衣物、临期食品")
    NeedItem.objects.create(campaign=campaign, material=water, quantity=500, receiving_point=point)
    relief.seed_items(users["admin"], tree["county"], effective_from=datetime.date(2026, 1, 1))
    for n, village in enumerate((tree["va"], tree["va"], tree["vb"]), 1):
        Beneficiary.objects.create(event=event, region=village, head_name=f"户主{n}", head_id_number=id_number(n),
                                   phone="13800138000", members=3)
    return {"water": water, "store_a": store_a, "store_b": store_b, "point": point, "campaign": campaign}
