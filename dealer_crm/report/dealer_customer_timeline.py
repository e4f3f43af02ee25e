# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.tools import SQL


class DealerCustomerTimeline(models.Model):
    """One row per event in a customer's life with us, for the 360 timeline.

    A SQL view over interactions, emails, sales, service visits, tickets and loyalty
    movements: nothing is copied, every row is the record itself.
    """

    _name = "dealer.customer.timeline"
    _inherit = "dealer.analysis.mixin"
    _description = "Customer Timeline"
    _auto = False
    _order = "date desc, id desc"
    # What the view reads: the ORM flushes these before searching it.
    _depends = {
        "dealer.interaction": ["partner_id", "date", "subject", "user_id", "company_id"],
        "mail.message": ["model", "res_id", "message_type", "date", "subject", "record_company_id"],
        "sale.order": ["partner_id", "date_order", "name", "state", "user_id", "company_id"],
        "dealer.service.record": [
            "partner_id",
            "date",
            "name",
            "state",
            "advisor_id",
            "company_id",
        ],
        "helpdesk.ticket": ["partner_id", "name", "user_id", "company_id"],
        "loyalty.history": ["card_id", "description"],
        "loyalty.card": ["partner_id", "company_id"],
        "event.registration": ["partner_id", "state", "event_id"],
        "event.event": ["name", "company_id"],
    }

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
            ("event", "Event"),
        ],
        readonly=True,
    )
    source_name = fields.Char(readonly=True)
    name = fields.Char(
        string="Event",
        compute="_compute_name",
        help="The title of the record, or only its kind where you may not open the record.",
    )
    res_model = fields.Char(readonly=True)
    res_id = fields.Integer(readonly=True)
    user_id = fields.Many2one("res.users", string="Staff", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    #: One SELECT per source. A row's id is the source's code * 10^10 + the source row's
    #: id: stable whatever else changes (never row_number()), so "open" always opens the
    #: row's own record, and PostgreSQL can filter by customer inside each branch.
    #: Every row carries its source's company, for the company rule.
    SOURCES = (
        """SELECT 1 * 10000000000::bigint + i.id AS id, 'interaction' AS kind,
                  i.id AS res_id, i.partner_id, i.date, i.subject AS source_name,
                  'dealer.interaction' AS res_model, i.user_id, i.company_id
             FROM dealer_interaction i WHERE i.partner_id IS NOT NULL""",
        """SELECT 2 * 10000000000::bigint + m.id, 'email', m.id, m.res_id, m.date,
                  COALESCE(m.subject, m.record_name), 'mail.message', NULL, m.record_company_id
             FROM mail_message m
            WHERE m.model = 'res.partner' AND m.message_type = 'email' AND m.res_id IS NOT NULL""",
        """SELECT 3 * 10000000000::bigint + s.id, 'sale', s.id, s.partner_id, s.date_order,
                  s.name, 'sale.order', s.user_id, s.company_id
             FROM sale_order s WHERE s.state = 'sale'""",
        """SELECT 4 * 10000000000::bigint + v.id, 'service', v.id, v.partner_id,
                  v.date::timestamp, v.name, 'dealer.service.record', v.advisor_id, v.company_id
             FROM dealer_service_record v WHERE v.state != 'cancelled'""",
        """SELECT 5 * 10000000000::bigint + t.id, 'ticket', t.id, t.partner_id, t.create_date,
                  t.name, 'helpdesk.ticket', t.user_id, t.company_id
             FROM helpdesk_ticket t WHERE t.partner_id IS NOT NULL""",
        """SELECT 6 * 10000000000::bigint + h.id, 'loyalty', c.id, c.partner_id, h.create_date,
                  h.description, 'loyalty.card', h.create_uid, c.company_id
             FROM loyalty_history h JOIN loyalty_card c ON c.id = h.card_id
            WHERE c.partner_id IS NOT NULL""",
        """SELECT 7 * 10000000000::bigint + r.id, 'event', r.id, r.partner_id, r.create_date,
                  e.name->>'en_US' || CASE r.state WHEN 'done' THEN ' (attended)'
                      WHEN 'cancel' THEN ' (cancelled)' ELSE ' (invited)' END,
                  'event.registration', r.create_uid, e.company_id
             FROM event_registration r JOIN event_event e ON e.id = r.event_id
            WHERE r.partner_id IS NOT NULL""",
    )

    def _query(self):
        return SQL(" UNION ALL ").join(SQL(query) for query in self.SOURCES)

    @api.depends_context("uid")
    def _compute_name(self):
        """The record's title for who may open it; only its kind for the others."""
        readable = set()
        by_model = {}
        for row in self:
            by_model.setdefault(row.res_model, set()).add(row.res_id)
        for model, ids in by_model.items():
            Model = self.env[model]
            if Model.has_access("read"):
                readable.update((model, i) for i in Model.browse(ids)._filtered_access("read").ids)
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for row in self:
            if (row.res_model, row.res_id) in readable:
                row.name = row.source_name
            else:
                row.name = _("%s (not yours to open)", kinds.get(row.kind, row.kind))

    def action_open_record(self):
        self.ensure_one()
        self.env[self.res_model].browse(self.res_id).check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "target": "current",
        }
