"""双随机一公开: the published draws and what came of them, for the public pages (no login).

Shown: the matter, its basis, when and with which seed the draw was made, the hashes of the candidate
lists (the lists themselves hold the whole directory; the draw page inside the platform shows them),
the enterprises drawn with their inspectors' names and certificate numbers, and each check's result
once completed. Nothing is shown of checks still open beyond that they are planned."""

from __future__ import annotations

from django.db.models import Count, Q

from yingji.supervision.choices import CheckState
from yingji.supervision.models import Draw, Inspector


def _result(inspection) -> str:
    if inspection.state != CheckState.COMPLETED:
        return inspection.get_state_display()
    n = inspection.n_findings
    return f"发现问题 {n} 项，已责令整改" if n else "未发现问题"


def published(year=None) -> list[Draw]:
    draws = Draw.objects.filter(published=True).select_related("plan_item__matter", "plan_item__plan", "plan_item__unit")
    if year and str(year).isdigit():
        draws = draws.filter(plan_item__plan__year=int(year))
    return list(draws.annotate(n=Count("inspections"))[:200])


def one(pk) -> dict | None:
    record = Draw.objects.filter(published=True, pk=pk).select_related(
        "plan_item__matter", "plan_item__plan", "plan_item__unit").first()
    if record is None:
        return None
    inspections = {i.organization.credit_code: i for i in record.inspections.select_related("organization")
                   .annotate(n_findings=Count("findings", filter=Q(findings__isnull=False)))}
    people = {i.certificate_number: i.person.name for i in
              Inspector.objects.filter(certificate_number__in=[n for r in record.result for n in r["inspectors"]])
              .select_related("person")}
    rows = []
    for r in record.result:
        inspection = inspections.get(r["object"])
        rows.append({"credit_code": r["object"], "name": inspection.organization.name if inspection else r["object"],
                     "inspectors": [f"{people.get(n, '')}（{n}）" for n in r["inspectors"]],
                     "result": _result(inspection) if inspection else "—"})
    return {"draw": record, "rows": rows}
