from django.urls import path

from . import views

app_name = "sla"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("live/", views.live, name="live"),
    path("figures/<slug:name>/", views.figure, name="figure"),
    path("export/<slug:name>.csv", views.export, name="export"),
    path("reassign/<str:reference>/", views.reassign, name="reassign"),
]
