from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("survey/<str:token>/", views.survey, name="survey"),
    path("scorecard/", views.my_scorecard, name="my_scorecard"),
    path("scorecards/", views.scorecards, name="scorecards"),
    path("scorecards/compute/", views.scorecards_action, {"action": "compute"}, name="compute"),
    path("scorecards/publish/", views.scorecards_action, {"action": "publish"}, name="publish"),
    path("inspections/<int:inspection_id>/", views.inspection_form, name="inspection"),
    path("metrics/", views.metrics, name="metrics"),
]
