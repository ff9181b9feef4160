"""Choosing or registering the customer on the new-ticket and new-complaint forms: search
first (htmx, or the "Find" button without script), then a new customer; no drop-down of
every customer; bad input is a form error and writes nothing."""

import re

import pytest
from django.urls import reverse

from complaints.models import Complaint, ComplaintCategory
from customers.models import Customer
from tests.factories import CustomerFactory
from tests.nothing_written import nothing_written

NEW_COMPLAINT = reverse("complaints:new")
NEW_TICKET = reverse("tickets:new") + "?template=none"
PICK = reverse("customers:pick")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def complaint_form(**values) -> dict:
    category = ComplaintCategory.objects.filter(active=True).first()
    return {
        "subject": "洗衣机维修后仍漏水",
        "severity": "routine",
        "complexity": "general",
        "category": category.pk,
        "source": "complaint_hotline",
        **values,
    }


def test_the_search_endpoint_finds_by_name_email_or_phone_and_masks(agent_client, customer):
    for text in ("Zhang", "zhang.wei@example.com", "13812345678"):
        page = agent_client.get(PICK, {"customer_q": text}).content.decode()
        assert f'value="{customer.pk}"' in page, text
        assert "zhang.wei@example.com" not in page  # masked for an agent
    page = agent_client.get(PICK, {"customer_q": "Nobody"}).content.decode()
    assert "No customer matches" in page


def test_the_search_offers_at_most_ten(agent_client):
    CustomerFactory.create_batch(12, name="王芳")
    page = agent_client.get(PICK, {"customer_q": "王"}).content.decode()
    assert page.count('name="customer"') == 10


@pytest.mark.parametrize("url", [NEW_COMPLAINT, NEW_TICKET])
def test_no_form_lists_every_customer(agent_client, url):
    CustomerFactory.create_batch(3)
    page = agent_client.get(url).content.decode()
    assert '<select name="customer"' not in page
    assert 'name="customer"' not in page  # nothing to choose before a search
    assert f'hx-get="{PICK}"' in page


@pytest.mark.parametrize("url", [NEW_COMPLAINT, NEW_TICKET])
def test_find_without_script_shows_the_matches_and_saves_nothing(agent_client, customer, url):
    with nothing_written():
        response = agent_client.post(
            url, {"subject": "Kept", "customer_q": "Zhang", "find_customer": "1"}
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert f'value="{customer.pk}"' in page
    assert 'value="Kept"' in page  # what was typed is kept


def test_a_complaint_registers_a_new_customer(agent_client):
    response = agent_client.post(
        NEW_COMPLAINT,
        complaint_form(new_customer_name="陈杰", new_customer_phone="13900001111"),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.select_related("ticket__customer").get()
    assert complaint.ticket.customer.name == "陈杰"
    assert complaint.ticket.customer.phone == "13900001111"


def test_a_complaint_takes_a_customer_found_by_search(agent_client, customer):
    response = agent_client.post(NEW_COMPLAINT, complaint_form(customer=customer.pk))
    assert response.status_code == 302
    assert Complaint.objects.get().ticket.customer == customer


def test_a_complaint_with_a_chosen_and_a_new_customer_is_refused_and_writes_nothing(
    agent_client, customer
):
    with nothing_written():
        response = agent_client.post(
            NEW_COMPLAINT, complaint_form(customer=customer.pk, new_customer_name="陈杰")
        )
    assert response.status_code == 422
    assert response.context["form"].errors["customer"] == [
        "Choose an existing customer or enter a new one, not both."
    ]


def test_a_refused_complaint_registers_no_customer(agent_client):
    with nothing_written():
        response = agent_client.post(
            NEW_COMPLAINT, complaint_form(subject="", new_customer_name="陈杰")
        )
    assert response.status_code == 422
    assert not Customer.objects.filter(name="陈杰").exists()


def test_a_new_customer_with_a_bad_email_is_a_form_error(agent_client):
    with nothing_written():
        response = agent_client.post(
            NEW_COMPLAINT, complaint_form(new_customer_name="陈杰", new_customer_email="nope")
        )
    assert response.status_code == 422
    assert "new_customer_email" in response.context["form"].errors


@pytest.mark.parametrize("url", [NEW_COMPLAINT, NEW_TICKET])
def test_enter_submits_the_form_not_the_pickers_find(agent_client, url):
    # A browser submits a form on Enter with its first submit button: that must be the
    # form's own (opening the ticket or complaint), not the picker's Find.
    page = agent_client.get(url).content.decode()
    form = page[page.index('<form method="post"') :]
    first_submit = re.search(r'<button type="submit"[^>]*>', form).group(0)
    assert 'name="find_customer"' not in first_submit
    assert 'name="find_customer"' in form
