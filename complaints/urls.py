from django.urls import path

from . import monthly_views, script_views, views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.new, name="new"),
    path("approvals/", views.approvals, name="approvals"),
    path("compensations/<int:compensation_id>/decide/", views.decide, name="decide"),
    path("monthly/", monthly_views.monthly_latest, name="monthly_latest"),
    path("monthly/<str:month>/", monthly_views.monthly, name="monthly"),
    path("monthly/<str:month>/csv/", monthly_views.monthly_csv, name="monthly_csv"),
    path("monthly/<str:month>/pdf/", monthly_views.monthly_pdf, name="monthly_pdf"),
    path("scripts/", script_views.scripts, name="scripts"),
    path("scripts/new/", script_views.script_edit, name="script_new"),
    path("scripts/<int:script_id>/edit/", script_views.script_edit, name="script_edit"),
    path("<str:reference>/panel/", views.panel, name="panel"),
    path("<str:reference>/advance/", views.advance, name="advance"),
    path("<str:reference>/compensation/", views.request_compensation, name="compensation"),
    path("<str:reference>/reopen/", views.reopen, name="reopen"),
    path("<str:reference>/contacts/", views.record_contact, name="contact"),
    path("<str:reference>/terms/", views.change_terms, name="terms"),
    path("<str:reference>/reports/<int:version>/", views.report_download, name="report_download"),
]
