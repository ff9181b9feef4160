"""Official calendar years in the admin: listed read-only, added only through the import page.

The import page takes a CSV file or the same lines pasted into a box; nothing is written
unless the whole list is valid (official_import.py). The calendars' pages warn from
SLA_CALENDAR_WARNING_FROM when a calendar in use has no official data for next year.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from servicedesk.admin import ReadOnlyTabularInline

from .models import ExceptionKind
from .official_data import calendars_missing_next_year
from .official_import import (
    IMPORT_PERMISSION,
    OfficialYearInvalid,
    official_year_import,
    parse_official_csv,
)
from .official_models import LAST_YEAR, OfficialDate, OfficialYear

MAX_FILE_BYTES = 100_000
MSG_FILE_OR_TEXT = _("Upload a CSV file or paste the dates, not both.")
MSG_FILE_TOO_BIG = _("The file is larger than %(kb)s KB.")
MSG_IMPORT_DONE = _(
    "Imported %(country)s %(year)s: %(holidays)s holidays and %(workdays)s make-up workdays. "
    "Open clocks on its calendars are being re-planned."
)


class OfficialYearImportForm(forms.Form):
    country = forms.CharField(label=_("Country"), max_length=2, help_text=_("ISO code such as CN."))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=LAST_YEAR)
    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_(
            "One date a line: date,kind,name — for example 2027-02-20,workday,Spring Festival. "
            "The kind is holiday or workday. UTF-8; a first line “date,kind,name” is skipped."
        ),
    )
    dates = forms.CharField(
        label=_("Or paste the dates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 60}),
        help_text=_("The same lines as in the file."),
    )

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), cleaned.get("dates", "").strip()
        if bool(upload) == bool(text):
            raise forms.ValidationError(MSG_FILE_OR_TEXT)
        if upload and upload.size > MAX_FILE_BYTES:
            self.add_error("file", MSG_FILE_TOO_BIG % {"kb": MAX_FILE_BYTES // 1000})
        return cleaned

    def content(self) -> bytes | str:
        upload = self.cleaned_data.get("file")
        return upload.read() if upload else self.cleaned_data["dates"]


class OfficialDateInline(ReadOnlyTabularInline):
    model = OfficialDate
    fields = ("date", "kind", "name")


def warn_about_missing_years(request) -> None:
    for missing in calendars_missing_next_year():
        messages.warning(request, missing.message)


@admin.register(OfficialYear)
class OfficialYearAdmin(admin.ModelAdmin):
    list_display = ("country", "year", "holidays", "workdays", "imported_by", "imported_at")
    list_filter = ("country",)
    inlines = [OfficialDateInline]
    change_list_template = "admin/sla/officialyear/change_list.html"

    def get_queryset(self, request):
        # The counts in the list come with the rows: no query per year.
        return (
            super()
            .get_queryset(request)
            .select_related("imported_by")
            .annotate(
                holiday_count=Count("dates", filter=Q(dates__kind=ExceptionKind.HOLIDAY)),
                workday_count=Count("dates", filter=Q(dates__kind=ExceptionKind.WORKDAY)),
            )
        )

    @admin.display(description=_("holidays"))
    def holidays(self, obj) -> int:
        return obj.holiday_count

    @admin.display(description=_("make-up workdays"))
    def workdays(self, obj) -> int:
        return obj.workday_count

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    # Rows are written by the import alone (it validates the whole list, logs it and
    # re-plans the clocks); "add" leads there.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:sla_officialyear_import")

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            warn_about_missing_years(request)
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="sla_officialyear_import"), *super().get_urls()]

    def import_view(self, request):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        form = OfficialYearImportForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            status = 422
            if form.is_valid():
                try:
                    return self._import(request, form)
                except OfficialYearInvalid as error:
                    for field, problems in error.fields.items():
                        for problem in problems:
                            form.add_error(field if field in form.fields else None, problem)
                    if not error.fields:
                        form.add_error(None, error.message)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import an official calendar year"),
            "form": form,
        }
        return TemplateResponse(
            request, "admin/sla/officialyear/import.html", context, status=status
        )

    def _import(self, request, form):
        year = form.cleaned_data["year"]
        entries = parse_official_csv(form.content(), year)
        official = official_year_import(
            country=form.cleaned_data["country"], year=year, entries=entries, actor=request.user
        )
        holidays = sum(1 for entry in entries if entry.kind == ExceptionKind.HOLIDAY)
        messages.success(
            request,
            MSG_IMPORT_DONE
            % {
                "country": official.country,
                "year": official.year,
                "holidays": holidays,
                "workdays": len(entries) - holidays,
            },
        )
        return redirect(reverse("admin:sla_officialyear_change", args=[official.pk]))
