import json
import time
from pathlib import Path

import pytest
from django.core import signing

TEXTS = Path(__file__).resolve().parent.parent / "data" / "extraction" / "texts"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def real_text(name: str) -> dict:
    return json.loads((TEXTS / f"{name}.json").read_text(encoding="utf-8"))


def old_token(seconds=10):
    return signing.dumps(time.time() - seconds, salt="tip-off")


@pytest.fixture
def village_shape(tree):
    """大瑶村 (in township A) gets a boundary, so a phone's position places a declaration there."""
    tree["va"].geometry = {"type": "Polygon", "coordinates": [[[113.7, 27.9], [113.8, 27.9], [113.8, 28.0],
                                                               [113.7, 28.0], [113.7, 27.9]]]}
    tree["va"].save()
    return tree


def declare(client, ip="10.0.0.1", **fields):
    data = {"token": old_token(), "kind": "loss", "declarant_kind": "public",
            "text": "今天凌晨暴雨引发山洪，冲进大瑶村3组，我家2间房屋倒塌，一家4口人需要转移安置", "place": "大瑶村3组",
            "lon": "113.75", "lat": "27.95", "accuracy_m": "20", "contact_name": "王某某", "contact_phone": "13900001111",
            **fields}
    return client.post("/public/declare/", data, REMOTE_ADDR=ip)
