# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from .dealer_analysis_mixin import selection_of


def _visit_selection(name):
    return selection_of("dealer.service.record", name)


class DealerServiceReport(models.Model):
    """Service activity: visits and revenue by type, advisor and make; comebacks."""

    _name = "dealer.service.report"
    _inherit = "dealer.analysis.mixin"
    _description = "Service Activity Analysis"
    _auto = False
    _order = "date desc"
    _depends = {
        "dealer.service.record": [
            "date",
            "state",
            "service_type",
            "advisor_id",
            "vehicle_id",
            "partner_id",
            "dealer_amount_net",
            "currency_id",
            "company_id",
        ],
        "dealer.vehicle": ["brand_id", "model_id"],
        "res.currency.rate": ["rate", "name", "currency_id", "company_id"],
    }

    date = fields.Date(readonly=True)
    state = fields.Selection(selection=_visit_selection("state"), readonly=True)
    service_type = fields.Selection(selection=_visit_selection("service_type"), readonly=True)
    advisor_id = fields.Many2one("res.users", readonly=True)
    vehicle_id = fields.Many2one("dealer.vehicle", readonly=True)
    brand_id = fields.Many2one("fleet.vehicle.model.brand", string="Make", readonly=True)
    model_id = fields.Many2one("fleet.vehicle.model", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(
        string="Revenue",
        readonly=True,
        help="In the company currency, converted at the visit's date.",
    )
    visit_count = fields.Integer(string="Visits", readonly=True)
    comeback = fields.Integer(
        string="Comebacks",
        readonly=True,
        help="A completed visit for the same vehicle within the comeback days (settings) "
        "after another: the work was not right the first time.",
    )
    comeback_rate = fields.Float(string="Comebacks (%)", readonly=True, aggregator="avg")
    company_id = fields.Many2one("res.company", readonly=True)

    @property
    def _table_query(self):
        """The view's visits and their comebacks, by the comeback days setting when read:
        the setting moves, the analysis follows (no module upgrade)."""
        days = self.env["dealer.settings.mixin"]._dealer_get("dealer_comeback_days")
        return SQL(
            """
            SELECT v.*, c.comeback, c.comeback * 100.0 AS comeback_rate
              FROM %(view)s v
              CROSS JOIN LATERAL (
                SELECT (v.state = 'done' AND EXISTS (
                    SELECT 1 FROM dealer_service_record p
                     WHERE p.vehicle_id = v.vehicle_id AND p.state = 'done' AND p.id != v.id
                       AND p.date <= v.date AND p.date >= v.date - %(days)s
                       AND (p.date < v.date OR p.id < v.id)))::int AS comeback
              ) c
            """,
            view=SQL.identifier(self._table),
            days=days,
        )

    def _query(self):
        """The view: every visit, without the comebacks that depend on a setting."""
        # the visit's net amount (after any loyalty discount) in its company's currency,
        # at the visit's date
        amount = self.env["res.currency"]._dealer_company_amount_sql(
            SQL("r.dealer_amount_net"), SQL("r.currency_id"), SQL("r.date"), SQL("r.company_id")
        )
        return SQL(
            """
            SELECT r.id, r.date, r.state, r.service_type, r.advisor_id, r.vehicle_id,
                   COALESCE(v.brand_id, m.brand_id) AS brand_id, v.model_id, r.partner_id,
                   co.currency_id, %(amount)s AS amount, 1 AS visit_count, r.company_id
              FROM dealer_service_record r
              JOIN res_company co ON co.id = r.company_id
              JOIN dealer_vehicle v ON v.id = r.vehicle_id
              LEFT JOIN fleet_vehicle_model m ON m.id = v.model_id
            """,
            amount=amount,
        )
