from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("<int:user_id>/", views.staff_profile, name="profile"),
    path("<int:user_id>/training/", views.training_add, name="training_add"),
]
