"""The care contacts on the customer profile (a section the care app registers) and the
opt-out recorded from there."""

from datetime import date

from django.urls import reverse

from care.models import CareContact, CareDelivery, CareKind, CareStatus, SkipReason
from customers.models import CustomerAction
from tests.nothing_written import nothing_written


def contact(customer, kind, status, reason="", day=date(2027, 10, 1)):
    return CareContact.objects.create(
        customer=customer,
        kind=kind,
        occasion=f"{kind}:{day}",
        delivery=CareDelivery.MESSAGE,
        status=status,
        skip_reason=reason,
        planned_on=day,
        due_on=day,
    )


def test_the_profile_lists_the_care_contacts_with_skip_reasons(client, agent, customer):
    contact(customer, CareKind.BIRTHDAY, CareStatus.SENT)
    contact(customer, CareKind.HOLIDAY, CareStatus.SKIPPED, SkipReason.CAPPED)
    client.force_login(agent)
    page = client.get(
        reverse("customers:profile", args=[customer.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    body = page.content.decode()
    assert "关怀联系" in body
    assert "生日祝福" in body and "已发送" in body
    assert "节日问候" in body and "已达联系频次上限" in body
    assert "记录退订" in body


def test_an_opt_out_needs_how_the_customer_asked_and_writes_nothing_without_it(
    client, agent, customer
):
    client.force_login(agent)
    url = reverse("care:opt_out", args=[customer.pk])
    with nothing_written():
        response = client.post(url, {"reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = client.post(url, {"reason": "On the phone"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.care_opted_out_by == agent and customer.care_opted_out_at is not None
    # The same page lifts it again, also in the customer's history.
    client.post(url, {"reason": "Asked by e-mail"})
    customer.refresh_from_db()
    assert customer.care_opted_out_at is None
    assert list(customer.events.values_list("action", flat=True)) == [
        CustomerAction.CARE_OPTED_OUT,
        CustomerAction.CARE_OPTED_IN,
    ]
