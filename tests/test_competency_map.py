"""docs/competency-map.md cannot drift: every criterion is there, and what it names exists.

The map gives, for each performance criterion and range statement item of the five
competency standards behind dealer_crm, where the work is done (a menu path as users see
it, ``Dealer CRM > Customers > Customers``) and the test or tour that shows it, or says
that the addon does not support it and why. This check, without Odoo running and without
a database:

- builds the menu tree as Odoo would install it: the ``<menuitem>`` elements and
  ``ir.ui.menu`` records of dealer_crm and of every module it depends on (Odoo's own
  under ``$ODOO_PATH/odoo/addons``, OCA's in the ``odoo/addons`` folders of the Python
  path), in dependency order, a menu without a name taking its action's;
- fails when a menu path of the map does not resolve to an active menu with an action,
  when a test it names does not exist (file, class and method, read with ``ast``), when a
  tour is not registered in ``dealer_crm/static/tests/tours/*.esm.js``, when a criterion of
  ``CRITERIA`` is missing or is neither shown (a place and a test) nor said to be not
  supported with a reason, and when the totals of the map or the README do not count the
  rows. Each failure names the row.

The standards live outside the repository (``/work/shared/domain``), so their criteria are
listed here, in ``CRITERIA``; the map's introduction says how they are numbered.
"""

import ast
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "docs" / "competency-map.md"
README = ROOT / "README.md"
TOURS = ROOT / "dealer_crm" / "static" / "tests" / "tours"

