"""Field pages (issue 15): a grid worker attaches photos when reporting a hidden hazard (the create
form's camera input; the API's create takes them as multipart), saved with the record in one
transaction, and adds photos later to what they reported — without change permission, within scope."""

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.conftest import make_user
from yingji.core.models import Attachment
from yingji.hazards.models import Hazard

REPORT = {"title": "村道边废弃液化气罐", "description": "村口废品站堆放液化气罐十余个", "channel": "grid_worker",
          "finder": "网格员小王", "region": "430181110001"}
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc`\x00\x00\x00\x02\x00\x01T\xa2O]\x00\x00\x00\x00IEND\xaeB`\x82")


def photo(name="现场.png"):
    return SimpleUploadedFile(name, PNG, "image/png")


def photos_of(hazard):
    return list(Attachment.objects.filter(object_id=str(hazard.pk)).values_list("description", flat=True))


def test_photos_come_with_the_report_through_the_api(users, api):
    created = api("village_a").post("/api/hazards/", {**REPORT, "photos": [photo("现场1.png"), photo("现场2.png")]},
                                    format="multipart")
    assert created.status_code == 201, created.json()
    hazard = Hazard.objects.get(pk=created.json()["id"])
    assert hazard.reported_by == users["village_a"] and photos_of(hazard) == ["现场照片", "现场照片"]
    assert "photos" not in created.json()  # write-only: the files are the record's attachments
    not_photo = api("village_a").post("/api/hazards/", {**REPORT, "photos": [SimpleUploadedFile("a.pdf", b"%PDF")]},
                                      format="multipart")
    assert not_photo.status_code == 400 and "不是照片" in not_photo.json()["photos"][0]
    assert Hazard.objects.count() == 1  # refused: nothing written
    later = api("staff").patch(f"/api/hazards/{hazard.pk}/", {"photos": [photo()]}, format="multipart")
    assert later.status_code == 400 and "attach" in later.json()["photos"][0]


def test_the_create_page_takes_photos_from_the_camera(users, web):
    client = web("village_a")
    form = client.get("/registry/hazards/new/").content.decode()
    assert 'accept="image/*"' in form and 'capture="environment"' in form and 'enctype="multipart/form-data"' in form
    assert form.index('name="description"') < form.index('name="photos"') < form.index('name="channel"')
    data = {**REPORT, "category": "on_site", "grade": "general", "found_at": "2026-12-01 09:00"}
    bad = client.post("/registry/hazards/new/", {**data, "photos": [SimpleUploadedFile("x.exe", b"MZ")]})
    assert bad.status_code == 400 and "不是照片" in bad.content.decode() and not Hazard.objects.exists()
    posted = client.post("/registry/hazards/new/", {**data, "photos": [photo(), photo("近景.png")]})
    assert posted.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.reported_by == users["village_a"] and photos_of(hazard) == ["现场照片", "现场照片"]
    edit = web("staff").get(f"/registry/hazards/{hazard.pk}/edit/").content.decode()
    assert 'name="photos"' not in edit  # an edit adds files through 附件, not the form


def test_the_reporter_adds_photos_later_and_nobody_else_without_change_permission(users, api, web, tree):
    created = api("village_a").post("/api/hazards/", REPORT, format="json")
    hazard = Hazard.objects.get(pk=created.json()["id"])
    url = f"/api/hazards/{hazard.pk}/attach/"
    assert api("village_a").post(url, {"file": photo("整改前.png")}, format="multipart").status_code == 200
    page = web("village_a").get(f"/registry/hazards/{hazard.pk}/").content.decode()
    assert f'action="/registry/hazards/{hazard.pk}/attachments/"' in page  # the upload form, for the reporter
    uploaded = web("village_a").post(f"/registry/hazards/{hazard.pk}/attachments/", {"file": photo("远景.png")})
    assert uploaded.status_code == 302

    stranger = APIClient()  # another grid worker of the same village: may see it, may not add to it
    stranger.force_authenticate(make_user("village_a2", "village", region=tree["va"]))
    refused = stranger.post(url, {"file": photo()}, format="multipart")
    assert refused.status_code == 403 and refused.json()["detail"] == "您的角色不能上传附件"
    assert api("township_b").post(url, {"file": photo()}, format="multipart").status_code == 404  # out of scope
    assert len(photos_of(hazard)) == 2
