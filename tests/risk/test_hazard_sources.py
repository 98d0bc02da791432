"""Major hazard sources: the inventory drives GB 18218 identification and grading, figures kept."""

from decimal import Decimal as D

from yingji.risk.models import HazardSource


def test_inventory_grades_the_unit_and_the_page_shows_every_figure(tree, orgs, users, api, web):
    staff = api("staff")
    created = staff.post("/api/hazard-sources/", {"name": "液氯液氨库", "organization": orgs["a"].credit_code,
                                                  "region": "430181110001", "unit_kind": "storage",
                                                  "people_within_500m": 120}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["is_major"] is False and created.json()["calculation"] == "尚未登记危险化学品"
    for name, q in (("液氯", 3), ("液氨", 6)):
        response = staff.post("/api/hazard-inventories/", {"hazard_source": str(pk), "chemical_name": name,
                                                           "max_quantity_t": q}, format="json")
        assert response.status_code == 201, response.json()
    source = HazardSource.objects.get(pk=pk)
    assert source.is_major and source.grade == "四级" and str(source.r_value) == "7.20"
    assert str(source.sum_ratio) == "1.2000" and str(source.alpha) == "2.0" and source.graded_at is not None
    page = web("staff").get(f"/registry/hazard-sources/{pk}/").content.decode()
    assert "R = α×(Σβq/Q) = 2×(2×6/10 + 4×3/5) = 7.2 → 四级重大危险源" in page  # lines by chemical name
    assert "液氯 3.000 t" in page  # the inventory, as related records
    # More people nearby and more stock: the grade is recomputed.
    staff.patch(f"/api/hazard-sources/{pk}/", {"people_within_500m": 10}, format="json")
    assert HazardSource.objects.get(pk=pk).alpha == 1


def test_unknown_chemicals_must_be_classified(tree, orgs, users, api):
    staff = api("staff")
    pk = staff.post("/api/hazard-sources/", {"name": "仓库", "organization": orgs["a"].credit_code,
                                             "region": "430181110001", "unit_kind": "storage"},
                    format="json").json()["id"]
    response = staff.post("/api/hazard-inventories/", {"hazard_source": str(pk), "chemical_name": "某新材料",
                                                       "max_quantity_t": 1}, format="json")
    assert response.json()["chemical_name"] == ["“某新材料”不在 GB 18218 表1 中，请选择其危险性类别（表2）"]
    ok = staff.post("/api/hazard-inventories/", {"hazard_source": str(pk), "category_code": "W5.3",
                                                 "max_quantity_t": 1500}, format="json")
    assert ok.status_code == 201
    source = HazardSource.objects.get(pk=pk)
    assert source.is_major and source.sum_ratio == D("1.5")  # 1500 t / Q 1000 t (W5.3)


def test_three_lists(tree, orgs, users, api, web):
    import io

    from openpyxl import load_workbook

    from yingji.risk.models import HazardInventory, VulnerableTarget

    source = HazardSource.objects.create(name="液氯库", organization=orgs["a"], region=tree["va"], unit_kind="storage",
                                         people_within_500m=120, lon=113.78, lat=27.98)
    HazardInventory.objects.create(hazard_source=source, chemical_name="液氯", max_quantity_t=10)
    HazardSource.objects.create(name="空库", organization=orgs["a"], region=tree["va"], unit_kind="storage")
    VulnerableTarget.objects.create(name="大瑶中学", kind="school", region=tree["va"], people=1800,
                                    lon=113.785, lat=27.98)  # about 490 m east
    VulnerableTarget.objects.create(name="远处小学", kind="school", region=tree["va"], lon=113.9, lat=27.98)
    client = web("leader")
    page = client.get("/risk/lists/").content.decode()
    assert "重大危险源清单" in page and "1 项" in page

    def rows(name):
        return list(load_workbook(io.BytesIO(client.get(f"/risk/lists/{name}.xlsx").content)).worksheets[0]
                    .iter_rows(values_only=True))

    sources = rows("major-sources")
    assert [r[1] for r in sources[1:]] == ["液氯库"]  # only the unit that is a major hazard source
    targets = {r[0]: r[-1] for r in rows("vulnerable-targets")[1:]}
    assert targets["大瑶中学"].startswith("大瑶花炮厂·液氯库（重大危险源") and targets["大瑶中学"].endswith(" m")
    assert targets["远处小学"] == "1 km 内无较大以上风险"
    assert client.get("/risk/lists/nonsense.xlsx").status_code == 404


# ---- 汽油 (issue 15, point 4) -------------------------------------------------------------------

def petrol_depot(api, orgs, **kw):
    return api("staff").post("/api/hazard-sources/", {"name": "汽油罐区", "organization": orgs["a"].credit_code,
                                                      "region": "430181110001", "unit_kind": "storage",
                                                      "people_within_500m": 60, **kw}, format="json").json()["id"]


def add(api, pk, **values):
    return api("staff").post("/api/hazard-inventories/", {"hazard_source": str(pk), **values}, format="json")


def test_a_petrol_store_takes_beta_of_w5_3(tree, orgs, users, api, web):
    pk = petrol_depot(api, orgs)
    assert add(api, pk, chemical_name="汽油", max_quantity_t=1200).status_code == 201
    source = HazardSource.objects.get(pk=pk)
    # Σq/Q = 1200/200 = 6; R = α 1.5 × β 1 × 6 = 9 → 四级 (β 1.5 made it 13.5, 三级)
    assert (source.sum_ratio, source.r_value, source.grade) == (D("6.0000"), D("9.00"), "四级")
    assert "R = α×(Σβq/Q) = 1.5×(1×1200/200) = 9 → 四级重大危险源" in source.calculation


def test_petrol_worked_above_its_boiling_point_takes_w5_1(tree, orgs, users, api):
    pk = petrol_depot(api, orgs, unit_kind="production", name="汽油调和装置")
    response = add(api, pk, chemical_name="汽油", category_code="W5.1", max_quantity_t=1200)
    assert response.status_code == 201, response.json()
    source = HazardSource.objects.get(pk=pk)
    assert (source.r_value, source.grade) == (D("13.50"), "三级")  # Q still table 1's 200 t; β 1.5


def test_a_code_outside_the_chemicals_class_is_refused_on_its_field(tree, orgs, users, api):
    pk = petrol_depot(api, orgs)
    wrong = add(api, pk, chemical_name="汽油", category_code="J1", max_quantity_t=10)
    assert wrong.status_code == 400
    assert wrong.json()["category_code"][0].startswith("汽油(乙醇汽油、甲醇汽油) 在表1中（临界量 200 t）")
    gas = add(api, pk, chemical_name="液氨", category_code="J5", max_quantity_t=1)
    assert gas.json()["category_code"] == ["氨 的校正系数 β 按表3取 2，不随危险性类别变化；请不要填写类别代码"]
    unknown = add(api, pk, chemical_name="某溶剂", category_code="W5.9", max_quantity_t=1)
    assert unknown.json()["category_code"] == ["未知的危险性类别代码：W5.9"]
