"""Phone numbers: E.164 validation and masking for logs and notifications."""

from __future__ import annotations

import re

import phonenumbers

from switchboard.domain.errors import InvalidInput

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# A North American number already in E.164 (the form exports and bulk files use): parsed directly.
# phonenumbers.parse gives the same PhoneNumber for these (tests/domain/test_phone_fast_path.py)
# at a tenth of the cost, which matters for 100,000-row imports.
_NANP_E164 = re.compile(r"^\+1[2-9]\d{9}$")
_NUMBERISH = re.compile(r"\+?\d[\d\-\s().]{5,}\d")
# ISO-8601 dates and times, and IPv4 addresses, look like digit runs too; they are kept as they are.
_ISO_TIME = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_IPV4 = r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])"
_NUMBER_OR_TIME = re.compile(f"(?P<time>{_ISO_TIME}|{_IPV4})|{_NUMBERISH.pattern}")


class InvalidPhoneNumber(InvalidInput, ValueError):
    """A number that is not a valid, dialable E.164 number."""


def to_e164(raw: str, default_region: str = "US") -> str:
    """Parse `raw` (any common written form) into E.164, or raise InvalidPhoneNumber with the reason."""
    text = raw.strip()
    if not text:
        raise InvalidPhoneNumber("empty phone number")
    if _NANP_E164.match(text):
        if not phonenumbers.is_valid_number(
            phonenumbers.PhoneNumber(country_code=1, national_number=int(text[2:]))
        ):
            raise InvalidPhoneNumber(f"{raw!r} is not a valid phone number")
        return text
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"{raw!r} is not a phone number ({exc})") from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber(f"{raw!r} is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_e164(value: str) -> bool:
    """True when `value` is already written in strict E.164 form and is a valid number."""
    if not _E164.match(value):
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(value, None))
    except phonenumbers.NumberParseException:
        return False


def mask(number: str | None) -> str:
    """Mask all but the country prefix and the last four digits: "+13125550112" → "+1******0112"."""
    if not number:
        return ""
    digits = re.sub(r"\D", "", number)
    if len(digits) <= 4:
        return "*" * len(digits)
    prefix = "+" + digits[0] if number.lstrip().startswith("+") else ""
    hidden = len(digits) - 4 - (1 if prefix else 0)
    return f"{prefix}{'*' * hidden}{digits[-4:]}"


def mask_numbers_in(text: str) -> str:
    """Mask every phone-number-looking run inside free text (for log lines)."""
    return _NUMBER_OR_TIME.sub(lambda m: m.group(0) if m.group("time") else mask(m.group(0)), text)
