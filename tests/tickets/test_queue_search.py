"""The queue's search: every word must be found in the subject, description, a message or
the customer's name; Chinese words of two characters are found; a ticket is found by its
number with or without its prefix."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import CustomerFactory, TicketFactory
from tickets import services
from tickets.search import search_condition, ticket_number
from tickets.selectors import QueueFilters, agent_queue

QUEUE = reverse("tickets:queue")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def found(agent_client, text: str) -> list[str]:
    response = agent_client.get(QUEUE, {"q": text})
    assert response.status_code == 200
    return sorted(ticket.subject for ticket in response.context["page"].object_list)


@pytest.fixture
def tickets(team, agent):
    def opened(subject: str, description: str):
        return services.ticket_create(
            actor=agent, subject=subject, description=description, channel="email", team=team
        )

    return {
        "washer": opened("洗衣机漏水", "滚筒下面一直滴水"),
        "fridge": opened("冰箱不制冷", "师傅上门检查过"),
        "refund": opened("Refund for invoice", "Paid twice"),
    }


def test_a_two_character_chinese_word_finds_its_ticket(agent_client, tickets):
    assert found(agent_client, "漏水") == ["洗衣机漏水"]
    assert found(agent_client, "制冷") == ["冰箱不制冷"]
    assert found(agent_client, "上门") == ["冰箱不制冷"]  # in the description


def test_every_word_must_be_found(agent_client, tickets):
    assert found(agent_client, "refund twice") == ["Refund for invoice"]
    assert found(agent_client, "漏水 滚筒") == ["洗衣机漏水"]
    assert found(agent_client, "漏水 制冷") == []


def test_words_in_a_reply_are_found(agent_client, tickets, agent):
    services.ticket_reply(ticket=tickets["fridge"], actor=agent, body="已安排压缩机更换")
    assert found(agent_client, "压缩机") == ["冰箱不制冷"]


def test_the_customer_name_is_searched(agent_client, team):
    TicketFactory(team=team, subject="Noise", customer=CustomerFactory(name="王芳"))
    assert found(agent_client, "王芳") == ["Noise"]


@pytest.mark.parametrize("typed", ["{reference}", "{number:06d}", "{number}", "sd{number:06d}"])
def test_a_ticket_is_found_by_its_number_with_or_without_its_prefix(agent_client, tickets, typed):
    wanted = tickets["fridge"]
    text = typed.format(reference=wanted.reference, number=wanted.pk)
    assert wanted.subject in found(agent_client, text)


def test_the_number_is_read_from_what_people_type():
    assert [ticket_number(t) for t in ("SD-000123", "000123", "123", " sd123 ")] == [123] * 4
    assert [ticket_number(t) for t in ("SD-", "0", "12a", "SD--1")] == [None] * 4


def test_like_wildcards_in_a_word_are_plain_characters(agent_client, tickets):
    assert found(agent_client, "%") == []
    assert found(agent_client, "_") == []


def test_a_chinese_word_is_narrowed_by_the_bigram_indexes(agent, tickets):
    tickets_found = agent_queue(user=agent, filters=QueueFilters(q="漏水"))
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = tickets_found.explain()
        cursor.execute("RESET enable_seqscan")
    assert "ticket_subject_search_idx" in plan
    assert "ticket_description_search_idx" in plan
    assert "message_body_search_idx" in plan


def test_blank_search_is_no_condition():
    assert search_condition("   ") == search_condition("")
