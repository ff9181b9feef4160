"""The main pages in Chinese leave no English behind.

How: the pages are rendered in zh-Hans over data written in Chinese (names, subjects,
teams), so any Latin word a person can read — a text node, or a title, placeholder,
aria-label or alt attribute — is an untranslated string, except the few names that are
the same in both languages (SLA, CSV, API, the reference prefix …) and what is marked as
another language (the language switch's "English", lang="en"). Script and style contents
are not read. Each page is also rendered in English, which must differ: a page that never
switches language would pass the first check with no translation at all.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from complaints import services as complaints
from complaints.models import ComplaintCategory, Severity
from staff.models import Role
from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tickets import services as tickets
from tickets.models import Channel
from tickets.sla.views import FIGURES

from .test_i18n import compiled_catalogues  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

# Written the same in both languages.
SAME_IN_BOTH = {
    "SD",
    "SLA",
    "CSV",
    "API",
    "PDF",
    "HTML",
    "CNY",
    "USD",
    "EUR",
    "HKD",
    "CN",
    "ISO",
    "UTC",
    "ID",
    "KPI",
    "NPS",
    "CSAT",
}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class VisibleText(HTMLParser):
    """Text a person reads: text nodes outside script/style and other languages' elements,
    and the attributes that are read aloud or shown as tips."""

    SKIPPED = {"script", "style", "template"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.stack: list[bool] = []  # per open element: is its content skipped?

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        skipped = bool(self.stack and self.stack[-1])
        skipped = skipped or tag in self.SKIPPED or values.get("lang", "zh").startswith("en")
        skipped = skipped or values.get("translate") == "no"
        if not skipped:
            self.texts.extend(values[name] for name in ATTRIBUTES if values.get(name))
        if tag not in self.VOID:
            self.stack.append(skipped)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]) and data.strip():
            self.texts.append(data.strip())


def readable_texts(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.texts


# A name quoted inside a sentence (“CN working calendar”) is data an administrator chose.
QUOTED = re.compile(r"“[^”]*”")


def english_left(html: str, data: frozenset[str] = frozenset()) -> list[str]:
    """Texts with a Latin word that is neither the same in both languages nor data
    (`data`: login names, e-mail addresses — shown as they were entered)."""
    return [
        text
        for text in readable_texts(html)
        if text not in data
        and any(word not in SAME_IN_BOTH for word in LATIN_WORD.findall(QUOTED.sub("", text)))
    ]


@pytest.fixture
def chinese_desk(db):
    team = TeamFactory(name="售后服务组", channels=["complaint_hotline", "phone", "email"])
    agent = UserFactory(
        username="wangfang", first_name="芳", last_name="王", role=Role.AGENT, teams=[team]
    )
    manager = UserFactory(
        username="zhoumin", first_name="敏", last_name="周", role=Role.MANAGER, teams=[team]
    )
    customer = CustomerFactory(name="张伟", email="zhang@example.com")
    ticket = tickets.ticket_create(
        actor=agent,
        subject="打印机卡纸",
        description="第三页卡住",
        channel=Channel.EMAIL,
        team=team,
        customer=customer,
    )
    tickets.ticket_reply(ticket=ticket, actor=agent, body="正在处理")
    complaint = complaints.complaint_open(
        actor=agent,
        subject="洗衣机维修后仍漏水",
        severity=Severity.IMPORTANT,
        category=ComplaintCategory.objects.filter(active=True).first(),
        customer=customer,
        team=team,
    )
    data = frozenset({agent.username, manager.username, customer.email})
    return {
        "manager": manager,
        "ticket": ticket,
        "complaint": complaint,
        "customer": customer,
        "data": data,
    }


def main_pages(desk) -> dict[str, str]:
    return {
        "queue": reverse("tickets:queue"),
        "ticket": reverse("tickets:detail", args=[desk["ticket"].reference]),
        "complaint": reverse("tickets:detail", args=[desk["complaint"].ticket.reference]),
        "new ticket": reverse("tickets:new"),
        "complaints": reverse("complaints:list"),
        "new complaint": reverse("complaints:new"),
        "approvals": reverse("complaints:approvals"),
        "reply scripts": reverse("complaints:scripts"),
        "SLA dashboard": reverse("sla:dashboard"),
        # Its period figures, each read by a request of its own (here as its page).
        **{f"SLA {name}": reverse("sla:figure", args=[name]) for name in FIGURES},
        "customers": reverse("customers:list"),
        "customer profile": reverse("customers:profile", args=[desk["customer"].pk]),
        "care tasks": reverse("care:tasks"),
        "care opt-out": reverse("care:opt_out", args=[desk["customer"].pk]),
        "my scorecard": reverse("quality:my_scorecard"),
        "team scorecards": reverse("quality:scorecards"),
        "service metrics": reverse("quality:metrics"),
        "workload": reverse("quality:workload"),
        "investigations": reverse("quality:investigations"),
        "suggestions": reverse("quality:suggestions"),
        "staff": reverse("staff:list"),
        "staff profile": reverse("staff:profile", args=[desk["manager"].pk]),
    }


def test_the_main_pages_in_chinese_leave_no_english_string(
    client,
    chinese_desk,
    compiled_catalogues,  # noqa: F811
):
    client.force_login(chinese_desk["manager"])
    untranslated = {}
    for name, url in main_pages(chinese_desk).items():
        chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
        assert chinese.status_code == 200, name
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en", follow=True)
        assert readable_texts(english.content.decode()) != readable_texts(
            chinese.content.decode()
        ), name
        left = english_left(chinese.content.decode(), chinese_desk["data"])
        if left:
            untranslated[name] = sorted(set(left))
    assert untranslated == {}, "\n".join(f"{k}: {v}" for k, v in untranslated.items())


def test_the_check_finds_an_english_string_on_a_chinese_page():
    page = (
        '<p>工单</p><p title="Open it">打开</p><button lang="en">English</button>'
        '<script>var a="x y"</script>'
    )
    assert english_left(page) == ["Open it"]
    assert english_left("<p>SLA 仪表板 · CSV</p>") == []
