"""The public list of serious-dishonesty subjects (no login) and its CSV export. Not operations: public
pages that only read what may be published (public.py)."""

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render

from yingji.credit import public, rules


def public_list(request):
    table = [[row[c] for c in public.COLUMNS] for row in public.rows()]
    return render(request, "credit/public.html", {"rows": table, "columns": public.COLUMNS, "source": rules.source()})


def public_csv(request):
    response = HttpResponse(public.csv_bytes(public.rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(public.export_name())}"
    return response

