"""A whole app in its own folder: the proof that adding an app edits no central file (issue 14.3).

消防栓 (fire hydrants): one model and its registry, one menu entry in a new business area, one page,
a grant to the duty officers, a periodic job and a home-page panel — all declared in apps.py.
It lives under tests/, so only tests/example_app/settings.py (which discovers apps under ``tests``
as well as ``yingji``) installs it; tests/test_app_contracts.py runs checks.py with those settings."""
