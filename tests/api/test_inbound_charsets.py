"""Chinese mail text survives: mislabelled GBK, unlabelled 8-bit text, raw 8-bit subjects,
and a multipart body whose boundary is missing is kept rather than dropped."""

import base64

import pytest

from tickets.inbound import inbound_mail_ingest

pytestmark = pytest.mark.django_db

# 镕 and 喆 are in GBK but not in GB 2312: a strict gb2312 decoder refuses them.
TEXT = "朱镕基先生，我在陶喆演唱会买的票还没收到。"
GBK = TEXT.encode("gbk")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def raw_mail(body: bytes, *, headers: bytes = b"", subject: bytes = b"Order 1234") -> bytes:
    return (
        b"From: Li Na <li.na@example.com>\r\nTo: support@shop.example\r\n"
        b"Message-ID: <c@example.com>\r\nSubject: " + subject + b"\r\n" + headers + b"\r\n" + body
    )


def ingested(raw: bytes):
    result = inbound_mail_ingest(raw, source="test")
    return result.ticket, result.message.body


@pytest.mark.parametrize("label", [b"gb2312", b"GBK", b"x-gbk", b"cp936"])
def test_gbk_bytes_labelled_gb2312_or_gbk_are_read_as_gb18030(label):
    headers = b"Content-Type: text/plain; charset=" + label + b"\r\n"
    headers += b"Content-Transfer-Encoding: 8bit\r\n"
    ticket, body = ingested(raw_mail(GBK, headers=headers))
    assert body == TEXT and ticket.description == TEXT


def test_base64_gbk_labelled_gb2312_is_read_as_gb18030():
    headers = b'Content-Type: text/plain; charset="gb2312"\r\nContent-Transfer-Encoding: base64\r\n'
    _ticket, body = ingested(raw_mail(base64.encodebytes(GBK), headers=headers))
    assert body == TEXT


@pytest.mark.parametrize("encoded", [TEXT.encode("utf-8"), GBK], ids=["utf-8", "gbk"])
def test_8bit_text_without_a_charset_is_tried_as_utf8_then_gb18030(encoded):
    _ticket, body = ingested(raw_mail(encoded, headers=b"Content-Transfer-Encoding: 8bit\r\n"))
    assert body == TEXT


def test_undecodable_bytes_are_kept_as_latin1_behind_a_marker_not_replaced():
    garbage = b"Total: \x81\x30\xff\xfe EUR"
    _ticket, body = ingested(raw_mail(garbage))
    assert "\ufffd" not in body
    assert body.startswith("[Character set not recognised")
    assert body.endswith(garbage.decode("latin-1"))


def test_a_raw_8bit_gbk_subject_is_decoded():
    ticket, _body = ingested(raw_mail(b"hello", subject="退款：".encode("gbk") + GBK))
    assert ticket.subject == f"退款：{TEXT}"


def test_encoded_words_labelled_gb2312_carrying_gbk_are_decoded():
    word = b"=?gb2312?B?" + base64.b64encode("陶喆".encode("gbk")) + b"?="
    raw = raw_mail(b"hello", subject=word).replace(b"Li Na", word)
    ticket, _body = ingested(raw)
    assert ticket.subject == "陶喆" and ticket.customer.name == "陶喆"


@pytest.mark.parametrize(
    "content_type",
    [b"multipart/mixed", b'multipart/mixed; boundary="never-used"'],
    ids=["missing boundary", "unused boundary"],
)
def test_a_multipart_body_without_its_boundary_is_kept_as_text(content_type):
    parts = (
        b"--other\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + "请尽快退款".encode()
        + b"\r\n--other--\r\n"
    )
    _ticket, body = ingested(raw_mail(parts, headers=b"Content-Type: " + content_type + b"\r\n"))
    assert "请尽快退款" in body
    assert body.startswith("[The message's MIME boundary is missing or unused")
