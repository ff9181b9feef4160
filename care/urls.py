from django.urls import path

from . import views

app_name = "care"

urlpatterns = [
    path("tasks/", views.care_tasks, name="tasks"),
    path("tasks/<int:contact_id>/done/", views.care_task_done, name="task_done"),
    path("tasks/<int:contact_id>/skip/", views.care_task_skipped, name="task_skip"),
    path("customers/<int:pk>/opt-out/", views.care_opt_out, name="opt_out"),
]
