# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.tools import SQL


class DealerUnmetNeedReport(models.Model):
    """What customers asked for that the dealer could not offer: enquiries lost (by
    reason) and needs recorded for which no product or service is listed (a need with no
    product on its configuration). The reason or need is named in the reader's language:
    the query is built when read, with "No reason given" translated."""

    _name = "dealer.unmet.need.report"
    _inherit = "dealer.analysis.mixin"
    _description = "Needs Against Offering"
    _auto = False
    _order = "date desc"
    _depends = {
        "crm.lead": [
            "active",
            "probability",
            "lost_reason_id",
            "date_closed",
            "partner_id",
            "dealer_vehicle_model_id",
            "company_id",
            "user_id",
        ],
        "dealer.customer.need": ["tag_id", "date", "partner_id", "company_id", "user_id"],
        "dealer.need.tag": ["product_ids"],
    }

    date = fields.Date(readonly=True)
    #: when an enquiry was lost (UTC), for a period in the user's time zone; empty for a need
    closed_at = fields.Datetime(string="Lost At", readonly=True)
    kind = fields.Selection(
        [("lost_enquiry", "Lost enquiry"), ("unmet_need", "Need we do not offer")],
        readonly=True,
    )
    #: the lost reason's or the need's name, in the reader's language (both are translated)
    name = fields.Char(string="Reason or Need", readonly=True, translate=True)
    lost_reason_id = fields.Many2one("crm.lost.reason", readonly=True)
    need_tag_id = fields.Many2one("dealer.need.tag", string="Need", readonly=True)
    vehicle_model_id = fields.Many2one(
        "fleet.vehicle.model", string="Model Asked For", readonly=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Staff", readonly=True)
    count = fields.Integer(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    @property
    def _table_query(self):
        # built when read: "No reason given" in the reader's language
        return self._query()

    def _query(self):
        return SQL(
            """
            SELECT 1 * 10000000000::bigint + l.id AS id,
                   COALESCE(l.date_closed, l.write_date)::date AS date,
                   COALESCE(l.date_closed, l.write_date) AS closed_at,
                   'lost_enquiry' AS kind,
                   COALESCE(r.name, jsonb_build_object('en_US', %(no_reason)s)) AS name,
                   l.lost_reason_id, NULL::int AS need_tag_id,
                   l.dealer_vehicle_model_id AS vehicle_model_id,
                   l.partner_id, l.user_id, 1 AS count, l.company_id
              FROM crm_lead l
              LEFT JOIN crm_lost_reason r ON r.id = l.lost_reason_id
             WHERE NOT l.active AND l.probability = 0
            UNION ALL
            SELECT 2 * 10000000000::bigint + n.id, n.date, NULL::timestamp, 'unmet_need',
                   t.name, NULL, n.tag_id, NULL, n.partner_id, n.user_id, 1,
                   n.company_id
              FROM dealer_customer_need n
              JOIN dealer_need_tag t ON t.id = n.tag_id
             WHERE NOT EXISTS (SELECT 1 FROM dealer_need_tag_product_product_rel x
                                WHERE x.dealer_need_tag_id = t.id)
            """,
            no_reason=_("No reason given"),
        )
