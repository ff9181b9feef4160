"""The complaint page says what its clocks measure and which of them pause, in English
and in Simplified Chinese (requirements §7, "How the rows fit together")."""

import re

import pytest
from django.urls import reverse

from tests.test_i18n import compiled_catalogues  # noqa: F401  (a fixture)


def definitions(html: str) -> dict[str, str]:
    """metric → the text of its definition (tags removed, spaces collapsed)."""
    found = re.findall(r'<dd data-metric="([a-z_]+)">(.*?)</dd>', html, flags=re.S)
    return {metric: " ".join(re.sub(r"<[^>]+>", " ", text).split()) for metric, text in found}


@pytest.fixture
def panel_html(client, agent, complaint):
    client.force_login(agent)

    def read(language: str) -> str:
        url = reverse("complaints:panel", args=[complaint.ticket.reference])
        return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    return read


@pytest.mark.usefixtures("compiled_catalogues")
def test_the_panel_defines_first_contact_response_and_resolution_and_which_pause(panel_html):
    html = panel_html("en")
    assert "What the clocks measure" in html
    shown = definitions(html)
    assert list(shown) == ["complaint_first_contact", "complaint_response", "resolution"]
    assert shown["complaint_first_contact"].startswith("Met only by contact that happened")
    assert "does not wait for the investigation" in shown["complaint_response"]
    assert "closed with its written handling report" in shown["resolution"]
    never_pauses = "Never pauses: it keeps running while the ticket waits on the customer."
    assert never_pauses in shown["complaint_first_contact"]
    assert never_pauses in shown["complaint_response"]
    assert "Stands still while the ticket waits on the customer." in shown["resolution"]


@pytest.mark.usefixtures("compiled_catalogues")
def test_the_definitions_read_in_chinese(panel_html):
    shown = definitions(panel_html("zh-CN,zh;q=0.9"))
    html = panel_html("zh-CN,zh;q=0.9")
    assert "计时说明" in html
    assert shown["complaint_first_contact"].startswith("只有实际发生的联系才算达成")
    assert "不等待调查结果" in shown["complaint_response"]
    assert "等待客户期间暂停计时。" in shown["resolution"]
    assert "从不暂停" in shown["complaint_response"]
