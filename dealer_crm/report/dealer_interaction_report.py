# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from .dealer_analysis_mixin import selection_of


def _selection_of(name):
    return selection_of("dealer.interaction", name)


class DealerInteractionReport(models.Model):
    """Interactions by channel, direction, department and outcome."""

    _name = "dealer.interaction.report"
    _inherit = "dealer.analysis.mixin"
    _description = "Interaction Analysis"
    _auto = False
    _order = "date desc"
    _depends = {
        "dealer.interaction": [
            "date",
            "channel",
            "direction",
            "department",
            "outcome",
            "user_id",
            "partner_id",
            "company_id",
        ],
    }

    date = fields.Datetime(readonly=True)
    channel = fields.Selection(selection=_selection_of("channel"), readonly=True)
    direction = fields.Selection(selection=_selection_of("direction"), readonly=True)
    department = fields.Selection(selection=_selection_of("department"), readonly=True)
    outcome = fields.Selection(selection=_selection_of("outcome"), readonly=True)
    user_id = fields.Many2one("res.users", string="Staff", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    interaction_count = fields.Integer(string="Interactions", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def _query(self):
        return SQL(
            """
            SELECT i.id, i.date, i.channel, i.direction, i.department, i.outcome, i.user_id,
                   i.partner_id, 1 AS interaction_count, i.company_id
              FROM dealer_interaction i
            """
        )
