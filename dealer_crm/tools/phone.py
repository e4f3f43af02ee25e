"""Phone numbers as a dealer's customers type them, to one form: E.164.

Pure functions on ``phonenumbers`` (a dependency of Odoo's ``phone_validation``), so
they are tested without a database. Every phone lookup of the addon goes through
:func:`normalize_phone`.
"""

import re

import phonenumbers

#: What a typed phone number may hold besides digits: a leading +, spaces, brackets,
#: dashes, dots and slashes. Anything else (letters of a plate or VIN) is no number.
_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-/]+$")


def parse_phone(value, region=None):
    """The ``phonenumbers.PhoneNumber`` of ``value``, or ``None`` if it is no number.

    ``region`` (an ISO country code, the company's country) is the country of a number
    typed without one. ``00`` before a number is the international prefix, the same as
    ``+``, whatever the region's own prefix; a country code in brackets, as in
    ``(852) 9123-4567``, is taken as the country when the rest is a number of it.
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or not _PHONE_CHARS.match(value):
        return None
    if value.startswith("00"):
        value = "+" + value[2:]
    try:
        number = phonenumbers.parse(value, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return number


def normalize_phone(value, region=None):
    """``value`` in E.164 (``+85291234567``), or ``None`` when it is no phone number.

    >>> normalize_phone("00852 9123 4567", "HK")
    '+85291234567'
    >>> normalize_phone("6123 4567", "HK")
    '+85261234567'
    """
    number = parse_phone(value, region)
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_forms(value, region=None):
    """The digits ``value`` is dialled with inside its country, as a number stored
    without its country reads once spaces and dashes are dropped: with the trunk
    prefix (``02079460000``) and without it (``2079460000``). A number is stored
    without its country only in ``region``: empty for another country's number, and
    when ``value`` is no number.
    """
    number = parse_phone(value, region)
    if number is None or not region:
        return ()
    if number.country_code != phonenumbers.country_code_for_region(region.upper()):
        return ()
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    dialled = re.sub(r"\D", "", national)
    significant = phonenumbers.national_significant_number(number)
    return tuple(dict.fromkeys((dialled, significant)))


def number_region(value, region=None):
    """The country (ISO code) of ``value`` when it is a valid phone number, else ``None``.

    >>> number_region("+852 2345 6789", "US")
    'HK'
    >>> number_region("6123 4567", "US") is None
    True
    """
    number = parse_phone(value, region)
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.region_code_for_number(number)


def phone_digits(value, min_digits=6):
    """The digits of ``value`` typed as a phone number (digits, +, spaces, brackets,
    dashes, dots, slashes), when there are at least ``min_digits``; else ``None``.

    >>> phone_digits("(852) 9123-4567")
    '85291234567'
    >>> phone_digits("KX 1234") is None
    True
    """
    if not isinstance(value, str) or not _PHONE_CHARS.match(value.strip() or "x"):
        return None
    digits = re.sub(r"\D", "", value)
    return digits if len(digits) >= min_digits else None
