# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL
from odoo.tools.sql import column_exists, rename_column

#: 1.6 (issue 25, names): every field dealer_crm adds to a core model carries the
#: ``dealer_`` prefix, and ``dealer_kind`` names the loyalty movement only.
#: {model: {old name: new name}}; res.users carries res.partner's fields by delegation.
RENAMED = {
    "res.partner": {
        "vehicle_ids": "dealer_vehicle_ids",
        "vehicle_ownership_ids": "dealer_vehicle_ownership_ids",
        "vehicle_count": "dealer_vehicle_count",
        "past_vehicle_count": "dealer_past_vehicle_count",
    },
    "crm.lead": {
        "vehicle_model_id": "dealer_vehicle_model_id",
        "trade_in_vehicle_id": "dealer_trade_in_vehicle_id",
        "enquiry_channel": "dealer_enquiry_channel",
        "trade_in_value": "dealer_trade_in_value",
        "trade_in_condition": "dealer_trade_in_condition",
        "trade_in_appraiser_id": "dealer_trade_in_appraiser_id",
        "trade_in_state": "dealer_trade_in_state",
        "trade_in_approved_by_id": "dealer_trade_in_approved_by_id",
        "test_drive_ids": "dealer_test_drive_ids",
        "test_drive_count": "dealer_test_drive_count",
    },
    "event.event": {"dealer_kind": "dealer_promotion"},
    "survey.user_input": {"dealer_kind": "dealer_survey_occasion"},
}
#: names other models have fields of too: renamed only at the root of their own model's
#: domains (loyalty.history keeps its dealer_kind). The team's resource_calendar_id is
#: not renamed: since 1.9 it is helpdesk_mgmt_sla's field, which dealer_crm uses.
AMBIGUOUS = {"dealer_kind"}
#: models that carry another model's fields by delegation (``_inherits``)
DELEGATED = {"res.partner": ("res.users",)}
#: the smart-button methods, one pattern (``action_dealer_view_<things>`` on core models)
METHODS = {
    "res.partner": {
        "action_view_dealer_services": "action_dealer_view_services",
        "action_view_vehicles": "action_dealer_view_vehicles",
        "action_view_past_vehicles": "action_dealer_view_past_vehicles",
    },
    "crm.lead": {"action_dealer_test_drives": "action_dealer_view_test_drives"},
    "fleet.vehicle.model": {"action_view_dealer_vehicles": "action_dealer_view_vehicles"},
    "fleet.vehicle.model.brand": {"action_view_dealer_models": "action_dealer_view_models"},
}


def _rename_column(cr, table, old, new):
    """The column, its index and its foreign key, when the old one is there and the new
    one not yet (a database already migrated, or a fresh one, is left alone)."""
    if not column_exists(cr, table, old) or column_exists(cr, table, new):
        return
    rename_column(cr, table, old, new)
    cr.execute(
        SQL(
            "ALTER INDEX IF EXISTS %s RENAME TO %s",
            SQL.identifier(f"{table}__{old}_index"),
            SQL.identifier(f"{table}__{new}_index"),
        )
    )
    cr.execute(SQL("SELECT 1 FROM pg_constraint WHERE conname = %s", f"{table}_{old}_fkey"))
    if cr.fetchone():
        cr.execute(
            SQL(
                "ALTER TABLE %s RENAME CONSTRAINT %s TO %s",
                SQL.identifier(table),
                SQL.identifier(f"{table}_{old}_fkey"),
                SQL.identifier(f"{table}_{new}_fkey"),
            )
        )


def _rename_field(cr, model, old, new):
    """The field's row (tracking values and selection options keep pointing at it), its
    xml ids and those of its options."""
    cr.execute(
        SQL(
            """
            UPDATE ir_model_fields f SET name = %(new)s
             WHERE f.model = %(model)s AND f.name = %(old)s
               AND NOT EXISTS (SELECT 1 FROM ir_model_fields n
                                WHERE n.model = %(model)s AND n.name = %(new)s)
            """,
            model=model,
            old=old,
            new=new,
        )
    )
    prefix = model.replace(".", "_")
    for old_xmlid, new_xmlid, anything in (
        (f"field_{prefix}__{old}", f"field_{prefix}__{new}", ""),
        (f"selection__{prefix}__{old}__", f"selection__{prefix}__{new}__", "%"),
    ):
        cr.execute(
            SQL(
                """
                UPDATE ir_model_data d
                   SET name = %(new)s || substr(d.name, length(%(old)s) + 1)
                 WHERE d.module = 'dealer_crm' AND d.name LIKE %(pattern)s
                   AND NOT EXISTS (SELECT 1 FROM ir_model_data n
                                    WHERE n.module = 'dealer_crm'
                                      AND n.name = %(new)s || substr(d.name, length(%(old)s) + 1))
                """,
                old=old_xmlid,
                new=new_xmlid,
                pattern=old_xmlid.replace("_", r"\_") + anything,
            )
        )


def _rename_in_domains(cr, model, old, new):
    """Saved filters and record rules (those in ``noupdate`` blocks are not reloaded):
    the field at the root of a path on its own model, and inside a path on any model when
    no other model has a field of that name."""
    models = [model, *DELEGATED.get(model, ())]
    changes = [(rf"(['\"]){old}\M", rf"\1{new}", models)]
    if old not in AMBIGUOUS:
        changes.append((rf"\.{old}\M", f".{new}", None))
    for pattern, replace, of_models in changes:
        for table, columns in (
            ("ir_filters", ("domain", "context", "sort")),
            ("ir_rule", ("domain_force",)),
        ):
            where = SQL("TRUE")
            if of_models and table == "ir_filters":
                where = SQL("model_id IN %s", tuple(of_models))
            elif of_models:
                where = SQL(
                    "model_id IN (SELECT id FROM ir_model WHERE model IN %s)", tuple(of_models)
                )
            sets = [
                SQL("%s = regexp_replace(%s, %s, %s, 'g')", column, column, pattern, replace)
                for column in map(SQL.identifier, columns)
            ]
            found = [SQL("%s ~ %s", SQL.identifier(column), pattern) for column in columns]
            cr.execute(
                SQL(
                    "UPDATE %s SET %s WHERE %s AND (%s)",
                    SQL.identifier(table),
                    SQL(", ").join(sets),
                    where,
                    SQL(" OR ").join(found),
                )
            )


def _rename_in_views(cr, model, old, new):
    """The stored views of the model: a view is checked with the stored views that extend
    it, which the upgrade reloads only after it."""
    cr.execute(
        SQL(
            """
            UPDATE ir_ui_view
               SET arch_db = regexp_replace(arch_db::text, %(word)s, %(new)s, 'g')::jsonb
             WHERE model = %(model)s AND arch_db::text ~ %(word)s
            """,
            word=rf"\m{old}\M",
            new=new,
            model=model,
        )
    )


def migrate(cr, version):
    if not version:
        return
    for model, names in RENAMED.items():
        table = model.replace(".", "_")
        for old, new in names.items():
            _rename_column(cr, table, old, new)
            for each in (model, *DELEGATED.get(model, ())):
                _rename_field(cr, each, old, new)
            _rename_in_domains(cr, model, old, new)
            _rename_in_views(cr, model, old, new)
    for model, names in METHODS.items():
        for old, new in names.items():
            _rename_in_views(cr, model, old, new)
