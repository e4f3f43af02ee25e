"""Vehicle identification: VIN (ISO 3779) checks and licence-plate normalisation.

Plain functions without Odoo, so that models call them and tests test them alone.
"""

import re

VIN_LENGTH = 17
#: ISO 3779 allows digits and capital letters except I, O and Q.
VIN_ALPHABET = set("0123456789ABCDEFGHJKLMNPRSTUVWXYZ")
_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
#: First characters of World Manufacturer Identifiers of North America (US, Canada,
#: Mexico), where the 9th character is a mandatory check digit.
CHECK_DIGIT_REGIONS = set("12345")


def normalize_vin(vin):
    """Return the VIN upper-case, without spaces or dashes.

    ``None``, ``False`` and anything that is not text (a number sent by a client) are
    returned as they are: :func:`vin_problem` says what is wrong with them.
    """
    if not vin or not isinstance(vin, str):
        return vin
    return re.sub(r"[\s\-]", "", vin).upper()


def vin_check_digit(vin):
    """Return the check digit ('0'-'9' or 'X') computed for a 17-character VIN."""
    total = sum(_TRANSLITERATION[c] * w for c, w in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def vin_check_applies(vin):
    """Whether the check digit is mandatory for this VIN (North American VINs)."""
    return bool(vin) and vin[0] in CHECK_DIGIT_REGIONS


class VinProblem(str):
    """What is wrong with a VIN: the sentence in English (this ``str`` itself), with its
    source text ``message`` (a term of ``i18n/dealer_crm.pot``) and its ``values``, from
    which a model says it in the user's language:
    ``env._(problem.message, **problem.values)``."""

    def __new__(cls, message, values):
        problem = super().__new__(cls, message % values)
        problem.message, problem.values = message, values
        return problem


def _lt(message, **values):
    """``message`` with ``values``, marked for translation. Odoo's export of the addon's
    terms (``TranslationModuleReader``) reads the ``_()`` and ``_lt()`` calls of every
    Python file of the addon, so the sentence is in ``i18n/dealer_crm.pot`` though this
    module imports nothing of Odoo."""
    return VinProblem(message, values)


def vin_problem(vin):
    """Explain what is wrong with a VIN, or return ``None`` when it is valid.

    The VIN is normalised first. The explanation (a :class:`VinProblem`) names the
    offending character and its position (counted from 1), in words a service advisor
    understands.
    """
    if vin and not isinstance(vin, str):
        return _lt(
            "A VIN is written in letters and digits, as text of %(length)s characters; "
            "%(value)s is not text.",
            length=VIN_LENGTH,
            value=repr(vin),
        )
    vin = normalize_vin(vin) or ""
    if not vin:
        return _lt(
            "A vehicle needs its VIN: %(length)s characters, letters and digits.",
            length=VIN_LENGTH,
        )
    if len(vin) != VIN_LENGTH:
        return _lt(
            "A VIN has %(length)s characters; %(vin)s has %(count)s.",
            length=VIN_LENGTH,
            vin=repr(vin),
            count=len(vin),
        )
    for position, char in enumerate(vin, start=1):
        if char not in VIN_ALPHABET:
            if char in "IOQ":
                return _lt(
                    "Character %(position)s of the VIN is %(char)s: the letters I, O and Q "
                    "are never used in a VIN (did you mean %(digit)s?).",
                    position=position,
                    char=repr(char),
                    digit="1" if char == "I" else "0",
                )
            return _lt(
                "Character %(position)s of the VIN is %(char)s, which a VIN cannot contain.",
                position=position,
                char=repr(char),
            )
    if vin_check_applies(vin):
        expected = vin_check_digit(vin)
        if vin[8] != expected:
            return _lt(
                "Character 9 of the VIN is the check digit: it is %(char)s but the other "
                "characters give %(expected)s. One of the characters was probably mistyped.",
                char=repr(vin[8]),
                expected=repr(expected),
            )
    return None


def normalize_plate(plate):
    """Licence plate as searched: upper-case, without spaces, dashes or dots.

    An empty plate, or one that is not text, is returned as it is."""
    if not plate or not isinstance(plate, str):
        return plate
    return re.sub(r"[\s\-\.·]", "", plate).upper()
