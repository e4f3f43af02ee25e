# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.9 (issue 31, SLA), before the module's data is loaded: dealer_crm's views that
show fields 1.9 removed (the pause fields and the team calendar, now helpdesk_mgmt_sla's
on-hold state and ``resource_calendar_id``) are deleted with their xml ids, and the
upgrade creates them again from the new XML.

Without it the upgrade stops: Odoo validates the ticket form with every view that
inherits it, while the old SLA view, not yet reloaded, still names a field that is gone.
"""

from odoo.tools import SQL

REMOVED_FIELDS = ("dealer_paused_since", "dealer_paused_hours", "dealer_resource_calendar_id")


def migrate(cr, version):
    cr.execute(
        SQL(
            """
            SELECT v.id FROM ir_ui_view v
              JOIN ir_model_data d ON d.model = 'ir.ui.view' AND d.res_id = v.id
             WHERE d.module = 'dealer_crm'
               AND v.arch_db::text ~ %s
            """,
            "|".join(REMOVED_FIELDS),
        )
    )
    view_ids = [row[0] for row in cr.fetchall()]
    if not view_ids:
        return
    cr.execute(
        SQL(
            "DELETE FROM ir_model_data WHERE model = 'ir.ui.view' AND res_id = ANY(%s)",
            view_ids,
        )
    )
    cr.execute(SQL("DELETE FROM ir_ui_view WHERE id = ANY(%s)", view_ids))
