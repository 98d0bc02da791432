from django.shortcuts import redirect


def run_page(request):
    """The alert list's button for the collection operation 运行核查."""
    return redirect("operation", "compliance-alerts", "run-checks")
