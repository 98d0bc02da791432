import pytest

from yingji.monitoring.models import MonitoringPoint, Sensor


@pytest.fixture
def point(tree, orgs):
    return MonitoringPoint.objects.create(name="甲醇储罐区", kind="hazard_source", organization=orgs["a"],
                                          region=tree["va"], lon=113.78, lat=27.98)


@pytest.fixture
def sensor(point):
    """A gas detector in org A (village va): 一级 20 %LEL, 二级 40 %LEL, deadband 2."""
    return Sensor.objects.create(device_id="GAS-1", name="可燃气体1号", point=point, quantity="combustible_gas",
                                 level1=20, level2=40, deadband=2)


@pytest.fixture
def broker(tmp_path):
    """A private Mosquitto for the test, stopped after it (tests may stop and restart it themselves)."""
    from tests.monitoring.test_mqtt import Broker

    b = Broker(tmp_path)
    b.start()
    yield b
    if b.proc.poll() is None:
        b.stop()
