"""The addon's layout (issue 25): one room per model, found where the next engineer looks.

- views/<model>_views.xml holds the views and actions of one model (menus in dealer_crm_menus.xml);
- a wizard's form and action are in wizards/<wizard>_views.xml;
- an analysis (a model on dealer.analysis.mixin) lives in report/, its views beside it;
- every scheduled job is in data/ir_cron_data.xml;
- a Python file holds one model and is named after it (a header and its lines may share
  one file, as core does, when listed in HEADER_LINE_PAIRS).
"""

import ast
from pathlib import Path

import pytest
from lxml import etree

ADDON = Path(__file__).resolve().parent.parent / "dealer_crm"
MENUS = "views/dealer_crm_menus.xml"
CRON_FILE = "data/ir_cron_data.xml"
ANALYSIS_MIXIN = "dealer.analysis.mixin"
#: files allowed to hold a header model and its line model (none today)
HEADER_LINE_PAIRS = {}


def _xml_files(*folders):
    return sorted(p for folder in folders for p in (ADDON / folder).glob("*.xml"))


def _rel(path):
    return str(path.relative_to(ADDON))


def _record_model(record):
    """The model a view, action or report record is about (None for other records)."""

    def field(name):
        return record.find(f"field[@name='{name}']")

    kind = record.get("model")
    if kind in ("ir.ui.view", "ir.actions.report"):
        node = field("model")
        return node.text.strip() if node is not None and node.text else None
    if kind == "ir.actions.act_window":
        return field("res_model").text.strip()
    if kind == "ir.actions.server":
        ref = field("model_id").get("ref").split(".")[-1]
        return ref.removeprefix("model_").replace("_", ".")
    return None


def _records(path):
    return etree.parse(str(path)).getroot().iter("record")


def _classes(path):
    """[(class name, model, its _inherit list)] of the classes a Python file defines."""
    out = []
    for node in ast.parse(path.read_text()).body:
        if not isinstance(node, ast.ClassDef):
            continue
        name, inherits = None, []
        for stmt in node.body:
            if not isinstance(stmt, ast.Assign):
                continue
            for target in stmt.targets:
                if getattr(target, "id", None) == "_name" and isinstance(stmt.value, ast.Constant):
                    name = stmt.value.value
                if getattr(target, "id", None) == "_inherit":
                    if isinstance(stmt.value, ast.Constant):
                        inherits = [stmt.value.value]
                    elif isinstance(stmt.value, ast.List):
                        inherits = [e.value for e in stmt.value.elts if isinstance(e, ast.Constant)]
        model = name or (inherits[0] if inherits else None)
        if model:
            out.append((node.name, model, inherits))
    return out


def _python_files(*folders):
    return sorted(
        p for folder in folders for p in (ADDON / folder).glob("*.py") if p.name != "__init__.py"
    )


def _models_of(folder):
    return {model for path in _python_files(folder) for _cls, model, _inh in _classes(path)}


def _analysis_models():
    return {
        model
        for path in _python_files("models", "report", "wizards")
        for _cls, model, inherits in _classes(path)
        if ANALYSIS_MIXIN in inherits
    }


def _stem(model):
    return model.replace(".", "_")


def _view_records():
    """[(file, record id, model)] of every view/action/report record of the addon."""
    return [
        (_rel(path), record.get("id"), model)
        for path in _xml_files("views", "wizards", "report", "data")
        for record in _records(path)
        if (model := _record_model(record))
    ]


@pytest.mark.parametrize(
    "path",
    [_rel(p) for p in _xml_files("views", "wizards") if _rel(p) != MENUS],
)
def test_a_views_file_concerns_one_model_its_name(path):
    stem = Path(path).stem.removesuffix("_views")
    assert path.endswith("_views.xml"), path
    others = {
        (record.get("id"), _record_model(record))
        for record in _records(ADDON / path)
        if _stem(_record_model(record) or "?") != stem
    }
    assert not others, f"{path} holds records of other models: {sorted(others)}"


def test_menus_file_holds_only_menus():
    root = etree.parse(str(ADDON / MENUS)).getroot()
    assert [el.tag for el in root if isinstance(el.tag, str) and el.tag != "menuitem"] == []


def test_every_wizard_view_is_under_wizards():
    wizards = _models_of("wizards")
    misplaced = [
        (path, xmlid)
        for path, xmlid, model in _view_records()
        if model in wizards and path != f"wizards/{_stem(model)}_views.xml"
    ]
    assert not misplaced, f"wizard views outside wizards/<wizard>_views.xml: {misplaced}"


def test_every_analysis_lives_in_report_with_its_views():
    analyses = _analysis_models()
    assert analyses, "no model on the analysis mixin found"
    outside = sorted(
        _rel(path)
        for path in _python_files("models", "wizards")
        for _cls, model, _inh in _classes(path)
        if model in analyses
    )
    assert not outside, f"analysis models outside report/: {outside}"
    misplaced = [
        (path, xmlid)
        for path, xmlid, model in _view_records()
        if model in analyses and path != f"report/{_stem(model)}_views.xml"
    ]
    assert not misplaced, f"analysis views not beside their report: {misplaced}"


def test_every_scheduled_job_is_in_one_data_file():
    crons = [
        (_rel(path), record.get("id"))
        for path in ADDON.rglob("*.xml")
        for record in _records(path)
        if record.get("model") == "ir.cron"
    ]
    assert crons
    elsewhere = [(path, xmlid) for path, xmlid in crons if path != CRON_FILE]
    assert not elsewhere, f"scheduled jobs outside {CRON_FILE}: {elsewhere}"


@pytest.mark.parametrize("path", [_rel(p) for p in _python_files("models", "wizards", "report")])
def test_a_python_file_holds_one_model_named_after_it(path):
    models = {model for _cls, model, _inh in _classes(ADDON / path)}
    if len(models) > 1:
        assert HEADER_LINE_PAIRS.get(path) == models, f"{path} holds {sorted(models)}"
    if models and not all(model.startswith("report.") for model in models):
        # report.<module>.<name> is core's naming for a report's renderer, not a file name
        assert Path(path).stem in {_stem(model) for model in models}, (
            f"{path} is not named after its model {sorted(models)}"
        )


@pytest.mark.parametrize("path", [_rel(p) for p in _python_files("models")])
def test_a_model_file_imports_nothing_of_report(path):
    """models/ is loaded before report/: a model importing from report/ loads the
    analyses first, and an analysis view then reads columns of models not created yet
    (installing fails: ``column mm.dealer_company_id does not exist``)."""
    imports = [
        node
        for node in ast.walk(ast.parse((ADDON / path).read_text()))
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "report"
    ]
    assert not imports, f"{path} imports from report/: line {imports[0].lineno}"
