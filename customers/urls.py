from django.urls import path

from . import ltv_views, views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("import/", views.customer_import, name="import"),
    path("<int:pk>/", views.profile, name="profile"),
    path("ltv-review/", ltv_views.ltv_review, name="ltv_review"),
]
