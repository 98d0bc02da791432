import datetime

import pytest
from django.utils import timezone

from yingji.core.directory.codes import id_number_check_char
from yingji.disasters.models import DisasterEvent
from yingji.relief import services


def id_number(n: int, area="430181") -> str:
    first17 = f"{area}1970010{n % 10}{n:03d}"[:17]
    return first17 + id_number_check_char(first17)


@pytest.fixture
def event(tree):
    return DisasterEvent.objects.create(name="大瑶镇暴雨洪涝", disaster_type="flood", onset_date=datetime.date(2026, 6, 20),
                                        learned_at=timezone.now() - datetime.timedelta(hours=3), region=tree["county"])


@pytest.fixture
def items(tree, users):
    return {i.kind: i for i in services.seed_items(users["admin"], tree["county"],
                                                   effective_from=datetime.date(2026, 1, 1))}


def shelter_rows(tree, n=3, start=1):
    """Households as yingji.shelters.services.households_for_relief gives them."""
    return [{"household_id": f"H{k:03d}", "head_name": f"户主{k}", "head_id_number": id_number(k), "phone": "13800138000",
             "village_id": tree["va"].pk if k % 2 else tree["vb"].pk, "members": k + 1,
             "flags": {"老", "三无"} if k == 1 else set(), "shelter_id": 7} for k in range(start, start + n)]