#: The criteria of the five standards, by unit, as the map numbers them: performance
#: criteria as numbered in the unit (AU), performance requirements by their place in the
#: unit's bullets (HK), ``R<n>.<letter>`` for the n-th heading of an AU range statement and
#: its items, ``R`` for an HK unit's range.
CRITERIA = {
    "AURC362807A": (
        *("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "3.4", "3.5"),
        "R1",
        *("R2.a", "R2.b", "R2.c", "R2.d", "R2.e"),
        *("R3.a", "R3.b", "R3.c"),
        *("R4.a", "R4.b"),
        *("R5.a", "R5.b", "R5.c", "R5.d", "R5.e"),
        *("R6.a", "R6.b", "R6.c", "R6.d", "R6.e", "R6.f"),
        *("R7.a", "R7.b", "R7.c", "R7.d", "R7.e", "R7.f"),
    ),
    "AURSAA2002": (
        *("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "3.4"),
        *("4.1", "4.2", "4.3", "4.4", "4.5"),
        *("R1.a", "R1.b", "R1.c", "R1.d", "R1.e"),
        *("R2.a", "R2.b", "R2.c", "R2.d", "R2.e", "R2.f", "R2.g"),
        *("R3.a", "R3.b", "R3.c", "R3.d", "R3.e", "R3.f", "R3.g"),
        *("R4.a", "R4.b", "R4.c", "R4.d", "R4.e", "R4.f", "R4.g"),
        *("R5.a", "R5.b", "R5.c", "R5.d", "R5.e", "R5.f", "R5.g", "R5.h"),
    ),
    "AUSDCN310A": (
        "R",
        *("6.1.1", "6.1.1.a", "6.1.1.b", "6.1.1.c", "6.1.1.d", "6.1.2", "6.1.3", "6.1.4"),
        *("6.2.1", "6.2.1.a", "6.2.1.b", "6.2.1.c"),
        *("6.2.1.d", "6.2.1.d.i", "6.2.1.d.ii", "6.2.1.d.iii", "6.2.1.e"),
        *("6.2.1.f", "6.2.1.f.i", "6.2.1.f.ii", "6.2.1.f.iii", "6.2.1.f.iv"),
        *("6.2.1.f.v", "6.2.1.f.vi", "6.2.1.f.vii"),
    ),
    "104917L3": (
        "R",
        *("1.1", "1.1.a", "1.1.b", "1.1.c", "1.2", "1.3", "1.4"),
        *("2.1", "2.1.a", "2.1.b", "2.1.c", "2.1.d", "2.1.d.i", "2.1.d.ii", "2.1.d.iii"),
        *("2.1.e", "2.1.f", "2.1.f.i", "2.1.f.ii", "2.1.f.iii", "2.1.f.iv", "2.1.f.v"),
        *("3.1", "3.2"),
    ),
    "108798L6": (
        "R",
        *("1.1", "1.2", "1.2.a", "1.2.b", "1.2.c", "1.2.d", "1.2.e", "1.2.f", "1.2.g"),
        *("1.2.h", "1.2.i"),
        *("2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "2.10", "2.11"),
        *("2.12", "2.13", "2.14", "2.15"),
    ),
}
STATUSES = ("supported", "partly", "not supported")
#: the columns of a criterion row, in order
COLUMNS = ("id", "criterion", "status", "where", "shown by", "notes")
#: a row whose place is no menu says why, after these words (a command, a portal page)
NO_MENU = "no menu:"

MENU_PATH = re.compile(r"^[^`>]+(?: > [^`>]+)+$")
TEST_REF = re.compile(r"^(?P<path>[\w./]+\.py)::(?P<names>\w+(?:::\w+)?)$")
TOUR_REF = re.compile(r"^\w+_tour$")
TOUR_REGISTERED = re.compile(
    r"""registry\.category\(\s*["']web_tour\.tours["']\s*\)\s*\.add\(\s*["'](\w+)["']"""
)
BACKTICKED = re.compile(r"`([^`]+)`")
CRITERION_REF = re.compile(r"^[A-Z0-9]{8,} [\w.]+$")  # AURC362807A 1.1, 104917L3 R
ACTION_MODELS = ("ir.actions.",)


# The menu tree -------------------------------------------------------------------------


@dataclass
class Menu:
    name: str
    parent: str | None = None
    action: str | None = None
    active: bool = True


def odoo_addons():
    """The folder of Odoo's own addons, from ``ODOO_PATH`` (default /opt/odoo/18.0)."""
    odoo_path = Path(os.environ.get("ODOO_PATH", "/opt/odoo/18.0"))
    addons = odoo_path / "odoo" / "addons"
    if not (addons / "base" / "__manifest__.py").is_file():
        pytest.fail(
            f"ODOO_PATH={odoo_path} holds no Odoo 18.0 source (no {addons}/base/__manifest__.py):"
            " the competency map's menu paths are checked against Odoo's and OCA's menus. "
            "Set ODOO_PATH to an Odoo 18.0 source tree."
        )
    return addons


def addon_roots():
    """Where modules are looked for, in order: this repository, Odoo's addons (and the
    ``addons`` folder of a git checkout of Odoo), then the ``odoo/addons`` folders on the
    Python path (the OCA wheels: helpdesk_mgmt...)."""
    roots = [ROOT, odoo_addons()]
    checkout = roots[1].parent.parent / "addons"
    if checkout.is_dir():
        roots.append(checkout)
    for entry in sys.path:
        candidate = Path(entry or ".") / "odoo" / "addons"
        if candidate.is_dir() and candidate not in roots:
            roots.append(candidate)
    return roots


def install_order(module, roots):
    """``[(name, folder, manifest)]`` of ``module`` and everything it depends on, each
    after its own dependencies, as Odoo installs them."""
    order, seen = [], set()

    def visit(name, needed_by):
        if name in seen:
            return
        seen.add(name)
        folder = next((r / name for r in roots if (r / name / "__manifest__.py").is_file()), None)
        if folder is None:
            pytest.fail(
                f"module {name} (needed by {needed_by}) is not found in {[str(r) for r in roots]}:"
                " install the OCA wheels of requirements-oca.txt in this Python"
            )
        manifest = ast.literal_eval((folder / "__manifest__.py").read_text(encoding="utf-8"))
        for dependency in manifest.get("depends") or (["base"] if name != "base" else []):
            visit(dependency, name)
        order.append((name, folder, manifest))

    visit(module, "the competency map")
    return order


def _full_id(ref, module):
    return ref if "." in ref else f"{module}.{ref}"


def _eval_bool(text, default=True):
    if text is None:
        return default
    return text.strip() not in ("False", "0", "false", "")


class MenuTree:
    """The menus and action names loaded from modules' data files, in install order."""

    def __init__(self):
        self.menus = {}
        self.actions = {}

    def load_module(self, name, folder, manifest, texts=None):
        """Load the module's data files in manifest order; ``texts`` gives some files'
        content instead of the file's (``{"views/x.xml": "<odoo>...</odoo>"}``)."""
        for data in manifest.get("data", []):
            if not data.endswith(".xml"):
                continue
            if texts and data in texts:
                root = etree.fromstring(texts[data].encode())
            else:
                root = etree.parse(str(folder / data)).getroot()
            self.load_xml(root, name)

    def load_xml(self, root, module):
        for element in root.iter("record", "menuitem"):
            if element.tag == "record":
                self._record(element, module)
            elif element.getparent().tag != "menuitem":
                self._menuitem(element, module, parent=None)

    def _record(self, element, module):
        model, xmlid = element.get("model", ""), element.get("id")
        if not xmlid:
            return
        xmlid = _full_id(xmlid, module)
        values = {}
        for fld in element.iterchildren("field"):
            fname = fld.get("name")
            if fname in ("name", "parent_id", "action", "active"):
                values[fname] = fld.get("ref") or fld.get("eval") or (fld.text or "").strip()
        if model.startswith(ACTION_MODELS) and values.get("name"):
            self.actions[xmlid] = values["name"]
        elif model == "ir.ui.menu":
            menu = self.menus.setdefault(xmlid, Menu(name=xmlid))
            if "name" in values:
                menu.name = values["name"]
            if "parent_id" in values:
                parent = values["parent_id"]
                menu.parent = _full_id(parent, module) if _eval_bool(parent) else None
            if "action" in values:
                menu.action = _full_id(values["action"], module)
            if "active" in values:
                menu.active = _eval_bool(values["active"])

    def _menuitem(self, element, module, parent):
        """As ``odoo.tools.convert._tag_menuitem``: the parent is always set (none makes
        a top-level menu), the name is the attribute's, else the action's, else the id."""
        xmlid = _full_id(element.get("id"), module)
        if parent is None and element.get("parent"):
            parent = _full_id(element.get("parent"), module)
        action = element.get("action") and _full_id(element.get("action"), module)
        name = element.get("name") or (action and self.actions.get(action)) or element.get("id")
        menu = self.menus.setdefault(xmlid, Menu(name=name))
        menu.name, menu.parent = name, parent
        menu.active = _eval_bool(element.get("active"))
        if action:
            menu.action = action
        for child in element.iterchildren("menuitem"):
            self._menuitem(child, module, parent=xmlid)

    def paths(self):
        """``{"Root > Section > Item": menu}`` of every menu reachable by users: it and
        every menu above it active."""
        result = {}
        for menu in self.menus.values():
            names, current = [], menu
            while current is not None and current.active and len(names) < 20:
                names.append(current.name)
                if current.parent is None:
                    result[" > ".join(reversed(names))] = menu
                    break
                current = self.menus.get(current.parent)
        return result


def build_menu_tree(module="dealer_crm", texts=None):
    """The menus once ``module`` is installed; ``texts``: ``{module: {file: content}}``."""
    tree = MenuTree()
    for name, folder, manifest in install_order(module, addon_roots()):
        tree.load_module(name, folder, manifest, (texts or {}).get(name))
    return tree


# The map -----------------------------------------------------------------------------


@dataclass
class Row:
    line: int
    id: str
    criterion: str
    status: str
    where: str
    shown_by: str
    notes: str
    menus: list = field(default_factory=list)
    tests: list = field(default_factory=list)
    tours: list = field(default_factory=list)
    others: list = field(default_factory=list)
    references: list = field(default_factory=list)

    def __str__(self):
        return f"line {self.line}, {self.id}"


def _cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_rows(text):
    """The criterion rows of the map: table rows whose first cell is a backticked id of
    the form ``UNIT NUMBER``. Columns: id, criterion, status, where, shown by, notes."""
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("|"):
            continue
        cells = _cells(line.replace("\\|", "/"))
        first = re.fullmatch(r"`(\w+ [\w.]+)`", cells[0])
        if not first:
            continue
        cells += [""] * (len(COLUMNS) - len(cells))
        row = Row(number, first[1], *cells[1 : len(COLUMNS)])
        row.status = row.status.strip("*").strip().lower()
        # a backticked path in "where" is a menu path; other backticked text is a command
        row.menus = [token for token in BACKTICKED.findall(row.where) if MENU_PATH.match(token)]
        row.references = [t for t in BACKTICKED.findall(row.notes) if CRITERION_REF.match(t)]
        for token in BACKTICKED.findall(row.shown_by):
            if TEST_REF.match(token):
                row.tests.append(token)
            elif TOUR_REF.match(token):
                row.tours.append(token)
            else:
                row.others.append(token)
        rows.append(row)
    return rows


def expected_ids(criteria=CRITERIA):
    return [f"{unit} {number}" for unit, numbers in criteria.items() for number in numbers]


def test_exists(ref, root=ROOT):
    """Whether ``path.py::Class::method`` or ``path.py::function`` is defined."""
    match = TEST_REF.match(ref)
    path = root / match["path"]
    if not path.is_file():
        return f"no file {match['path']}"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = match["names"].split("::")
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    if len(names) == 1:
        return None if names[0] in functions else f"no test function {names[0]}"
    cls = classes.get(names[0])
    if cls is None:
        return f"no class {names[0]} in {match['path']}"
    # the class's own methods and those of its bases defined in the same file
    pending, methods = [cls], set()
    while pending:
        current = pending.pop()
        methods |= {n.name for n in current.body if isinstance(n, ast.FunctionDef)}
        pending += [classes[b.id] for b in current.bases if getattr(b, "id", None) in classes]
    return None if names[1] in methods else f"no method {names[1]} in {names[0]}"


test_exists.__test__ = False  # a helper, not a test


def registered_tours(folder=TOURS):
    return {
        name for path in folder.glob("*.js") for name in TOUR_REGISTERED.findall(path.read_text())
    }


def _reference_problems(row, paths, tours, expected, root):
    """What a row names and is not there: menu paths, tests, tours, other criteria."""
    problems = []
    for menu in row.menus:
        if menu not in paths:
            problems.append(f"{row}: menu path `{menu}` does not resolve")
        elif paths[menu].action is None:
            problems.append(f"{row}: menu path `{menu}` opens nothing (a menu without action)")
    for ref in row.tests:
        missing = test_exists(ref, root)
        if missing:
            problems.append(f"{row}: test `{ref}` does not exist ({missing})")
    problems += [
        f"{row}: tour `{tour}` is not registered in static/tests/tours"
        for tour in row.tours
        if tour not in tours
    ]
    problems += [f"{row}: `{token}` is neither a test nor a tour" for token in row.others]
    problems += [
        f"{row}: the notes refer to `{reference}`, no criterion"
        for reference in row.references
        if reference not in expected
    ]
    return problems


def _status_problems(row):
    """What a row's status asks for: a reason, or a place and a test (and what is missing)."""
    if row.status == "not supported":
        if len(row.notes.split()) < 3:
            return [f"{row}: not supported without a reason in the notes"]
        return []
    problems = []
    if not row.menus and NO_MENU not in row.where:
        problems.append(f"{row}: {row.status} without a menu path (or '{NO_MENU} why')")
    if not row.tests and not row.tours:
        problems.append(f"{row}: {row.status} without a test or a tour that shows it")
    if row.status == "partly" and len(row.notes.split()) < 3:
        problems.append(f"{row}: partly supported without saying what is missing")
    return problems


def row_problems(rows, paths, tours, criteria=CRITERIA, root=ROOT):
    """Every problem of the map's rows, each naming its row (or the criterion missing)."""
    problems = []
    expected = expected_ids(criteria)
    seen = {}
    for row in rows:
        if row.id in seen:
            problems.append(f"{row}: listed twice (first at line {seen[row.id].line})")
            continue
        seen[row.id] = row
        if row.id not in expected:
            problems.append(f"{row}: not a criterion of the standards (CRITERIA)")
        if row.status not in STATUSES:
            problems.append(f"{row}: status {row.status!r} is none of {STATUSES}")
            continue
        problems += _reference_problems(row, paths, tours, expected, root)
        problems += _status_problems(row)
    problems += [
        f"{criterion}: missing from the map" for criterion in expected if criterion not in seen
    ]
    return problems


def counts(rows, criteria=CRITERIA):
    """``{unit: {status: n}}`` and the total, from the rows."""
    result = {unit: dict.fromkeys(STATUSES, 0) for unit in criteria}
    for row in rows:
        unit = row.id.split(" ")[0]
        if unit in result and row.status in STATUSES:
            result[unit][row.status] += 1
    result["Total"] = {s: sum(result[u][s] for u in criteria) for s in STATUSES}
    return result


def summary_problems(text, rows, criteria=CRITERIA):
    """The summary table (``| UNIT | title | criteria | supported | partly | not supported |``
    and ``| Total | ...``) must count the rows."""
    problems, found = [], {}
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip("* ") for c in _cells(line)]
        if cells[0] in (*criteria, "Total") and len(cells) == 6:
            found[cells[0]] = cells[2:]
    for unit, by_status in counts(rows, criteria).items():
        expected = [str(sum(by_status.values()))] + [str(by_status[s]) for s in STATUSES]
        if unit not in found:
            problems.append(f"summary: no row for {unit}")
        elif found[unit] != expected:
            problems.append(
                f"summary: {unit} says {found[unit]} (criteria, supported, partly, not "
                f"supported), the rows count {expected}"
            )
    return problems


def not_supported_section_problems(text, rows):
    """The section "What the addon does not do" names exactly the rows not supported."""
    section = text.split("## What the addon does not do", 1)
    if len(section) == 1:
        return ["no section '## What the addon does not do'"]
    body = section[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(\w+ [\w.]+)`", body))
    unsupported = {row.id for row in rows if row.status == "not supported"}
    missing = [
        f"{i}: not supported, but not in 'What the addon does not do'"
        for i in sorted(unsupported - named)
    ]
    return missing + [
        f"{i}: in 'What the addon does not do', but its row is not 'not supported'"
        for i in sorted(named - unsupported)
    ]


# The checks on the real map -----------------------------------------------------------


@pytest.fixture(scope="module")
def menu_paths():
    return build_menu_tree().paths()


@pytest.fixture(scope="module")
def map_text():
    assert MAP.is_file(), "docs/competency-map.md is missing"
    return MAP.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rows(map_text):
    return parse_rows(map_text)


def test_the_menu_tree_holds_dealer_crm_and_the_modules_it_reuses(menu_paths):
    for path in (
        "Dealer CRM > Customers > Customers",
        "Dealer CRM > Complaints > Complaints and Feedback",
        "Sales > Orders > Quotations",
        "Helpdesk > Tickets > All Tickets",
    ):
        assert path in menu_paths, f"{path} is not found: the menu parser is broken"


def test_every_criterion_is_accounted_for_and_what_it_names_exists(rows, menu_paths):
    problems = row_problems(rows, menu_paths, registered_tours())
    assert not problems, "docs/competency-map.md:\n" + "\n".join(problems)


def test_the_summary_counts_the_rows(map_text, rows):
    problems = summary_problems(map_text, rows)
    problems += not_supported_section_problems(map_text, rows)
    assert not problems, "docs/competency-map.md:\n" + "\n".join(problems)


def test_the_readme_links_the_map_with_its_totals(rows):
    readme = README.read_text(encoding="utf-8")
    assert "## Competency map" in readme, "README has no '## Competency map' section"
    section = readme.split("## Competency map", 1)[1].split("\n## ", 1)[0]
    assert "docs/competency-map.md" in section, "the README section links the map"
    assert readme.index("## Competency map") < readme.index("## Model map")
    total = counts(rows)["Total"]
    said = (
        f"{sum(total.values())} criteria: {total['supported']} supported, "
        f"{total['partly']} partly, {total['not supported']} not supported"
    )
    assert said in section, f"the README section says the map's totals: '{said}'"


# The check can fail: on a menu renamed, and on a small map with every kind of fault ------

MENUS_FILE = "views/dealer_crm_menus.xml"


def test_a_menu_renamed_in_a_copy_of_the_menus_fails_the_rows_that_name_it(rows):
    text = (ROOT / "dealer_crm" / MENUS_FILE).read_text(encoding="utf-8")
    renamed = text.replace('name="Data Quality"', 'name="Data Checks"')
    assert renamed != text, "the menu to rename is in the menus file"
    paths = build_menu_tree(texts={"dealer_crm": {MENUS_FILE: renamed}}).paths()
    assert "Dealer CRM > Customers > Data Checks" in paths
    problems = row_problems(rows, paths, registered_tours())
    naming = [row for row in rows if "Dealer CRM > Customers > Data Quality" in row.menus]
    assert naming, "some rows name the menu"
    assert len(problems) == len(naming)
    for row, problem in zip(naming, problems, strict=True):
        assert problem == (
            f"line {row.line}, {row.id}: menu path `Dealer CRM > Customers > Data Quality` "
            "does not resolve"
        )


FAKE_CRITERIA = {"UNIT0001": ("1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "R1.a")}
FAKE_MENUS = """<odoo>
    <record id="shop_action" model="ir.actions.act_window"><field name="name">Shop</field></record>
    <menuitem id="root" name="Shop" />
    <menuitem id="sell" name="Sell" parent="root">
        <menuitem id="orders" name="Orders" action="shop_action" />
    </menuitem>
    <menuitem id="named_by_action" parent="sell" action="shop_action" />
    <menuitem id="gone" name="Gone" parent="sell" action="shop_action" active="False" />
    <record id="fake.orders" model="ir.ui.menu"><field name="name">Sales Orders</field></record>
</odoo>"""
GOOD_TEST = "dealer_crm/tests/test_service.py::TestService::test_service_form_flow"
BAD_TEST = "dealer_crm/tests/test_service.py::TestService::test_nothing"
NO_FILE = "tests/test_nothing.py::test_it"
NO_METHOD = "no method test_nothing in TestService"
FAKE_MAP = f"""
| ID | criterion | status | where | shown by | notes |
|---|---|---|---|---|---|
| `UNIT0001 1.1` | "sell" | supported | `Shop > Sell > Sales Orders` | `{GOOD_TEST}` | |
| `UNIT0001 1.2` | "sell again" | supported | `Shop > Sell > Orders` | `{GOOD_TEST}` | |
| `UNIT0001 1.3` | "test" | supported | `Shop > Sell > Shop` | `{BAD_TEST}` | |
| `UNIT0001 1.4` | "tour" | partly | `Shop > Sell > Gone` | `no_such_tour` | half |
| `UNIT0001 1.5` | "train" | not supported | — | — | |
| `UNIT0001 1.6` | "untested" | supported | `Shop > Sell` | | see `UNIT0001 9.9` |
| `UNIT0001 1.6` | "twice" | maybe | | | |
| `UNIT0001 9.9` | "extra" | not supported | — | — | not in the unit at all |
| `UNIT0001 R1.a` | "backup" | supported | no menu: `make backup` | `{NO_FILE}` | |

| unit | title | criteria | supported | partly | not supported |
|---|---|---|---|---|---|
| UNIT0001 | Fake | 8 | 6 | 0 | 2 |
| **Total** | | **8** | **5** | **1** | **2** |

## What the addon does not do
- `UNIT0001 1.5`, `UNIT0001 1.1`.
"""


def test_a_small_map_with_every_fault_fails_on_each_naming_its_row():
    tree = MenuTree()
    tree.load_xml(etree.fromstring(FAKE_MENUS.encode()), "fake")
    paths = tree.paths()
    assert set(paths) == {"Shop", "Shop > Sell", "Shop > Sell > Sales Orders", "Shop > Sell > Shop"}
    rows = parse_rows(FAKE_MAP)
    problems = row_problems(rows, paths, {"dealer_crm_sales_tour"}, FAKE_CRITERIA)
    assert problems == [
        "line 5, UNIT0001 1.2: menu path `Shop > Sell > Orders` does not resolve",
        f"line 6, UNIT0001 1.3: test `{BAD_TEST}` does not exist ({NO_METHOD})",
        "line 7, UNIT0001 1.4: menu path `Shop > Sell > Gone` does not resolve",
        "line 7, UNIT0001 1.4: tour `no_such_tour` is not registered in static/tests/tours",
        "line 7, UNIT0001 1.4: partly supported without saying what is missing",
        "line 8, UNIT0001 1.5: not supported without a reason in the notes",
        "line 9, UNIT0001 1.6: menu path `Shop > Sell` opens nothing (a menu without action)",
        "line 9, UNIT0001 1.6: the notes refer to `UNIT0001 9.9`, no criterion",
        "line 9, UNIT0001 1.6: supported without a test or a tour that shows it",
        "line 10, UNIT0001 1.6: listed twice (first at line 9)",
        "line 11, UNIT0001 9.9: not a criterion of the standards (CRITERIA)",
        f"line 12, UNIT0001 R1.a: test `{NO_FILE}` does not exist (no file tests/test_nothing.py)",
        "UNIT0001 1.7: missing from the map",
    ]
    said, counted = ["8", "6", "0", "2"], ["8", "5", "1", "2"]
    columns = "(criteria, supported, partly, not supported)"
    assert summary_problems(FAKE_MAP, rows, FAKE_CRITERIA) == [
        f"summary: UNIT0001 says {said} {columns}, the rows count {counted}"
    ]
    assert not_supported_section_problems(FAKE_MAP, rows) == [
        "UNIT0001 9.9: not supported, but not in 'What the addon does not do'",
        "UNIT0001 1.1: in 'What the addon does not do', but its row is not 'not supported'",
    ]


def test_without_odoo_at_odoo_path_the_check_fails_saying_so(monkeypatch, tmp_path):
    monkeypatch.setenv("ODOO_PATH", str(tmp_path))
    with pytest.raises(pytest.fail.Exception, match="holds no Odoo 18.0 source"):
        build_menu_tree()
