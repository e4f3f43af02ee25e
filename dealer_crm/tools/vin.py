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


def vin_problem(vin):
    """Explain what is wrong with a VIN, or return ``None`` when it is valid.

    The VIN is normalised first. The explanation names the offending character and its
    position (counted from 1), in words a service advisor understands.
    """
    if vin and not isinstance(vin, str):
        return (
            f"A VIN is written in letters and digits, as text of {VIN_LENGTH} characters; "
            f"{vin!r} is not text."
        )
    vin = normalize_vin(vin) or ""
    if not vin:
        return f"A vehicle needs its VIN: {VIN_LENGTH} characters, letters and digits."
    if len(vin) != VIN_LENGTH:
        return f"A VIN has {VIN_LENGTH} characters; {vin!r} has {len(vin)}."
    for position, char in enumerate(vin, start=1):
        if char not in VIN_ALPHABET:
            if char in "IOQ":
                return (
                    f"Character {position} of the VIN is {char!r}: the letters I, O and Q "
                    f"are never used in a VIN (did you mean {'1' if char == 'I' else '0'}?)."
                )
            return f"Character {position} of the VIN is {char!r}, which a VIN cannot contain."
    if vin_check_applies(vin):
        expected = vin_check_digit(vin)
        if vin[8] != expected:
            return (
                f"Character 9 of the VIN is the check digit: it is {vin[8]!r} but the other "
                f"characters give {expected!r}. One of the characters was probably mistyped."
            )
    return None


def normalize_plate(plate):
    """Licence plate as searched: upper-case, without spaces, dashes or dots.

    An empty plate, or one that is not text, is returned as it is."""
    if not plate or not isinstance(plate, str):
        return plate
    return re.sub(r"[\s\-\.·]", "", plate).upper()
