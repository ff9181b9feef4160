"""Importing customers from a CSV file (the page, the API and `manage.py import_customers`
all call `customers_import`).

Every row is checked before anything is written; a bad row is reported with its line and
reason, and then nothing is imported unless the caller asked to skip bad rows. A customer
whose e-mail address or phone number is already registered is not imported again (reported
as already registered); two rows of the file with the same address or number are a mistake
in the file and the later one is bad. Another writer registering the same person at the
same moment (unique indexes on the lookup hashes) makes the rows be matched again, so that
person is reported as already registered, never added twice. Files come from
spreadsheets: UTF-8 with or without a byte-order mark, or GBK (what Excel writes on a
Chinese Windows).
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicedesk.exceptions import ValidationError
from servicedesk.text import is_single_line

from .crypto import normalise_phone
from .models import (
    PREFERENCE_TAG_MAX_LENGTH,
    PREFERENCE_TAGS_MAX,
    Customer,
    CustomerAction,
    CustomerEvent,
    CustomerKind,
    Language,
    Purchase,
)
from .selectors import customers_with_contacts
from .services import met_another_writer

# A spreadsheet export of a whole customer base is rarely larger; more is a mistake or an
# attempt to hold the request (and one transaction) for minutes.
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 20_000

MSG_IMPORT_REFUSED = gettext_lazy("Nothing was imported: some rows are not valid.")
MSG_ENCODING = gettext_lazy(
    "The file is neither UTF-8 nor GBK text; save it from the spreadsheet as "
    "“CSV UTF-8” and try again."
)
MSG_EMPTY = gettext_lazy("The file is empty.")
MSG_TOO_LARGE = gettext_lazy("The file is larger than %(megabytes)s MB.")
MSG_TOO_MANY_ROWS = gettext_lazy("The file has more than %(rows)s rows.")
MSG_NOT_CSV = gettext_lazy("The file is not CSV: %(reason)s")
MSG_MISSING_COLUMNS = gettext_lazy("The header lacks the column(s): %(columns)s.")
MSG_UNKNOWN_COLUMNS = gettext_lazy("Unknown column(s): %(columns)s. Known columns: %(known)s.")
MSG_DUPLICATE_COLUMN = gettext_lazy("The column “%(column)s” appears twice in the header.")
MSG_FIELD_COUNT = gettext_lazy("the row has %(found)s values, the header %(expected)s.")
MSG_NAME_REQUIRED = gettext_lazy("a name is required.")
MSG_NOT_ONE_LINE = gettext_lazy("line breaks and control characters are not allowed.")
MSG_TOO_LONG = gettext_lazy("longer than %(length)s characters.")
MSG_KIND = gettext_lazy("“%(value)s” is not a kind; use person or organisation.")
MSG_EMAIL = gettext_lazy("“%(value)s” is not a valid e-mail address.")
MSG_PHONE = gettext_lazy("“%(value)s” is not a phone number.")
MSG_LANGUAGE = gettext_lazy("“%(value)s” is not a language; use zh-hans or en.")
MSG_DATE = gettext_lazy("“%(value)s” is not a date; write it as YYYY-MM-DD.")
MSG_BIRTHDAY_FUTURE = gettext_lazy("the birthday %(value)s lies in the future.")
MSG_BIRTHDAY_OLD = gettext_lazy("the birthday %(value)s is before 1900.")
MSG_TAGS = gettext_lazy("at most %(count)s preference tags of at most %(length)s characters each.")
MSG_SPEND = gettext_lazy("“%(value)s” is not an amount.")
MSG_SPEND_NEGATIVE = gettext_lazy("the spend %(value)s is negative.")
MSG_CURRENCY = gettext_lazy("“%(value)s” is not an ISO 4217 currency code such as CNY.")
MSG_SPEND_DATE_FUTURE = gettext_lazy("the date of the spend %(value)s lies in the future.")
MSG_DUPLICATE_EMAIL = gettext_lazy("the e-mail address %(value)s is also on line %(line)s.")
MSG_DUPLICATE_PHONE = gettext_lazy("the phone number %(value)s is also on line %(line)s.")
MSG_ROW_PROBLEM = gettext_lazy("Line %(line)s, %(column)s: %(message)s")
MSG_ROW_PROBLEM_NO_COLUMN = gettext_lazy("Line %(line)s: %(message)s")
MSG_BUSY = gettext_lazy(
    "Nothing was imported: customers with the same e-mail addresses or phone numbers kept "
    "being registered at the same moment. Import the file again."
)

# Writing the new customers meets another writer's new customer with the same e-mail or
# phone (another import, an agent registering a caller) at most this many times before the
# import gives up; each time the rows are matched again against what the other committed.
IMPORT_ATTEMPTS = 5

# Column → the header names it is known by (English and the Chinese a spreadsheet uses).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "姓名", "名称", "客户名称", "客户"),
    "kind": ("kind", "类型", "客户类型"),
    "email": ("email", "e-mail", "邮箱", "电子邮箱", "电子邮件"),
    "phone": ("phone", "电话", "手机", "手机号", "联系电话"),
    "language": ("language", "语言"),
    "birthday": ("birthday", "生日", "出生日期"),
    "tags": ("tags", "preference_tags", "偏好标签", "标签"),
    "spend": ("spend", "消费金额", "累计消费"),
    "currency": ("currency", "币种"),
    "spend_date": ("spend_date", "消费日期"),
}
REQUIRED_COLUMNS = ("name",)
_HEADER_NAMES = {alias.casefold(): column for column, names in COLUMNS.items() for alias in names}

_KINDS = {
    "person": CustomerKind.PERSON,
    "个人": CustomerKind.PERSON,
    "organisation": CustomerKind.ORGANISATION,
    "organization": CustomerKind.ORGANISATION,
    "机构": CustomerKind.ORGANISATION,
    "企业": CustomerKind.ORGANISATION,
    "公司": CustomerKind.ORGANISATION,
}
_LANGUAGES = {
    "zh-hans": Language.ZH_HANS,
    "zh": Language.ZH_HANS,
    "zh-cn": Language.ZH_HANS,
    "中文": Language.ZH_HANS,
    "简体中文": Language.ZH_HANS,
    "en": Language.EN,
    "english": Language.EN,
    "英文": Language.EN,
    "英语": Language.EN,
}
_TAG_SEPARATORS = re.compile(r"[;；,，、|]")
_PHONE = re.compile(r"^\+?[\d\s\-()]{5,40}$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d")
# The order number of an imported spend: one per customer, so it is never counted twice.
IMPORTED_SPEND_ORDER = "IMPORTED-SPEND"


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.column:
            return str(MSG_ROW_PROBLEM) % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return str(MSG_ROW_PROBLEM_NO_COLUMN) % {"line": self.line, "message": self.message}


@dataclass
class CustomerRow:
    line: int
    name: str
    kind: str
    email: str
    phone: str
    language: str
    birthday: date | None
    tags: list[str]
    spend: Decimal | None
    currency: str
    spend_date: date | None


@dataclass
class ImportReport:
    imported: list[Customer] = field(default_factory=list)
    # Rows left out because a customer with that e-mail or phone exists: (line, customer).
    already_registered: list[tuple[int, Customer]] = field(default_factory=list)
    # Bad rows skipped (only when the caller asked to skip them).
    skipped: list[RowProblem] = field(default_factory=list)


class CustomerImportError(ValidationError):
    """The file, or some of its rows, cannot be imported; nothing was written."""

    code = "import_invalid"

    def __init__(self, problems: list):
        self.problems = problems
        super().__init__(
            MSG_IMPORT_REFUSED if any(isinstance(p, RowProblem) for p in problems) else problems[0],
            fields={"file": [str(problem) for problem in problems]},
        )


class CustomerImportConflict(CustomerImportError):
    """Other writers kept registering the file's customers while it was written; nothing
    was written (rare: each attempt matches the rows against what they committed)."""

    code = "import_conflict"
    status_code = 409


def decode_csv(content: bytes) -> str:
    """UTF-8 (a byte-order mark is dropped), else GBK; anything else is refused."""
    if content.startswith(codecs.BOM_UTF8):
        candidates = [(content[len(codecs.BOM_UTF8) :], "utf-8")]
    else:
        # GB18030 reads every GBK file the same and a few characters more.
        candidates = [(content, "utf-8"), (content, "gb18030")]
    for raw, encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        # UTF-16 (and binary files) decode as UTF-8 full of NUL characters.
        if "\x00" not in text:
            return text
    raise CustomerImportError([MSG_ENCODING])


def _header(names: list[str]) -> list[str]:
    columns, unknown = [], []
    for raw in names:
        column = _HEADER_NAMES.get(raw.strip().casefold())
        if column is None:
            unknown.append(raw.strip())
        elif column in columns:
            raise CustomerImportError([MSG_DUPLICATE_COLUMN % {"column": raw.strip()}])
        columns.append(column)
    if unknown:
        raise CustomerImportError(
            [MSG_UNKNOWN_COLUMNS % {"columns": ", ".join(unknown), "known": ", ".join(COLUMNS)}]
        )
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise CustomerImportError([MSG_MISSING_COLUMNS % {"columns": ", ".join(missing)}])
    return columns


def _date(value: str) -> date | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _clean_row(line: int, values: dict[str, str], today: date, problems: list) -> CustomerRow:
    """The row's values, or problems appended (the returned row is then not used)."""
    start = len(problems)

    def bad(column, message):
        problems.append(RowProblem(line, column, str(message)))

    for column, value in values.items():
        if not is_single_line(value):
            bad(column, MSG_NOT_ONE_LINE)
    name = values.get("name", "")
    if not name:
        bad("name", MSG_NAME_REQUIRED)
    elif len(name) > Customer._meta.get_field("name").max_length:
        bad("name", MSG_TOO_LONG % {"length": Customer._meta.get_field("name").max_length})
    kind_text = values.get("kind", "")
    kind = _KINDS.get(kind_text.casefold()) if kind_text else CustomerKind.PERSON
    if kind is None:
        bad("kind", MSG_KIND % {"value": kind_text})
    email = values.get("email", "")
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            bad("email", MSG_EMAIL % {"value": email})
    phone = values.get("phone", "")
    if phone and not _PHONE.match(phone):
        bad("phone", MSG_PHONE % {"value": phone})
    language_text = values.get("language", "")
    language = _LANGUAGES.get(language_text.casefold()) if language_text else Language.ZH_HANS
    if language is None:
        bad("language", MSG_LANGUAGE % {"value": language_text})
    birthday = None
    if values.get("birthday"):
        birthday = _date(values["birthday"])
        if birthday is None:
            bad("birthday", MSG_DATE % {"value": values["birthday"]})
        elif birthday > today:
            bad("birthday", MSG_BIRTHDAY_FUTURE % {"value": birthday.isoformat()})
        elif birthday.year < 1900:
            bad("birthday", MSG_BIRTHDAY_OLD % {"value": birthday.isoformat()})
    tags = [tag.strip() for tag in _TAG_SEPARATORS.split(values.get("tags", "")) if tag.strip()]
    tags = list(dict.fromkeys(tags))
    if len(tags) > PREFERENCE_TAGS_MAX or any(len(tag) > PREFERENCE_TAG_MAX_LENGTH for tag in tags):
        bad("tags", MSG_TAGS % {"count": PREFERENCE_TAGS_MAX, "length": PREFERENCE_TAG_MAX_LENGTH})
    spend = None
    if values.get("spend"):
        try:
            spend = Decimal(values["spend"].replace(",", ""))
        except InvalidOperation:
            bad("spend", MSG_SPEND % {"value": values["spend"]})
        else:
            if not spend.is_finite() or spend.as_tuple().exponent < -2 or spend >= 10**10:
                bad("spend", MSG_SPEND % {"value": values["spend"]})
            elif spend < 0:
                bad("spend", MSG_SPEND_NEGATIVE % {"value": values["spend"]})
    currency = (values.get("currency") or "CNY").upper()
    if currency not in list_currencies():
        bad("currency", MSG_CURRENCY % {"value": values.get("currency")})
    spend_date = None
    if values.get("spend_date"):
        spend_date = _date(values["spend_date"])
        if spend_date is None:
            bad("spend_date", MSG_DATE % {"value": values["spend_date"]})
        elif spend_date > today:
            bad("spend_date", MSG_SPEND_DATE_FUTURE % {"value": spend_date.isoformat()})
    row = CustomerRow(
        line, name, kind, email, phone, language, birthday, tags, spend, currency, spend_date
    )
    return row if len(problems) == start else None


