"""Checks on the addon's files that need no Odoo and no database."""

import ast
import csv
import re
from pathlib import Path

import pytest
from lxml import etree

ADDON = Path(__file__).resolve().parent.parent / "dealer_crm"
MANIFEST = ast.literal_eval((ADDON / "__manifest__.py").read_text())


def _data_files():
    return MANIFEST.get("data", []) + MANIFEST.get("demo", [])


def _declared_models():
    """Every model the addon defines with _name (new models, not pure extensions)."""
    models = {}
    for path in ADDON.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {getattr(b, "attr", getattr(b, "id", None)) for b in node.bases}
            if "AbstractModel" in bases:
                continue  # abstract models hold no rows and need no access rules
            attrs = {}
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant):
                    for target in stmt.targets:
                        if isinstance(target, ast.Name):
                            attrs[target.id] = stmt.value.value
            inherits = set()
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and any(getattr(t, "id", None) == "_inherit" for t in stmt.targets)
                    and isinstance(stmt.value, ast.List)
                ):
                    inherits = {e.value for e in stmt.value.elts if isinstance(e, ast.Constant)}
            if "_name" in attrs and attrs["_name"] not in inherits:
                models[attrs["_name"]] = path.relative_to(ADDON)
    return models


def test_manifest_basics():
    assert MANIFEST["version"].startswith("18.0.")
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", MANIFEST["version"])
    assert MANIFEST["license"] == "AGPL-3"
    assert MANIFEST["application"] is True
    for dep in (
        "sale_management",
        "crm",
        "helpdesk_mgmt",
        "loyalty",
        "fleet",
        "report_xlsx",
        "mail",
    ):
        assert dep in MANIFEST["depends"]
    assert (ADDON / "static/description/icon.png").is_file()


def test_manifest_lists_only_existing_files():
    missing = [f for f in _data_files() if not (ADDON / f).is_file()]
    assert not missing, f"listed in the manifest but absent: {missing}"


def test_manifest_lists_every_data_file():
    listed = set(_data_files())
    on_disk = {
        str(p.relative_to(ADDON))
        for folder in ("data", "demo", "security", "views", "wizards", "report")
        for p in (ADDON / folder).glob("*")
        if p.suffix in (".xml", ".csv")
    }
    assert not on_disk - listed, f"data files the manifest forgets: {sorted(on_disk - listed)}"


def test_security_files_come_first():
    data = MANIFEST["data"]
    security = [i for i, f in enumerate(data) if f.startswith("security/")]
    assert security == list(range(len(security))), "security files must open the data list"


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ADDON)) for p in ADDON.rglob("*.xml")))
def test_xml_parses(path):
    etree.parse(str(ADDON / path))


def test_every_model_has_access_rules():
    with open(ADDON / "security/ir.model.access.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    covered = {row["model_id:id"].split(".")[-1] for row in rows}
    missing = [
        name for name in _declared_models() if "model_" + name.replace(".", "_") not in covered
    ]
    assert not missing, f"models without a line in ir.model.access.csv: {missing}"


def test_access_ids_are_unique_and_named_by_convention():
    with open(ADDON / "security/ir.model.access.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        assert row["id"].startswith("access_"), row["id"]


def test_every_test_module_is_imported_for_odoo_runner():
    """Odoo's own runner (``odoo-bin --test-enable``) only runs what tests/__init__.py imports."""
    tests_dir = ADDON / "tests"
    imported = set(
        re.findall(r"^from \. import (\w+)", (tests_dir / "__init__.py").read_text(), re.MULTILINE)
    )
    modules = {path.stem for path in tests_dir.glob("test_*.py")}
    assert modules, "no test modules found"
    assert not modules - imported, (
        f"not imported by tests/__init__.py: {sorted(modules - imported)}"
    )
    assert not imported - modules - {"common", "ui_common"}, "imports a module that does not exist"
