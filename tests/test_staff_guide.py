"""The staff guide (docs/guide/) cannot drift from the product.

- each department has its page in every language of the guide, and the index links them;
- every image a page shows exists, and every screenshot it shows is one the browser tests
  take (`SCREENS` of dealer_crm/tests/test_ui_screenshots.py), so `make screenshots`
  keeps it current;
- every page it links exists;
- the English pages write screen names in **bold**: each is a term of the addon
  (i18n/dealer_crm.pot, once there is one) or one of Odoo's own labels listed here;
- the Chinese pages write a screen name as **中文**（English）: the Chinese is the
  translation of the English in i18n/zh_HK.po (once there is one).

No database: the screenshot list is read from the test module's source.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "guide"
SCREENSHOTS = ROOT / "docs" / "screenshots"
SCREENSHOT_TEST = ROOT / "dealer_crm" / "tests" / "test_ui_screenshots.py"
POT = ROOT / "dealer_crm" / "i18n" / "dealer_crm.pot"
ZH_HK_PO = ROOT / "dealer_crm" / "i18n" / "zh_HK.po"

DEPARTMENTS = ("sales", "service", "relations", "manager")
LANGUAGES = ("en", "zh_HK")

#: labels of Odoo and of the OCA modules (not dealer_crm's terms) that the guide names
ODOO_LABELS = {
    "Actions",
    "Add a product",
    "Awaiting",
    "Contact",
    "Description",
    "Done",
    "Language",
    "Log note",
    "More",
    "My Pipeline",
    "New",
    "New Quotation",
    "Order Lines",
    "Preferences",
    "Print",
    "Save",
    "Send message",
    "Stage",
    "Tickets",
}

IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s#]+)(?:#[^)]*)?\)")
BOLD = re.compile(r"\*\*([^*]+)\*\*")
#: **中文**（English）: a screen name on the Chinese pages and its English
PAIR = re.compile(r"\*\*([^*]+)\*\*（([^）]+)）")
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def _pages():
    return sorted(GUIDE.rglob("*.md"))


def _screen_names():
    """The file names (without .png) that SCREENS produces, read from the source: each
    entry is a tuple or a ``Screen(...)`` whose first argument is the name."""
    tree = ast.parse(SCREENSHOT_TEST.read_text(encoding="utf-8"))
    for node in tree.body:
        targets = [getattr(t, "id", None) for t in getattr(node, "targets", [])]
        if isinstance(node, ast.Assign) and "SCREENS" in targets:
            names = set()
            for entry in node.value.elts:
                first = entry.args[0] if isinstance(entry, ast.Call) else entry.elts[0]
                names.add(ast.literal_eval(first))
            return names
    raise AssertionError(f"no SCREENS list in {SCREENSHOT_TEST}")


def _po_entries(path):
    """{msgid: msgstr} of a .po or .pot file, fuzzy entries left out."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if re.search(r"^#,.*\bfuzzy\b", block, re.MULTILINE):
            continue
        strings = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgstr) (".*")$', line)
            if match:
                key = match[1]
                strings[key] = ast.literal_eval(match[2])
            elif key and line.startswith('"'):
                strings[key] += ast.literal_eval(line)
        if strings.get("msgid"):
            entries[strings["msgid"]] = strings.get("msgstr", "")
    return entries


def _pot_terms():
    return set(_po_entries(POT))


def test_each_department_has_a_page_in_each_language_and_the_index_links_them():
    index = (GUIDE / "README.md").read_text(encoding="utf-8")
    for lang in LANGUAGES:
        for department in DEPARTMENTS:
            page = GUIDE / lang / f"{department}.md"
            assert page.is_file(), f"no {page.relative_to(ROOT)}"
            assert f"({lang}/{department}.md)" in index, (
                f"the index does not link {lang}/{department}.md"
            )
            text = page.read_text(encoding="utf-8")
            assert text.startswith("# "), f"{page.relative_to(ROOT)}: a page starts with its title"
            assert IMAGE.search(text), f"{page.relative_to(ROOT)} shows no screenshot"


def test_the_readme_links_the_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Staff guide", 1)
    assert len(section) == 2, "the README has a '## Staff guide' section"
    assert section[1].index("docs/guide/") < section[1].index("\n## "), "it links docs/guide/"
    assert readme.index("## Staff guide") < readme.index("## Model map")
    for lang in LANGUAGES:
        for department in DEPARTMENTS:
            assert f"docs/guide/{lang}/{department}.md" in section[1].split("\n## ")[0]


def test_every_image_a_page_shows_exists_and_is_taken_by_the_browser_tests():
    screens = _screen_names()
    problems = []
    for page in _pages():
        for target in IMAGE.findall(page.read_text(encoding="utf-8")):
            path = (page.parent / target).resolve()
            where = f"{page.relative_to(ROOT)}: {target}"
            if not path.is_file():
                problems.append(f"{where} (no such file)")
            elif path.parent == SCREENSHOTS.resolve() and path.stem not in screens:
                problems.append(f"{where} (not in SCREENS of test_ui_screenshots.py)")
            elif not path.is_relative_to(ROOT):
                problems.append(f"{where} (outside the repository)")
    assert not problems, "the staff guide shows images it cannot keep:\n" + "\n".join(problems)


def test_every_link_of_the_guide_exists():
    missing = []
    for page in _pages():
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            if not (page.parent / target).exists():
                missing.append(f"{page.relative_to(ROOT)}: {target}")
    assert not missing, "the staff guide links what is not there:\n" + "\n".join(missing)


def test_the_screen_names_of_the_english_pages_are_the_addons_or_odoos():
    if not POT.is_file():
        pytest.skip(f"no {POT.relative_to(ROOT)} to read the addon's terms from")
    terms = _pot_terms() | ODOO_LABELS
    unknown = []
    for department in DEPARTMENTS:
        page = GUIDE / "en" / f"{department}.md"
        for bold in BOLD.findall(page.read_text(encoding="utf-8")):
            for label in " ".join(bold.split()).split(" › "):
                if label not in terms:
                    unknown.append(f"en/{department}.md: {label}")
    assert not unknown, "screen names the product does not show:\n" + "\n".join(unknown)


def test_the_chinese_pages_name_each_screen_as_zh_hk_translates_it():
    if not ZH_HK_PO.is_file():
        pytest.skip(f"no {ZH_HK_PO.relative_to(ROOT)} to read the translations from")
    translations = {en: zh for en, zh in _po_entries(ZH_HK_PO).items() if zh}
    problems = []
    pairs = 0
    for department in DEPARTMENTS:
        page = GUIDE / "zh_HK" / f"{department}.md"
        for chinese, english in PAIR.findall(page.read_text(encoding="utf-8")):
            if CJK.search(english):
                continue  # a remark in brackets, not an English name
            pairs += 1
            zh_parts = " ".join(chinese.split()).split(" › ")
            en_parts = " ".join(english.split()).split(" › ")
            where = f"zh_HK/{department}.md: **{chinese}**（{english}）"
            if len(zh_parts) != len(en_parts):
                problems.append(f"{where}: not the same path")
                continue
            for zh, en in zip(zh_parts, en_parts, strict=True):
                if en in ODOO_LABELS:
                    continue
                if en not in translations:
                    problems.append(f"{where}: {en!r} is no translated term")
                elif translations[en] != zh:
                    problems.append(f"{where}: zh_HK.po says {translations[en]!r}")
    assert pairs > 100, "the Chinese pages give the English of the screen names"
    assert not problems, "the Chinese pages name screens as the product does not:\n" + "\n".join(
        problems
    )