def read_customer_rows(content: bytes) -> tuple[list[CustomerRow], list[RowProblem]]:
    """Every row checked, none written: the good rows and each bad row's problems. A
    problem with the file itself (encoding, header, size) raises CustomerImportError."""
    if len(content) > IMPORT_MAX_BYTES:
        raise CustomerImportError([MSG_TOO_LARGE % {"megabytes": IMPORT_MAX_BYTES // 2**20}])
    text = decode_csv(content)
    if not text.strip():
        raise CustomerImportError([MSG_EMPTY])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        columns = _header(next(reader))
        today = timezone.localdate()
        rows, problems, count = [], [], 0
        first_line = reader.line_num + 1
        for values in reader:
            line, first_line = first_line, reader.line_num + 1
            if not any(value.strip() for value in values):
                continue  # a blank line a spreadsheet left at the end
            count += 1
            if count > IMPORT_MAX_ROWS:
                raise CustomerImportError([MSG_TOO_MANY_ROWS % {"rows": IMPORT_MAX_ROWS}])
            if len(values) != len(columns):
                found = {"found": len(values), "expected": len(columns)}
                problems.append(RowProblem(line, None, str(MSG_FIELD_COUNT % found)))
                continue
            cleaned = {column: value.strip() for column, value in zip(columns, values, strict=True)}
            row = _clean_row(line, cleaned, today, problems)
            if row is not None:
                rows.append(row)
    except csv.Error as error:
        raise CustomerImportError([MSG_NOT_CSV % {"reason": error}]) from None
    return _without_duplicates_in_file(rows, problems)


def _without_duplicates_in_file(rows, problems):
    """A later row with an e-mail or phone of an earlier row is bad (which one is right is
    for a person to decide); the first stays."""
    first_email, first_phone, kept = {}, {}, []
    for row in rows:
        email, phone = row.email.casefold(), normalise_phone(row.phone)
        duplicate = False
        if email and email in first_email:
            problems.append(
                RowProblem(
                    row.line,
                    "email",
                    str(MSG_DUPLICATE_EMAIL % {"value": row.email, "line": first_email[email]}),
                )
            )
            duplicate = True
        if phone and phone in first_phone:
            problems.append(
                RowProblem(
                    row.line,
                    "phone",
                    str(MSG_DUPLICATE_PHONE % {"value": row.phone, "line": first_phone[phone]}),
                )
            )
            duplicate = True
        if duplicate:
            continue
        if email:
            first_email[email] = row.line
        if phone:
            first_phone[phone] = row.line
        kept.append(row)
    problems.sort(key=lambda problem: problem.line)
    return kept, problems


@transaction.atomic
def customers_import(
    *, actor, content: bytes, file_name: str = "", skip_bad_rows: bool = False
) -> ImportReport:
    """Import the file's customers in one transaction: all of them, or (skip_bad_rows)
    the good ones; a customer already registered by e-mail or phone is left as it is."""
    rows, problems = read_customer_rows(content)
    if problems and not skip_bad_rows:
        raise CustomerImportError(problems)
    report = ImportReport(skipped=problems)
    for _attempt in range(IMPORT_ATTEMPTS):
        report.already_registered, new_rows = _registered_and_new(rows)
        try:
            # A savepoint: a row that meets another writer's customer (the unique indexes
            # on the lookups) undoes only this insert, and the rows are matched again.
            with transaction.atomic():
                customers = Customer.objects.bulk_create(
                    [
                        Customer(
                            name=row.name,
                            kind=row.kind,
                            email=row.email,
                            phone=row.phone,
                            language=row.language,
                            birthday=row.birthday,
                            preference_tags=row.tags,
                        )
                        for row in new_rows
                    ]
                )
            break
        except (IntegrityError, OperationalError) as error:
            if not met_another_writer(error):
                raise
    else:
        raise CustomerImportConflict([MSG_BUSY])
    recorded_by = actor if actor is not None and actor.is_authenticated else None
    CustomerEvent.objects.bulk_create(
        [
            CustomerEvent(
                customer=customer,
                actor=recorded_by,
                action=CustomerAction.IMPORTED,
                changes={"import": [None, {"file": file_name, "line": row.line}]},
                reason=_("Imported from %(file)s, line %(line)s")
                % {"file": file_name or "CSV", "line": row.line},
            )
            for customer, row in zip(customers, new_rows, strict=True)
        ]
    )
    now = timezone.now()
    Purchase.objects.bulk_create(
        [
            Purchase(
                customer=customer,
                order_number=IMPORTED_SPEND_ORDER,
                product=_("Spend before the import"),
                amount=row.spend,
                currency=row.currency,
                channel="import",
                purchased_at=_spend_moment(row.spend_date, now),
                recorded_by=recorded_by,
            )
            for customer, row in zip(customers, new_rows, strict=True)
            if row.spend
        ]
    )
    report.imported = customers
    return report


def _registered_and_new(rows: list[CustomerRow]) -> tuple[list, list[CustomerRow]]:
    """(line, the customer already registered with the row's e-mail or phone) for the rows
    that have one, and the rows that are new; read now (what other writers have committed
    so far counts)."""
    known = customers_with_contacts(
        emails={row.email for row in rows if row.email},
        phones={normalise_phone(row.phone) for row in rows if row.phone}
        | {row.phone for row in rows if row.phone},
    )
    by_email = {customer.email.casefold(): customer for customer in known if customer.email}
    by_phone = {normalise_phone(customer.phone): customer for customer in known if customer.phone}
    registered, new_rows = [], []
    for row in rows:
        existing = by_email.get(row.email.casefold()) if row.email else None
        existing = existing or (by_phone.get(normalise_phone(row.phone)) if row.phone else None)
        if existing is not None:
            registered.append((row.line, existing))
        else:
            new_rows.append(row)
    return registered, new_rows


def _spend_moment(day: date | None, now: datetime) -> datetime:
    if day is None:
        return now
    return min(now, timezone.make_aware(datetime.combine(day, datetime.min.time())))
