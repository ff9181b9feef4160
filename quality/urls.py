from django.urls import path

from . import views, work_views

app_name = "quality"

urlpatterns = [
    path("survey/<str:token>/", views.survey, name="survey"),
    path("scorecard/", views.my_scorecard, name="my_scorecard"),
    path("scorecards/", views.scorecards, name="scorecards"),
    path("scorecards/compute/", views.scorecards_action, {"action": "compute"}, name="compute"),
    path("scorecards/publish/", views.scorecards_action, {"action": "publish"}, name="publish"),
    path("inspections/<int:inspection_id>/", views.inspection_form, name="inspection"),
    path("metrics/", views.metrics, name="metrics"),
    path("workload/", views.workload_page, name="workload"),
    path("investigations/", work_views.investigations, name="investigations"),
    path(
        "investigations/<int:investigation_id>/",
        work_views.investigation_detail,
        name="investigation",
    ),
    path(
        "coaching/<int:agent_id>/<int:year>/<int:month>/",
        work_views.coaching_plan,
        name="coaching_plan",
    ),
    path("suggestions/", work_views.suggestions, name="suggestions"),
    path("suggestions/<int:suggestion_id>/", work_views.suggestion_detail, name="suggestion"),
]
