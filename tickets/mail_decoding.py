"""Reading the text of inbound mail without destroying it, Chinese mail above all.

The stdlib email package does the parsing; this module plugs into its policy machinery
(a header_fetch_parse override and a content manager for text parts) because its
defaults decode with errors="replace": GBK bytes labelled gb2312 (a very common
mislabel), 8-bit text with no charset and raw 8-bit subjects all become U+FFFD.

Only the decoding chain is written out here, since no library decides what an unlabelled
or mislabelled byte string is: the declared charset (gb2312/gbk read as GB18030, their
superset), then UTF-8, then GB18030; when nothing fits, Latin-1 (every byte kept, none
replaced) behind a visible marker.
"""

import codecs
import copy
import re
from email.contentmanager import raw_data_manager
from email.message import EmailMessage
from email.policy import EmailPolicy

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

MSG_UNKNOWN_CHARSET = _("[Character set not recognised: shown byte for byte as Latin-1.]")
MSG_UNSPLIT_MULTIPART = _(
    "[The message's MIME boundary is missing or unused: its whole body is shown as text.]"
)

# Labels read as GB18030: it is a superset of each, and mail labelled gb2312 often
# carries GBK characters (e.g. 镕, 喆) that a strict gb2312 decoder refuses.
# Labels Python does not know (x-gbk, csGB2312 …) are matched by name.
_GB_LABEL = r"(?:x-)?(?:cs)?(?:gb[_-]?2312(?:-80)?|gbk|cp936|(?:x-)?euc-cn)"
GB_FAMILY = re.compile(rf"{_GB_LABEL}|gb18030", flags=re.IGNORECASE)
_ENCODED_WORD_GB_LABEL = re.compile(rf"=\?({_GB_LABEL})(\*[^?]*)?\?", flags=re.IGNORECASE)


def _codec_name(label: str | None) -> str | None:
    label = (label or "").strip().strip('"')
    if GB_FAMILY.fullmatch(label):
        return "gb18030"
    try:
        name = codecs.lookup(label).name if label else None
    except LookupError:
        return None
    return "gb18030" if name in ("gb2312", "gbk") else name


def decode_text(data: bytes, declared: str | None = None) -> str:
    """`data` as text: the declared charset, UTF-8, GB18030, else Latin-1 with a marker."""
    tried = []
    for codec in (_codec_name(declared), "utf-8", "gb18030"):
        if codec is None or codec in tried:
            continue
        tried.append(codec)
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return f"{_t(MSG_UNKNOWN_CHARSET)} {data.decode('latin-1')}"


def _get_text_content(part: EmailMessage, errors: str = "strict") -> str:
    payload = part.get_payload(decode=True) or b""
    return decode_text(payload, part.get_param("charset"))


_content_manager = copy.deepcopy(raw_data_manager)
_content_manager.add_get_handler("text", _get_text_content)


class MailPolicy(EmailPolicy):
    """policy.default, except that header and text bytes are decoded by decode_text."""

    def header_fetch_parse(self, name, value):
        if not hasattr(value, "name"):  # not yet parsed: as the bytes parser left it
            try:
                # A raw 8-bit header arrives as ASCII with surrogate escapes (one per byte).
                raw = value.encode("ascii", "surrogateescape")
            except UnicodeEncodeError:
                raw = b""  # already text
            if any(byte > 0x7F for byte in raw):
                value = decode_text(raw)
            value = _ENCODED_WORD_GB_LABEL.sub(r"=?gb18030\2?", value)
        return super().header_fetch_parse(name, value)


MAIL_POLICY = MailPolicy(content_manager=_content_manager)


def unsplit_multipart_text(message: EmailMessage) -> list[str]:
    """The bodies of multipart parts whose boundary is missing or never used: the parser
    leaves them unsplit (NoBoundaryInMultipartDefect, StartBoundaryNotFoundDefect) and
    get_body() skips them, so without this their text would be dropped."""
    texts = []
    for part in message.walk():
        if part.get_content_maintype() == "multipart" and not part.is_multipart():
            text = decode_text(part.get_payload(decode=True) or b"").strip()
            if text:
                texts.append(f"{_t(MSG_UNSPLIT_MULTIPART)}\n{text}")
    return texts
