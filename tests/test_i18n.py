"""The pages speak Simplified Chinese and English, and the Chinese catalogue is complete."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from tests.factories import TicketFactory
from tests.project_packages import project_packages
from tickets.models import Status

PO_FILE = Path(django_settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")
QUEUE = reverse("tickets:queue")


@pytest.fixture
def compiled_catalogues(settings):
    """Compile the .po files (as `make` does) and make Django load them afresh."""
    call_command("compilemessages_portable", verbosity=0)
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)  # resets Django's translation caches


@pytest.fixture
def agent_client(client, agent, compiled_catalogues):
    client.force_login(agent)
    return client


def catalogue():
    with PO_FILE.open("rb") as po_file:
        return read_po(po_file, locale="zh_Hans")


def test_the_queue_speaks_chinese_when_the_browser_asks_for_it(agent_client, team):
    TicketFactory(team=team, status=Status.PENDING_CUSTOMER)
    page = agent_client.get(QUEUE, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "<h1>工单队列</h1>" in page
    assert "等待客户" in page  # a model choice label


def test_chinese_is_the_default_language(agent_client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    assert "<h1>工单队列</h1>" in agent_client.get(QUEUE).content.decode()


def test_the_language_switch_changes_the_page_language(agent_client):
    for language, heading in (("en", "<h1>Ticket queue</h1>"), ("zh-hans", "<h1>工单队列</h1>")):
        response = agent_client.post(reverse("set_language"), {"language": language, "next": QUEUE})
        assert response.status_code == 302
        assert response.url == QUEUE
        assert heading in agent_client.get(QUEUE).content.decode()


def test_a_domain_error_reaches_the_agent_in_chinese(agent_client, agent, team):
    from tickets import services

    ticket = services.ticket_create(actor=agent, subject="x", channel="email", team=team)
    response = agent_client.post(
        reverse("tickets:status", args=[ticket.reference]),
        {"version": ticket.version, "status": "closed"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 422
    assert "工单不能从“新建”变更为“已关闭”。" in response.content.decode()


def test_every_message_has_a_chinese_translation():
    untranslated = [
        message.id
        for message in catalogue()
        if message.id
        and (
            message.fuzzy
            or not (message.string if isinstance(message.string, str) else all(message.string))
        )
    ]
    assert untranslated == []


def test_translations_keep_every_placeholder_of_the_original():
    broken = []
    for message in catalogue():
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[-1]
        translations = [message.string] if isinstance(message.string, str) else message.string
        for text in translations:
            if sorted(set(PLACEHOLDER.findall(source))) != sorted(set(PLACEHOLDER.findall(text))):
                broken.append((message.id, text))
    assert broken == []


def test_python_format_messages_are_valid_format_strings():
    """GNU msgfmt -c (Django's compilemessages) refuses a python-format entry whose text is
    not a valid %-format, e.g. a bare "% elapsed"; keep the catalogue compilable by both."""
    invalid = []
    for message in catalogue():
        if not message.id or "python-format" not in message.flags:
            continue
        source = message.id if isinstance(message.id, str) else message.id[-1]
        stripped = PLACEHOLDER.sub("", source).replace("%%", "")
        if "%" in stripped:
            invalid.append(source)
    assert invalid == []


def test_every_string_marked_in_python_is_in_the_catalogue():
    """A new _("…") without `makemessages -l zh_Hans` and a translation would reach people in
    English only; the checks above see only what the catalogue already holds."""
    from babel.messages.extract import extract_from_dir

    keywords = {
        "_": None,
        "gettext": None,
        "gettext_lazy": None,
        "ngettext": (1, 2),
        "ngettext_lazy": (1, 2),
        "pgettext": ((1, "c"), 2),
        "pgettext_lazy": ((1, "c"), 2),
    }
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue() if m.id}
    missing = []
    base_dir = Path(django_settings.BASE_DIR)
    for app in project_packages():
        for filename, line, message, _comments, _context in extract_from_dir(
            base_dir / app,
            method_map=[("**/migrations/**", "ignore"), ("**.py", "python")],
            keywords=keywords,
        ):
            text = message if isinstance(message, str) else message[0]
            if text not in known:
                missing.append(f"{app}/{filename}:{line} {text!r}")
    assert missing == []
