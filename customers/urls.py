from django.urls import path

from . import export_views, ltv_views, reveal_views, views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("import/", views.customer_import, name="import"),
    path("pick/", views.pick, name="pick"),
    path("<int:pk>/", views.profile, name="profile"),
    path("ltv-review/", ltv_views.ltv_review, name="ltv_review"),
    path("export.csv", export_views.export_csv, name="export_csv"),
    path(
        "<int:pk>/reveal/<slug:field>/",
        reveal_views.reveal,
        name="reveal",
    ),
]
