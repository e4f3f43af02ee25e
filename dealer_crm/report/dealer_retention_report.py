# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL


class DealerRetentionReport(models.Model):
    """Did the buyers come back for service within 12 months of buying from us?

    One row per vehicle sold by us (an ownership that began with our sale). A sale less
    than 12 months old counts only once the buyer has come back: until then it is not
    known yet, and is left out of the rate.
    """

    _name = "dealer.retention.report"
    _inherit = "dealer.analysis.mixin"
    _description = "Service Retention Analysis"
    _auto = False
    _order = "sale_date desc"
    _depends = {
        "dealer.vehicle.ownership": ["vehicle_id", "partner_id", "date_start", "origin"],
        "dealer.service.record": ["vehicle_id", "date", "state"],
        "dealer.vehicle": ["brand_id", "model_id", "seller_id", "company_id"],
    }

    sale_date = fields.Date(readonly=True)
    vehicle_id = fields.Many2one("dealer.vehicle", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Buyer", readonly=True)
    brand_id = fields.Many2one("fleet.vehicle.model.brand", string="Make", readonly=True)
    model_id = fields.Many2one("fleet.vehicle.model", readonly=True)
    seller_id = fields.Many2one("res.users", string="Sold By", readonly=True)
    buyer_count = fields.Integer(string="Buyers", readonly=True)
    returned = fields.Integer(string="Came Back", readonly=True)
    retention_rate = fields.Float(string="Retention (%)", readonly=True, aggregator="avg")
    company_id = fields.Many2one("res.company", readonly=True)

    def _query(self):
        return SQL(
            """
            SELECT o.id, o.date_start AS sale_date, o.vehicle_id, o.partner_id,
                   COALESCE(v.brand_id, m.brand_id) AS brand_id, v.model_id, v.seller_id,
                   1 AS buyer_count, r.returned, r.returned * 100.0 AS retention_rate,
                   v.company_id
              FROM dealer_vehicle_ownership o
              JOIN dealer_vehicle v ON v.id = o.vehicle_id
              LEFT JOIN fleet_vehicle_model m ON m.id = v.model_id
              CROSS JOIN LATERAL (
                SELECT EXISTS (
                    SELECT 1 FROM dealer_service_record s
                     WHERE s.vehicle_id = o.vehicle_id AND s.state = 'done'
                       AND s.date > o.date_start
                       AND s.date <= o.date_start + interval '12 months')::int AS returned
              ) r
             WHERE o.origin = 'sale'
               AND (r.returned = 1
                    OR o.date_start <= (now() at time zone 'UTC')::date - interval '12 months')
            """
        )
