from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("tickets/<str:reference>/draft/", views.draft, name="draft"),
    path("tickets/<str:reference>/sections/", views.sections, name="sections"),
    path("tickets/<str:reference>/submit/", views.submit, name="submit"),
    path("tickets/<str:reference>/review/", views.review, name="review"),
    path("tickets/<str:reference>/tasks/", views.task_add, name="task_add"),
    path("tickets/<str:reference>/tasks/<int:task_id>/", views.task_update, name="task_update"),
    path("tickets/<str:reference>/check/", views.daily_check, name="daily_check"),
    path("tickets/<str:reference>/acceptance/", views.acceptance_record, name="acceptance_record"),
    path("tickets/<str:reference>/acceptance-link/", views.acceptance_link, name="acceptance_link"),
    path("tickets/<str:reference>/measures/", views.measure_record, name="measure_record"),
    path("accept/<str:token>/", views.accept, name="accept"),
    path("measures/", views.measure_list, name="measures"),
    path("measures/<int:measure_id>/done/", views.measure_done, name="measure_done"),
]
