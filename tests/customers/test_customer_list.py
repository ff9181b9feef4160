"""The customer list /customers/: search by name, exact e-mail or phone, paging, queries."""

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory

LIST = reverse("customers:list")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def names(response) -> list[str]:
    return [customer.name for customer, _contact in response.context["rows"]]


def test_name_search_matches_any_part_of_a_chinese_name(agent_client):
    CustomerFactory(name="张伟")
    CustomerFactory(name="王伟明")
    CustomerFactory(name="李娜")
    assert names(agent_client.get(LIST, {"q": "伟"})) == ["张伟", "王伟明"]


def test_name_search_ignores_case(agent_client):
    CustomerFactory(name="Acme Trading Ltd")
    assert names(agent_client.get(LIST, {"q": "acme"})) == ["Acme Trading Ltd"]


def test_email_search_matches_the_whole_address_only(agent_client, customer):
    assert names(agent_client.get(LIST, {"q": "ZHANG.WEI@example.com"})) == ["Zhang Wei"]
    # A fragment of an address finds nobody: no fishing for customers by contact details.
    assert names(agent_client.get(LIST, {"q": "@example.com"})) == []


def test_phone_search_matches_the_whole_number_with_or_without_separators(agent_client, customer):
    assert names(agent_client.get(LIST, {"q": "13812345678"})) == ["Zhang Wei"]
    assert names(agent_client.get(LIST, {"q": "138-1234-5678"})) == ["Zhang Wei"]
    assert names(agent_client.get(LIST, {"q": "12345"})) == []


def test_list_masks_contact_details_for_agents(agent_client, customer):
    page = agent_client.get(LIST).content.decode()
    assert "z***@example.com" in page and "zhang.wei@example.com" not in page


def test_each_name_links_to_the_profile(agent_client, customer):
    page = agent_client.get(LIST).content.decode()
    assert f'href="/customers/{customer.pk}/"' in page


def test_list_pages_by_25(agent_client):
    CustomerFactory.create_batch(30)
    first = agent_client.get(LIST)
    second = agent_client.get(LIST, {"page": 2})
    assert len(names(first)) == 25 and len(names(second)) == 5
    assert not set(names(first)) & set(names(second))


def test_list_is_in_the_agents_navigation(agent_client):
    page = agent_client.get(reverse("tickets:queue")).content.decode()
    assert f'href="{LIST}"' in page


def test_list_needs_the_customer_view_permission(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get(LIST).status_code == 403


# session, user, permissions (2), count, the page of customers.
LIST_QUERIES = 6


@pytest.mark.parametrize("customer_count", [1, 30])
def test_list_query_count_does_not_grow_with_the_customers(
    agent_client, customer_count, django_assert_num_queries
):
    CustomerFactory.create_batch(customer_count)
    with django_assert_num_queries(LIST_QUERIES):
        response = agent_client.get(LIST)
    assert len(names(response)) == min(customer_count, 25)
