from django.urls import path

from yingji.core.framework.views import DocumentView
from yingji.donations import views

urlpatterns = [
    path("registry/donation-lots/<int:pk>/documents/label.html", DocumentView.as_view(),
         {"registry": "donation-lots", "name": "label", "extension": "html"}, name="donation_lot_label"),
    path("registry/donation-disclosures/<int:pk>/documents/xlsx.xlsx", DocumentView.as_view(),
         {"registry": "donation-disclosures", "name": "xlsx", "extension": "xlsx"}, name="donation_disclosure_xlsx"),
    path("registry/donation-campaigns/<int:pk>/documents/charity.xlsx", DocumentView.as_view(),
         {"registry": "donation-campaigns", "name": "charity", "extension": "xlsx"}, name="donation_campaign_charity"),
    path("public/donations/", views.campaigns_page, name="donation_campaigns_public"),
    path("public/donations/<int:pk>/", views.needs_page, name="donation_needs_public"),
    path("public/donations/pledge/", views.pledge_status, name="donation_pledge_status"),
    path("public/donations/trace/", views.trace_page, name="donation_trace"),
    path("public/donations/lots/<int:pk>/", views.lot_trace, name="donation_lot_trace"),
    path("public/donations/disclosures/<int:pk>/", views.disclosure_page, name="donation_disclosure_public"),
    path("public/donations/disclosures/<int:pk>.xlsx", views.disclosure_xlsx_public,
         name="donation_disclosure_public_xlsx"),
]
