"""How audited values read in the ticket timeline: labels in the reader's language, times in
the site's time zone, never raw codes or UTC ISO text."""

from django.utils import timezone, translation

from servicedesk.templatetags.desk import event_value, field_label

SLA_WARNING = {
    "cycle": 1,
    "due_at": "2026-03-04T02:00:00+00:00",
    "escalation_level": 1,
    "notified": ["li.na"],
}
# What complaint_request_compensation stores; its "label" was written in the actor's language.
COMPENSATION_SNAPSHOT = {
    "label": "500 CNY · 等待审批",
    "id": 7,
    "status": "pending_approval",
    "kind": "money",
    "amount": "500",
    "currency": "CNY",
    "goods_or_service": "",
}


def test_an_sla_alert_reads_with_labels_and_the_due_time_in_the_site_time_zone():
    with timezone.override("Asia/Shanghai"), translation.override("en"):
        assert field_label("resolution") == "Resolution"
        assert event_value(SLA_WARNING, "resolution") == (
            "Cycle: 1, Due: 2026-03-04 10:00, Escalation: Assignee warned, Notified: li.na"
        )


def test_an_sla_alert_reads_in_chinese_on_a_chinese_page():
    with timezone.override("Asia/Shanghai"), translation.override("zh-hans"):
        assert field_label("complaint_first_contact") == "投诉首次联系"
        assert event_value(SLA_WARNING, "resolution") == (
            "周期: 1, 截止: 2026-03-04 10:00, 升级: 已提醒处理人, 已通知: li.na"
        )


def test_a_replanned_due_time_reads_in_the_site_time_zone():
    with timezone.override("Asia/Shanghai"):
        assert event_value("2026-03-04T02:00:00+00:00", "resolution") == "2026-03-04 10:00"


def test_text_that_is_not_a_time_is_shown_as_written():
    assert event_value("Tuesday afternoon", "preferred_contact_time") == "Tuesday afternoon"
    assert event_value("2026-03-04T02:00:00", "subject") == "2026-03-04T02:00:00"


def test_a_compensation_reads_in_the_readers_language_not_the_writers():
    with translation.override("en"):
        assert event_value(COMPENSATION_SNAPSHOT, "compensation") == (
            "500 CNY · Waiting for approval"
        )
        assert event_value("pending_approval", "compensation") == "Waiting for approval"
    with translation.override("zh-hans"):
        assert event_value(COMPENSATION_SNAPSHOT, "compensation") == "500 CNY · 等待审批"


def test_a_compensation_decision_reads_with_its_reason():
    decided = {**COMPENSATION_SNAPSHOT, "status": "approved", "reason": "Photos confirm it"}
    with translation.override("en"):
        assert event_value(decided, "compensation") == "500 CNY · Approved · Photos confirm it"
