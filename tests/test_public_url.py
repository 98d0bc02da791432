"""叫应 links follow the port the platform serves on unless YINGJI_PUBLIC_URL says otherwise (issue 15)."""

import pytest

from yingji import config


def test_public_url_prefers_the_setting_then_the_served_address(monkeypatch):
    monkeypatch.delenv("YINGJI_PUBLIC_URL", raising=False)
    monkeypatch.delenv(config.SERVED_URL, raising=False)
    assert config.public_url() == "http://127.0.0.1:8000"
    monkeypatch.setenv(config.SERVED_URL, config.served_url("0.0.0.0", 8791))
    assert config.public_url() == "http://127.0.0.1:8791"
    monkeypatch.setenv("YINGJI_PUBLIC_URL", "https://yingji.example.gov.cn/")
    assert config.public_url() == "https://yingji.example.gov.cn"


@pytest.mark.django_db
def test_serve_on_a_port_makes_ack_links_use_it(monkeypatch):
    import uvicorn
    from django.core.management import call_command

    from yingji.warnings.dissemination import ack_url

    monkeypatch.delenv("YINGJI_PUBLIC_URL", raising=False)
    monkeypatch.delenv(config.SERVED_URL, raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)  # started, not served
    call_command("serve", host="127.0.0.1", port=8791, workers=1, no_scheduler=True, no_ingest=True)
    recipient = type("R", (), {"token": "abc"})()
    assert ack_url(recipient) == "http://127.0.0.1:8791/ack/abc/"
    monkeypatch.delenv(config.SERVED_URL)
