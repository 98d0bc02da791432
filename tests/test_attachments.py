"""Attachments: any record, size and type limits, downloads only for those who can see the record."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yingji.core.models import Attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def test_upload_and_download_on_any_registry_record(orgs, users, web):
    client = web("staff")
    response = client.post(f"/registry/organizations/{orgs['a'].pk}/attachments/",
                           {"file": SimpleUploadedFile("现场照片.png", PNG, "image/png"), "description": "厂区"})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.record == orgs["a"] and attachment.size_bytes == len(PNG) and attachment.uploaded_by == users["staff"]
    page = client.get(f"/registry/organizations/{orgs['a'].pk}/").content.decode()
    assert "现场照片.png" in page
    download = client.get(f"/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG


def test_out_of_scope_users_cannot_download(orgs, users, web, client):
    web("staff").post(f"/registry/organizations/{orgs['b'].pk}/attachments/",
                      {"file": SimpleUploadedFile("b.pdf", b"%PDF-1.4", "application/pdf")})
    attachment = Attachment.objects.get()
    client.force_login(users["all_in_a"])
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize("name, size, message", [
    ("病毒.exe", 10, "不支持的文件类型 .exe"),
    ("大文件.pdf", 3 * 1024 * 1024, "文件过大（3.0 MB），上限 2 MB"),
])
def test_limits(orgs, users, web, settings, name, size, message):
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    client = web("staff")
    response = client.post(f"/registry/organizations/{orgs['a'].pk}/attachments/",
                           {"file": SimpleUploadedFile(name, b"x" * size)}, follow=True)
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_readonly_role_cannot_attach(orgs, users, web):
    response = web("readonly").post(f"/registry/organizations/{orgs['a'].pk}/attachments/",
                                    {"file": SimpleUploadedFile("a.png", PNG)})
    assert response.status_code == 403
    assert not Attachment.objects.exists()
