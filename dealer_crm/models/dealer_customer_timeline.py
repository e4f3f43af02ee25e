# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools


class DealerCustomerTimeline(models.Model):
    """One row per event in a customer's life with us, for the 360 timeline.

    A SQL view over interactions, emails, sales, service visits, tickets and loyalty
    movements: nothing is copied, every row is the record itself.
    """

    _name = "dealer.customer.timeline"
    _description = "Customer Timeline"
    _auto = False
    _order = "date desc, id desc"
    _dealer_partner_fields = ()  # a view over records already covered
    _dealer_not_personal_links = ("partner_id",)

    partner_id = fields.Many2one("res.partner", readonly=True)
    date = fields.Datetime(readonly=True)
    kind = fields.Selection(
        [
            ("interaction", "Interaction"),
            ("email", "Email"),
            ("sale", "Sale"),
            ("service", "Service visit"),
            ("ticket", "Ticket"),
            ("loyalty", "Loyalty"),
        ],
        readonly=True,
    )
    name = fields.Char(string="Event", readonly=True)
    res_model = fields.Char(readonly=True)
    res_id = fields.Integer(readonly=True)
    user_id = fields.Many2one("res.users", string="Staff", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT row_number() OVER () AS id, e.* FROM (
                    SELECT i.partner_id, i.date, 'interaction' AS kind, i.subject AS name,
                           'dealer.interaction' AS res_model, i.id AS res_id,
                           i.user_id, i.company_id
                      FROM dealer_interaction i
                    UNION ALL
                    SELECT m.res_id, m.date, 'email', COALESCE(m.subject, m.record_name),
                           'mail.message', m.id, NULL, NULL
                      FROM mail_message m
                     WHERE m.model = 'res.partner' AND m.message_type = 'email'
                    UNION ALL
                    SELECT s.partner_id, s.date_order, 'sale', s.name, 'sale.order', s.id,
                           s.user_id, s.company_id
                      FROM sale_order s WHERE s.state = 'sale'
                    UNION ALL
                    SELECT v.partner_id, v.date::timestamp, 'service', v.name,
                           'dealer.service.record', v.id, v.advisor_id, v.company_id
                      FROM dealer_service_record v WHERE v.state != 'cancelled'
                    UNION ALL
                    SELECT t.partner_id, t.create_date, 'ticket', t.name, 'helpdesk.ticket',
                           t.id, t.user_id, t.company_id
                      FROM helpdesk_ticket t
                    UNION ALL
                    SELECT c.partner_id, h.create_date, 'loyalty', h.description,
                           'loyalty.card', c.id, h.create_uid, c.company_id
                      FROM loyalty_history h JOIN loyalty_card c ON c.id = h.card_id
                ) e WHERE e.partner_id IS NOT NULL
            )"""
        )

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "target": "current",
        }
