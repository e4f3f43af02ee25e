"""Every term of the addon is translated into Traditional Chinese for Hong Kong, checked
without Odoo (issue 30): ``dealer_crm/i18n/zh_HK.po`` against the template
``dealer_crm/i18n/dealer_crm.pot`` that ``make pot`` exports (and that
``dealer_crm/tests/test_translations.py`` keeps current).

Read with ``polib``, as Odoo reads PO files: babel drops Odoo's ``model:`` references.
"""

import functools
import re
from collections import Counter
from pathlib import Path

import polib
import pytest

I18N = Path(__file__).resolve().parent.parent / "dealer_crm" / "i18n"
POT = I18N / "dealer_crm.pot"
PO = I18N / "zh_HK.po"
#: a Python format placeholder: %s, %d, %(name)s, %%
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0+-]?\d*(?:\.\d+)?[sdifr%]")
#: how many offending terms a failure lists
SHOWN = 60


@functools.cache
def _catalogue(path):
    assert path.exists(), f"{path.relative_to(I18N.parent.parent)} is missing"
    return polib.pofile(str(path))


def _listed(terms):
    more = f"\n... and {len(terms) - SHOWN} more" if len(terms) > SHOWN else ""
    return "\n".join(f"  {term!r}" for term in terms[:SHOWN]) + more


@pytest.fixture
def template():
    return _catalogue(POT)


@pytest.fixture
def zh_hk():
    """{msgid: entry} of zh_HK.po; a missing file fails the test that reads it."""
    if not PO.exists():
        return None
    return {entry.msgid: entry for entry in _catalogue(PO) if not entry.obsolete}


def _placeholders(text):
    """Named placeholders in any order; positional ones (%s, %d) in their order."""
    found = [match for match in PLACEHOLDER.finditer(text) if match.group() != "%%"]
    named = Counter(match.group() for match in found if match.group("name") is not None)
    positional = [match.group() for match in found if match.group("name") is None]
    return named, positional, text.count("%%")


def test_every_term_has_a_hong_kong_chinese_translation(template, zh_hk):
    assert zh_hk is not None, f"{PO.name} is missing"
    untranslated = [
        entry.msgid
        for entry in template
        if entry.msgid
        and (
            entry.msgid not in zh_hk
            or not zh_hk[entry.msgid].msgstr.strip()
            or "fuzzy" in zh_hk[entry.msgid].flags
        )
    ]
    assert not untranslated, (
        f"{len(untranslated)} of {len(template)} terms have no zh_HK translation "
        f"(missing, empty or fuzzy) in {PO.name}:\n{_listed(untranslated)}"
    )


def test_a_translation_keeps_the_placeholders_of_its_term(zh_hk):
    """A Python message is formatted with its values after translation: a placeholder
    lost, added or renamed breaks it (Odoo then shows the English text and logs it)."""
    assert zh_hk is not None, f"{PO.name} is missing"
    wrong = [
        msgid
        for msgid, entry in zh_hk.items()
        if msgid
        and entry.msgstr
        and "odoo-python" in entry.comment
        and _placeholders(msgid) != _placeholders(entry.msgstr)
    ]
    assert not wrong, f"{len(wrong)} translations change their placeholders:\n{_listed(wrong)}"


def test_the_catalogue_is_merged_with_the_template(template, zh_hk):
    """Odoo applies a term of the .po to the records its references name: a term used
    in a new place (a second field of the same label) is translated there only once
    zh_HK.po carries the template's references (``make pot`` merges them)."""
    assert zh_hk is not None, f"{PO.name} is missing"
    stale = [
        entry.msgid
        for entry in template
        if entry.msgid in zh_hk and set(entry.occurrences) - set(zh_hk[entry.msgid].occurrences)
    ]
    assert not stale, f"run `make pot`: {PO.name} lacks references of:\n{_listed(stale)}"


def test_the_placeholder_check_sees_a_change():
    assert _placeholders("%(count)s of %(total)s") == _placeholders("%(total)s 中 %(count)s")
    assert _placeholders("%(count)s of %(total)s") != _placeholders("%(count)s 中 %(all)s")
    assert _placeholders("Sent to %s.") != _placeholders("已寄出。")
    assert _placeholders("100%% of %s") != _placeholders("%s 的 100%")
