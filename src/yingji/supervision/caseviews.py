"""Public pages of the enforcement half (no login): the 行政执法公示 of penalty decisions."""

from django.http import HttpResponse
from django.shortcuts import render

from yingji.supervision import casepublic


# Not an operation: a public page (no login) that only reads what the law lets a bureau publish.
def public_notice(request):
    table = [[row[c] for c in casepublic.COLUMNS] for row in casepublic.rows()]
    return render(request, "supervision/public_notice.html", {"rows": table, "columns": casepublic.COLUMNS})


def public_notice_csv(request):
    from urllib.parse import quote

    response = HttpResponse(casepublic.csv_bytes(casepublic.rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(casepublic.export_name())}"
    return response
