"""Encryption and keyed lookup hashes of customers' personal data (e-mail, phone, ID number).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, `cryptography`) under a
MultiFernet of `settings.CUSTOMER_DATA_KEYS`, newest first: new values are always written
with the newest key, older keys still decrypt until `manage.py rotate_customer_keys` has
re-encrypted every row. Fernet is randomised (the same address gives a new token each
time), so the database cannot compare ciphertexts: exact lookup goes through a separate
HMAC-SHA256 of the normalised value under `settings.CUSTOMER_LOOKUP_KEY` (a different key,
so the lookup column tells nothing about the data key, and a stolen table cannot be
searched without it).

An empty value stays empty (not encrypted): "has no e-mail" is not a secret, and a
customer without one must stay cheap to find for the pages that offer to add it.
"""

import functools
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

NON_DIGITS = re.compile(r"\D+")
NON_ID_CHARACTERS = re.compile(r"[^0-9A-Z]+")


class UndecryptableValue(Exception):
    """A stored value none of CUSTOMER_DATA_KEYS opens: a key was dropped before rotation."""


@functools.cache
def data_keys() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.CUSTOMER_DATA_KEYS])


@functools.cache
def _newest_key() -> Fernet:
    return Fernet(settings.CUSTOMER_DATA_KEYS[0])


@functools.cache
def _lookup_keys() -> tuple[bytes, ...]:
    """The current lookup key, then those a rotation is replacing (still found, never
    written)."""
    keys = [settings.CUSTOMER_LOOKUP_KEY, *settings.CUSTOMER_LOOKUP_PREVIOUS_KEYS]
    return tuple(key.encode() for key in keys)


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs):
    # Tests swap keys with override_settings; the cached ciphers must follow.
    if setting in ("CUSTOMER_DATA_KEYS", "CUSTOMER_LOOKUP_KEY", "CUSTOMER_LOOKUP_PREVIOUS_KEYS"):
        data_keys.cache_clear()
        _newest_key.cache_clear()
        _lookup_keys.cache_clear()


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _newest_key().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return data_keys().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise UndecryptableValue(
            "A customer value cannot be decrypted with CUSTOMER_DATA_KEYS "
            "(was a key removed before manage.py rotate_customer_keys ran?)"
        ) from None


def normalise_email(email: str) -> str:
    """Addresses are compared case-insensitively (as inbound mail always did)."""
    return (email or "").strip().lower()


def normalise_phone(phone: str) -> str:
    """Digits only: `138-1234 5678` and `13812345678` are one number. A country prefix is
    kept as typed (`+86 138…` is another string than `138…`): guessing it would merge
    numbers of different countries."""
    return NON_DIGITS.sub("", phone or "")


def normalise_id_number(number: str) -> str:
    """Upper-case letters and digits (the check character X, passports' letters)."""
    return NON_ID_CHARACTERS.sub("", (number or "").upper())


NORMALISERS = {"email": normalise_email, "phone": normalise_phone, "id_number": normalise_id_number}


def _lookup_message(kind: str, value: str) -> bytes | None:
    """The hashed message of a value: its kind and normalised form; None for no value. The
    kind is part of it so that a phone number and an ID number of the same digits differ."""
    normalised = NORMALISERS[kind](value)
    return f"{kind}:{normalised}".encode() if normalised else None


def _hmac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def lookup_hash(kind: str, value: str) -> str:
    """HMAC-SHA256 (hex) of the normalised value under the current lookup key, what a row
    stores; "" for no value."""
    message = _lookup_message(kind, value)
    return _hmac(_lookup_keys()[0], message) if message else ""


def lookup_hashes(kind: str, value: str) -> list[str]:
    """What a lookup looks for: the value's hash under the current key and under each key
    of CUSTOMER_LOOKUP_PREVIOUS_KEYS. While rotate_customer_keys moves rows to a new key,
    rows it has not reached yet are still found, so nobody is registered twice meanwhile
    (and the rotation never meets a duplicate of the new key). [] for no value."""
    message = _lookup_message(kind, value)
    return [_hmac(key, message) for key in _lookup_keys()] if message else []


# What a row stores (the current key's hash): bulk loads and the encrypting migration.
def email_lookup(email: str) -> str:
    return lookup_hash("email", email)


def phone_lookup(phone: str) -> str:
    return lookup_hash("phone", phone)


# What a lookup looks for (every key's hash): see lookup_hashes.
def email_lookups(email: str) -> list[str]:
    return lookup_hashes("email", email)


def phone_lookups(phone: str) -> list[str]:
    return lookup_hashes("phone", phone)


def id_number_lookups(number: str) -> list[str]:
    return lookup_hashes("id_number", number)
