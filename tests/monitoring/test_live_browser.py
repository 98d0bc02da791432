"""A reading over threshold shows up on an open 报警值守台 without reload, served by the real ASGI
server (uvicorn) as in production: server-sent events, toast, and the new row."""

import json
import socket
import threading
import time

import pytest
import uvicorn

from tests.test_browser import browser, login  # noqa: F401  (fixture)
from yingji.monitoring.ingest import Ingestor


@pytest.fixture
def asgi_server(transactional_db):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config("yingji.asgi:application", host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.mark.browser
def test_alarm_appears_live_on_the_open_board(asgi_server, users, sensor, browser):  # noqa: F811
    page = browser.new_page()
    login(page, asgi_server, "enterprise_a")
    page.goto(f"{asgi_server}/monitoring/live/")
    page.wait_for_selector("text=实时连接正常")
    assert "当前没有未消警的报警" in page.content()
    now = time.time()
    Ingestor().handle([("yingji/v1/readings/GAS-1", json.dumps([{"ts": now - 1, "value": 5},
                                                                 {"ts": now, "value": 45}]).encode())])
    row = page.wait_for_selector("#alarm-rows tr.yj-alarm-l2", timeout=10000)  # no reload
    assert "可燃气体1号" in row.inner_text() and "45" in row.inner_text()
    toast = page.wait_for_selector("[data-testid=alarm-toast]")
    assert "2级超限报警" in toast.inner_text()
    page.screenshot(path=str(__import__("tests.conftest", fromlist=["OUTPUT"]).OUTPUT / "live-alarm.png"))
