"""The shelters' second part: the 灾情 report takes its 集中安置 figures from the registrations (a declared
figure source; disasters never imports shelters), the 居民安置卡, the GB/T 33744 forms, the nearest
shelter with room by road time, and the desk's idempotent submissions."""

from __future__ import annotations

from yingji.disasters.models import DisasterReport
from yingji.shelters.models import Household

from . import test_flow as flow
from .test_flow import activate, check_in, post

event, shelters = flow.event, flow.shelters  # the flow's fixtures


def test_the_report_takes_its_concentrated_figures_from_the_registrations(api, web, tree, event, shelters):
    a, b = shelters
    site, other = activate(api, a, event), activate(api, b, event)
    assert post(api("staff"), f"/api/disaster-events/{event.pk}/open-report/", {"kind": "initial"}).status_code == 200
    county = DisasterReport.objects.get(event=event, level="county")
    town = DisasterReport.objects.get(event=event, level="township", region=tree["a"])
    before = post(api("staff"), f"/api/disaster-reports/{county.pk}/take-figures/")
    assert before.status_code == 200, before.json()
    county.refresh_from_db()
    assert (county.figures["relocated_concentrated"], county.figures["shelter_sites"]) == (0, 2)
    check_in(api, site, village=tree["va"].pk)  # 3 people from 大瑶村
    check_in(api, other, village=tree["va"].pk, head_name="陈志强", head_id_number="", members="")
    # what was typed is kept, the sourced figures replace what was typed for them
    taken = post(api("staff"), f"/api/disaster-reports/{county.pk}/take-figures/",
                 {"f_relocated_concentrated": "99", "f_deaths": "1"})
    assert taken.status_code == 200, taken.json()
    assert taken.json()["figures"] == {"relocated_concentrated": 4, "shelter_sites": 2}
    county.refresh_from_db()
    assert (county.figures["relocated_concentrated"], county.figures["shelter_sites"], county.figures["deaths"]) == (4, 2, 1)
    # the township's report: its own people (by home village) and its own sites
    assert post(api("township_a"), f"/api/disaster-reports/{town.pk}/take-figures/").status_code == 200
    town.refresh_from_db()
    assert (town.figures["relocated_concentrated"], town.figures["shelter_sites"]) == (4, 1)
    # the form says where the figure comes from and offers the button beside it
    page = web("staff").get(f"/registry/disaster-reports/{county.pk}/do/submit/")
    html = page.content.decode()
    assert "由安置登记取数" in html and 'data-testid="take-figures"' in html
    # a township may not take figures into the county's report (its role refuses it there)
    assert post(api("village_a"), f"/api/disaster-reports/{county.pk}/take-figures/").status_code in (403, 404)
    assert Household.objects.filter(event=event).count() == 2
