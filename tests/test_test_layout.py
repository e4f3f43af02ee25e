"""The tests' own layout, checked without Odoo: test-only code stays in the tests, and
the factories of ``dealer_crm/tests/common.py`` are not copied into the test files."""

import ast
import re
from pathlib import Path

import pytest

ADDON = Path(__file__).resolve().parent.parent / "dealer_crm"
TESTS = ADDON / "tests"
PRODUCTION = ("models", "wizards", "report", "controllers", "tools")
# files that may name a method without being tests: data, demo, views, assets, hooks
PRODUCTION_SUFFIXES = (".py", ".xml", ".js", ".csv")
FRAMEWORK_DECORATORS = {"depends", "onchange", "constrains", "autovacuum", "ondelete"}
# methods a test may call that production reaches without naming them (allow-list)
CALLED_BY_THE_FRAMEWORK = {
    "init",  # a SQL view's CREATE VIEW, run by the registry
    "generate_xlsx_report",  # report_xlsx renders through these two
    "get_workbook_options",
}
SHARED_FACTORIES = "common.py", "ui_common.py"


def _production_methods():
    """{method name: number of definitions} in the production Python packages,
    leaving out those the framework calls through a decorator."""
    methods = {}
    for folder in PRODUCTION:
        for path in (ADDON / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.FunctionDef) or node.name.startswith("__"):
                    continue
                decorators = {
                    getattr(d.func if isinstance(d, ast.Call) else d, "attr", None)
                    for d in node.decorator_list
                }
                if decorators & FRAMEWORK_DECORATORS:
                    continue
                methods[node.name] = methods.get(node.name, 0) + 1
    return methods


def _texts(production):
    for path in ADDON.rglob("*"):
        if path.suffix not in PRODUCTION_SUFFIXES or not path.is_file():
            continue
        if (TESTS in path.parents) == production:
            continue
        yield path.read_text(encoding="utf-8", errors="replace")


def test_no_production_method_is_called_only_by_tests():
    """A method that only the tests call is test code: it belongs in tests/common.py."""
    methods = _production_methods()
    production = "\n".join(_texts(production=True))
    tests = "\n".join(_texts(production=False))
    words = re.compile(r"\b\w+\b")
    counts_prod, counts_tests = {}, {}
    for counts, text in ((counts_prod, production), (counts_tests, tests)):
        for word in words.findall(text):
            if word in methods:
                counts[word] = counts.get(word, 0) + 1
    test_only = sorted(
        name
        for name, definitions in methods.items()
        if counts_tests.get(name)
        and counts_prod.get(name, 0) <= definitions
        and name not in CALLED_BY_THE_FRAMEWORK
    )
    assert not test_only, f"called only from tests, move them to tests/common.py: {test_only}"


def _model_of(call):
    """``"res.company"`` for ``env["res.company"].create(...)`` (also after ``.sudo()``)."""
    node = call.func.value
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value
    return None


def _keys(call):
    keys = {kw.arg for kw in call.keywords}
    for arg in call.args:
        if isinstance(arg, ast.Dict):
            keys |= {k.value for k in arg.keys if isinstance(k, ast.Constant)}
    return keys


def _copied_factories(path):
    """(line, what to use instead) for each factory of common.py written out again."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = getattr(func, "attr", getattr(func, "id", None))
        if name == "create" and isinstance(func, ast.Attribute):
            model = _model_of(node)
            if model == "res.company":
                found.append((node.lineno, "_create_company / _create_company_b"))
            elif model == "loyalty.program" and "dealer_scheme" in _keys(node):
                found.append((node.lineno, "_create_loyalty_program"))
        elif name == "new_test_user" and "company_ids" in _keys(node):
            found.append((node.lineno, "_create_user(login, groups, company)"))
        elif name == "execute" and "helpdesk_ticket SET create_date" in ast.unparse(node):
            found.append((node.lineno, "_backdate_tickets"))
    return found


TEST_FILES = sorted(p for p in TESTS.glob("*.py") if p.name not in SHARED_FACTORIES)


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: p.name)
def test_no_test_file_copies_a_shared_factory(path):
    assert not _copied_factories(path), f"{path.name}: use the factory of tests/common.py"


def test_the_checks_see_a_copied_factory(tmp_path):
    """The scan finds the copies it is about (it would pass on nothing otherwise)."""
    copy = tmp_path / "test_copy.py"
    copy.write_text(
        "def setUpClass(cls):\n"
        '    cls.company_b = cls.env["res.company"].create({"name": "B"})\n'
        '    cls.env["loyalty.program"].sudo().create({"name": "C", "dealer_scheme": True})\n'
        '    new_test_user(cls.env, login="b", company_ids=[Command.set(ids)])\n'
        '    cls.env.cr.execute("UPDATE helpdesk_ticket SET create_date = %s", [when])\n'
        '    cls.env.cr.execute("UPDATE loyalty_history SET create_date = %s", [when])\n'
    )
    assert [line for line, _use in _copied_factories(copy)] == [2, 3, 4, 5]


def test_the_common_setup_builds_on_odoo_base_common():
    """The shared test class is Odoo's BaseCommon (a quiet context and a company)."""
    tree = ast.parse((TESTS / "common.py").read_text())
    classes = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    bases = {getattr(b, "id", None) for b in classes["DealerCrmCase"].bases}
    assert "BaseCommon" in bases
    factories = {
        node.name
        for node in ast.walk(classes["DealerFactories"])
        if isinstance(node, ast.FunctionDef)
    }
    assert {
        "_create_company",
        "_create_company_b",
        "_create_user",
        "_create_vehicle",
        "_create_visit",
        "_create_order",
        "_create_ticket",
        "_backdate_tickets",
        "_create_loyalty_program",
    } <= factories
