"""``scripts/i18n.py``, the merge and the template of ``make pot``, without Odoo."""

import importlib.util
from pathlib import Path

import polib

_spec = importlib.util.spec_from_file_location(
    "dealer_i18n", Path(__file__).resolve().parent.parent / "scripts/i18n.py"
)
i18n = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(i18n)

FIELD = "model:ir.model.fields,field_description:dealer_crm.field_dealer_vehicle__vin"
OTHER = "model:ir.model.fields,field_description:dealer_crm.field_sale_order__dealer_vin"
CODE = "code:addons/dealer_crm/tools/vin.py"


def _write(path, entries, **metadata):
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", **metadata}
    for msgid, msgstr, references, comment in entries:
        catalogue.append(
            polib.POEntry(msgid=msgid, msgstr=msgstr, occurrences=references, comment=comment)
        )
    catalogue.save(str(path))
    return path


def test_merge_keeps_translations_adds_new_terms_and_drops_old_ones(tmp_path):
    pot = _write(
        tmp_path / "dealer_crm.pot",
        [
            ("VIN", "", [(FIELD, ""), (OTHER, "")], "module: dealer_crm"),
            (
                "A VIN has %(length)s characters.",
                "",
                [(CODE, "0")],
                "module: dealer_crm\nodoo-python",
            ),
        ],
    )
    po = _write(
        tmp_path / "zh_HK.po",
        [
            ("VIN", "車架號碼", [(FIELD, "")], "module: dealer_crm"),
            ("Chassis", "底盤", [(FIELD, "")], "module: dealer_crm"),
        ],
        Language="zh_HK",
    )
    assert i18n.merge(str(pot), str(po)) == (1, 1, 1)
    merged = polib.pofile(str(po))
    assert [entry.msgid for entry in merged] == ["VIN", "A VIN has %(length)s characters."]
    vin, new = merged
    assert (vin.msgstr, vin.occurrences) == ("車架號碼", [(FIELD, ""), (OTHER, "")])
    assert (new.msgstr, new.occurrences, new.comment) == (
        "",
        [(CODE, "0")],
        "module: dealer_crm\nodoo-python",
    )
    assert merged.metadata["Language"] == "zh_HK"
    # Odoo's references come through: the model ones have no line number
    assert f"#: {FIELD}\n#: {OTHER}\n" in po.read_text()


def test_the_template_leaves_out_the_dates_of_the_export(tmp_path):
    exported = _write(
        tmp_path / "export.pot",
        [("VIN", "", [(FIELD, "")], "module: dealer_crm")],
        **{"POT-Creation-Date": "2026-11-30 20:46+0000", "PO-Revision-Date": "2026-11-30"},
    )
    i18n.write_template(str(exported), str(tmp_path / "dealer_crm.pot"))
    text = (tmp_path / "dealer_crm.pot").read_text()
    assert "Date" not in text and 'msgid "VIN"' in text
