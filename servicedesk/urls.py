"""Top-level URLs: pages, admin, API."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from .health import livez, readyz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tickets:queue", permanent=False)),
    path("livez", livez, name="livez"),
    path("readyz", readyz, name="readyz"),
    # The older name of readiness, kept for health checks that call it.
    path("healthz", readyz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("tickets/", include("tickets.urls")),
    path("sla/", include("tickets.sla.urls")),
    path("complaints/", include("complaints.urls")),
    path("customers/", include("customers.urls")),
    path("staff/", include("staff.urls")),
    path("plans/", include("plans.urls")),
    path("quality/", include("quality.urls")),
    path("care/", include("care.urls")),
    path("api/v1/", include("servicedesk.api_urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
