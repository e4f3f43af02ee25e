"""docs/architecture.md cannot drift: every file, function and test it names exists.

The document (its tables and its text) names code in backticks as ``path``,
``path:name`` (a function, class, constant or field defined in that file) or
``path::test_name``. Paths are relative to the repository root or to ``dealer_crm/``.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
ADDON = ROOT / "dealer_crm"

#: `path`, `path:name`, `path::name`, `folder/`
REFERENCE = re.compile(
    r"^(?P<path>[\w./-]+?(?:\.(?:py|xml|csv|md)|/))(?:(?P<sep>::?)(?P<name>[\w.]+))?$"
)
#: `tools.channels.consent_channel`: a module of the addon and a name in it
DOTTED = re.compile(r"^(?P<module>(?:models|report|wizards|tools)\.\w+)\.(?P<name>\w+)$")


def _references():
    """(line number, token) of every backticked token; an absolute path (outside the
    repository) is not checked."""
    refs = []
    for number, line in enumerate(DOC.read_text(encoding="utf-8").splitlines(), 1):
        for token in re.findall(r"`([^`\n]+)`", line):
            if not token.startswith("/"):
                refs.append((number, token))
    return refs


def _resolve(path):
    for base in (ROOT, ADDON):
        candidate = base / path
        if candidate.exists():
            return candidate
    return None


def _defines(path, name):
    """Whether ``path`` defines ``name``: a def, a class, or an assignment (a constant, a
    field); ``A.b`` means both ``A`` and ``b``."""
    text = path.read_text(encoding="utf-8")
    for part in name.split("."):
        pattern = (
            rf"^\s*(?:(?:async\s+)?def|class)\s+{re.escape(part)}\b|^\s*{re.escape(part)}\s*[:=]"
        )
        if not re.search(pattern, text, re.MULTILINE):
            return False
    return True


def test_the_document_exists_and_the_readme_links_it():
    assert DOC.is_file()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/architecture.md" in readme.split("## Departments")[0], "linked near Layout"


def test_the_document_names_code():
    checked = [ref for ref in _references() if REFERENCE.match(ref[1]) or DOTTED.match(ref[1])]
    assert len(checked) > 50, "the tables name the code they describe"


def test_every_path_and_name_in_the_document_exists():
    missing = []
    for number, token in _references():
        match = REFERENCE.match(token)
        dotted = DOTTED.match(token)
        if dotted:
            path = ADDON / (dotted["module"].replace(".", "/") + ".py")
            if not path.is_file() or not _defines(path, dotted["name"]):
                missing.append(f"line {number}: {token}")
            continue
        if not match:
            continue
        path = _resolve(match["path"])
        if path is None:
            missing.append(f"line {number}: {token} (no such file)")
        elif match["name"] and not _defines(path, match["name"]):
            missing.append(f"line {number}: {token} (not defined in {match['path']})")
    assert not missing, "docs/architecture.md names what is not there:\n" + "\n".join(missing)
