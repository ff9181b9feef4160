"""From 1 November administrators and managers are warned about country calendars with no
official data for next year, until the year is imported; administrators import it on an
admin page (a CSV file or pasted lines), and nobody else can."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from staff.models import Role
from tests.factories import UserFactory
from tickets.sla.models import Calendar
from tickets.sla.official_data import calendars_missing_next_year, package_has_year
from tickets.sla.official_models import OfficialDate, OfficialYear

from .conftest import shanghai
from .test_official_years import NOTICE_2027, import_2027

WARNING = "has no official holidays or make-up workdays for 2027 (country CN)"
IMPORT_URL = "admin:sla_officialyear_import"


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", role=Role.ADMINISTRATOR, is_staff=True)


def test_the_package_rule_china_needs_make_up_days_other_countries_holidays():
    assert package_has_year("CN", 2026)
    assert not package_has_year("CN", 2027)  # rule-based holidays, no make-up days yet
    assert package_has_year("DE", 2027)


def test_the_warning_starts_on_1_november_and_ends_with_the_import(
    administrator, clock_at, django_assert_num_queries
):
    clock_at(shanghai(2026, 10, 31, 23, 59))
    with django_assert_num_queries(0):
        assert calendars_missing_next_year() == []
    clock_at(shanghai(2026, 11, 1, 0, 0))
    with django_assert_num_queries(1):
        [missing] = calendars_missing_next_year()
    assert (missing.calendar.name, missing.country, missing.year) == (
        "CN working calendar",
        "CN",
        2027,
    )
    import_2027(administrator)
    assert calendars_missing_next_year() == []


def test_the_warning_date_is_configurable(settings, clock_at, db):
    settings.SLA_CALENDAR_WARNING_FROM = "12-15"
    clock_at(shanghai(2026, 12, 14, 12, 0))
    assert calendars_missing_next_year() == []
    clock_at(shanghai(2026, 12, 15, 0, 0))
    assert len(calendars_missing_next_year()) == 1


def test_calendars_not_in_use_or_without_country_are_not_warned_about(clock_at, db):
    clock_at(shanghai(2026, 11, 2, 10, 0))
    Calendar.objects.create(name="Unused CN", country="CN")
    Calendar.objects.filter(name="CN working calendar").update(country="")
    assert calendars_missing_next_year() == []


@pytest.mark.parametrize("page", ["tickets:queue", "sla:dashboard"])
def test_managers_and_administrators_see_the_banner_where_they_land(
    client, page, manager, administrator, agent, clock_at
):
    clock_at(shanghai(2026, 10, 31, 10, 0))
    client.force_login(manager)
    assert WARNING not in client.get(reverse(page)).content.decode()
    clock_at(shanghai(2026, 11, 1, 10, 0))
    for user in (manager, administrator):
        client.force_login(user)
        assert WARNING in client.get(reverse(page)).content.decode()
    client.force_login(agent)
    assert WARNING not in client.get(reverse("tickets:queue")).content.decode()
    import_2027(administrator)
    client.force_login(manager)
    assert WARNING not in client.get(reverse(page)).content.decode()


def test_the_admin_warns_on_the_calendar_pages_until_the_year_is_imported(
    client, administrator, clock_at
):
    clock_at(shanghai(2026, 11, 20, 10, 0))
    client.force_login(administrator)
    calendar = Calendar.objects.get(name="CN working calendar")
    pages = [
        reverse("admin:sla_calendar_changelist"),
        reverse("admin:sla_calendar_change", args=[calendar.pk]),
        reverse("admin:sla_officialyear_changelist"),
    ]
    for url in pages:
        assert WARNING in client.get(url).content.decode(), url
    response = client.post(
        reverse(IMPORT_URL),
        {"country": "CN", "year": "2027", "file": SimpleUploadedFile("cn.csv", NOTICE_2027)},
    )
    assert response.status_code == 302
    official = OfficialYear.objects.get(country="CN", year=2027)
    assert response["Location"] == reverse("admin:sla_officialyear_change", args=[official.pk])
    assert official.imported_by == administrator
    assert official.dates.get(date=date(2027, 2, 20)).kind == "workday"
    for url in pages:
        assert WARNING not in client.get(url).content.decode(), url


def test_pasted_lines_import_like_a_file(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse(IMPORT_URL),
        {"country": "cn", "year": "2027", "dates": "2027-02-20,班,春节\n2027-02-11,休,春节\n"},
    )
    assert response.status_code == 302
    assert sorted(OfficialDate.objects.values_list("date", "kind", "name")) == [
        (date(2027, 2, 11), "holiday", "春节"),
        (date(2027, 2, 20), "workday", "春节"),
    ]


def test_a_bad_file_shows_each_row_problem_and_writes_nothing(client, administrator):
    client.force_login(administrator)
    content = b"date,kind\n2027-02-20,workday\n2028-01-01,holiday\n2027-02-20,holiday\n"
    response = client.post(
        reverse(IMPORT_URL),
        {"country": "CN", "year": "2027", "file": SimpleUploadedFile("cn.csv", content)},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Row 3: 2028-01-01 is not in 2027." in html
    assert "Row 4: 2027-02-20 is listed as a holiday and as a workday (row 2)" in html
    assert not OfficialYear.objects.exists() and not OfficialDate.objects.exists()


def test_the_form_wants_a_file_or_lines_and_a_known_country(client, administrator):
    client.force_login(administrator)
    neither = client.post(reverse(IMPORT_URL), {"country": "CN", "year": "2027"})
    assert neither.status_code == 422
    assert "Upload a CSV file or paste the dates, not both." in neither.content.decode()
    unknown = client.post(
        reverse(IMPORT_URL), {"country": "XX", "year": "2027", "dates": "2027-01-01,holiday"}
    )
    assert unknown.status_code == 422
    assert "No holiday data for “XX”." in unknown.content.decode()
    assert not OfficialYear.objects.exists()


def test_only_administrators_reach_the_import_page(client, manager):
    staff_manager = UserFactory(role=Role.MANAGER, is_staff=True)
    data = {"country": "CN", "year": "2027", "dates": "2027-02-20,workday"}
    client.force_login(manager)  # not staff: the admin sends them to its login
    assert client.post(reverse(IMPORT_URL), data).status_code == 302
    client.force_login(staff_manager)
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert client.post(reverse(IMPORT_URL), data).status_code == 403
    assert not OfficialYear.objects.exists() and not OfficialDate.objects.exists()


def test_imported_years_are_read_only_in_the_admin(client, administrator):
    official = import_2027(administrator)
    client.force_login(administrator)
    listing = client.get(reverse("admin:sla_officialyear_changelist"))
    assert listing.status_code == 200
    assert [
        (row.holiday_count, row.workday_count) for row in listing.context["cl"].result_list
    ] == [(4, 1)]
    assert client.get(reverse("admin:sla_officialyear_add")).status_code == 302
    page = client.get(reverse("admin:sla_officialyear_change", args=[official.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert (
        client.get(reverse("admin:sla_officialyear_delete", args=[official.pk])).status_code == 403
    )
