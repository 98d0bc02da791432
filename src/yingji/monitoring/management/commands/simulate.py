import json
import time

from django.core.management.base import BaseCommand

from yingji import config


class Command(BaseCommand):
    help = "为演示县的传感器模拟实时监测数据（经 MQTT 发送），含可燃气体泄漏、河道水位上涨、传感器离线等异常"

    def add_arguments(self, parser):
        parser.add_argument("--url", default=config.env("YINGJI_MQTT_URL"))
        parser.add_argument("--every", type=float, default=5.0, help="每隔多少秒发送一轮（默认 5 秒，演示用）")
        parser.add_argument("--duration", type=float, default=600.0, help="运行多少秒（默认 600）")
        parser.add_argument("--anomaly-after", type=float, default=20.0, help="多少秒后开始注入异常")

    def handle(self, *args, url, every, duration, anomaly_after, **options):
        from yingji.monitoring.models import Sensor
        from yingji.monitoring.mqtt import make_client
        from yingji.monitoring.simulate import Scenario, SimSensor

        sensors = [SimSensor(s.device_id, s.quantity, s.level1, s.level2, s.rising)
                   for s in Sensor.objects.exclude(status="disabled").order_by("device_id")]
        if not sensors:
            self.stderr.write("没有传感器：请先运行 yingji loaddemo")
            return
        scenario = Scenario(sensors, start_s=anomaly_after)
        client = make_client(url, f"yingji-simulate-{int(time.time())}", persistent=False)
        host, port = client._yingji_address
        client.connect(host, port)
        client.loop_start()
        self.stdout.write(f"向 {url} 发送 {len(sensors)} 个传感器的数据，每 {every:g} 秒一轮；{anomaly_after:g} 秒后注入异常："
                          f"泄漏 {scenario.leak}，水位上涨 {scenario.flood}，离线 {scenario.silent}")
        start = time.time()
        rounds = 0
        try:
            while time.time() - start < duration:
                now = time.time()
                batch = scenario.readings(now - start, now)
                for i in range(0, len(batch), 500):
                    client.publish("yingji/v1/gateways/simulator/readings",
                                   json.dumps({"readings": batch[i:i + 500]}), qos=1).wait_for_publish(10)
                rounds += 1
                time.sleep(max(0.0, every - (time.time() - now)))
        except KeyboardInterrupt:
            pass
        finally:
            client.disconnect()
            client.loop_stop()
        self.stdout.write(f"已发送 {rounds} 轮")
