from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.new, name="new"),
    path("bulk/", views.bulk, name="bulk"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/reply/", views.reply, name="reply"),
    path("<str:reference>/note/", views.note, name="note"),
    path("<str:reference>/assign/", views.assign, name="assign"),
    path("<str:reference>/tags/", views.tags, name="tags"),
    path("<str:reference>/presence/", views.presence, name="presence"),
    path("<str:reference>/status/", views.change_status, name="status"),
    path("<str:reference>/priority/", views.change_priority, name="priority"),
    path(
        "<str:reference>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
]
