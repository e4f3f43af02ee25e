# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools import SQL

#: a row's id is its source's code * ID_BASE + the source row's id (``source_id``)
ID_BASE = 10**10


class DealerCustomerTimeline(models.Model):
    """One row per event in a customer's life with us, for the 360 timeline.

    A SQL view over interactions, emails, sales, service visits, tickets and loyalty
    movements: nothing is copied, every row is the record itself.

    Read one customer at a time, it stays as fast as the sources' indexes: PostgreSQL
    pushes a filter on the customer (and the company rule) into each branch of the
    union, and a read by id is turned into each branch's own ids
    (:meth:`_condition_to_sql`), so neither scans a source table.
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
        "mailing.trace": ["model", "res_id", "trace_status", "sent_datetime", "mass_mailing_id"],
        "mailing.mailing": ["subject", "user_id", "dealer_company_id"],
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
            ("mailing", "Mailing"),
        ],
        readonly=True,
    )
    source_name = fields.Char(readonly=True)
    #: what became of an invitation to an event or of a mailing, said after its title
    source_state = fields.Selection(
        [
            ("invited", "invited"),
            ("attended", "attended"),
            ("cancelled", "cancelled"),
            ("queued", "queued"),
            ("sent", "sent"),
            ("opened", "opened"),
            ("replied", "replied"),
            ("bounced", "bounced"),
            ("failed", "failed"),
            ("not_sent", "not sent"),
        ],
        readonly=True,
    )
    name = fields.Char(
        string="Event",
        compute="_compute_name",
        help="The title of the record, or only its kind where you may not open the record.",
    )
    res_model = fields.Char(readonly=True)
    res_id = fields.Integer(readonly=True)
    user_id = fields.Many2one("res.users", string="Staff", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    #: One SELECT per source, in the order of ``kind``'s selection (the source's code is
    #: its position, from 1). A row's id is the source's code * 10^10 + the source row's
    #: id (``source_id``, a column of the view only): stable whatever else changes (never
    #: row_number()), so "open" always opens the row's own record, and PostgreSQL can
    #: filter by customer inside each branch. Every row carries its source's company,
    #: for the company rule.
    SOURCES = (
        """SELECT 1 * 10000000000::bigint + i.id AS id, i.id AS source_id, 'interaction' AS kind,
                  i.id AS res_id, i.partner_id, i.date, i.subject AS source_name,
                  NULL::varchar AS source_state, 'dealer.interaction' AS res_model, i.user_id,
                  i.company_id
             FROM dealer_interaction i WHERE i.partner_id IS NOT NULL""",
        """SELECT 2 * 10000000000::bigint + m.id, m.id, 'email', m.id, m.res_id, m.date,
                  COALESCE(m.subject, m.record_name), NULL, 'mail.message', NULL,
                  m.record_company_id
             FROM mail_message m
            WHERE m.model = 'res.partner' AND m.message_type = 'email' AND m.res_id IS NOT NULL""",
        """SELECT 3 * 10000000000::bigint + s.id, s.id, 'sale', s.id, s.partner_id, s.date_order,
                  s.name, NULL, 'sale.order', s.user_id, s.company_id
             FROM sale_order s WHERE s.state = 'sale'""",
        """SELECT 4 * 10000000000::bigint + v.id, v.id, 'service', v.id, v.partner_id,
                  v.date::timestamp, v.name, NULL, 'dealer.service.record', v.advisor_id,
                  v.company_id
             FROM dealer_service_record v WHERE v.state != 'cancelled'""",
        """SELECT 5 * 10000000000::bigint + t.id, t.id, 'ticket', t.id, t.partner_id, t.create_date,
                  t.name, NULL, 'helpdesk.ticket', t.user_id, t.company_id
             FROM helpdesk_ticket t WHERE t.partner_id IS NOT NULL""",
        """SELECT 6 * 10000000000::bigint + h.id, h.id, 'loyalty', c.id, c.partner_id,
                  h.create_date, h.description, NULL, 'loyalty.card', h.create_uid, c.company_id
             FROM loyalty_history h JOIN loyalty_card c ON c.id = h.card_id
            WHERE c.partner_id IS NOT NULL""",
        """SELECT 7 * 10000000000::bigint + r.id, r.id, 'event', r.id, r.partner_id, r.create_date,
                  e.name->>'en_US',
                  CASE r.state WHEN 'done' THEN 'attended' WHEN 'cancel' THEN 'cancelled'
                      ELSE 'invited' END,
                  'event.registration', r.create_uid, e.company_id
             FROM event_registration r JOIN event_event e ON e.id = r.event_id
            WHERE r.partner_id IS NOT NULL""",
        # a mailing sent to the customer (a contact), with what became of it
        """SELECT 8 * 10000000000::bigint + t.id, t.id, 'mailing', t.id, t.res_id,
                  COALESCE(t.sent_datetime, t.create_date),
                  mm.subject,
                  CASE t.trace_status WHEN 'sent' THEN 'sent' WHEN 'open' THEN 'opened'
                      WHEN 'reply' THEN 'replied' WHEN 'bounce' THEN 'bounced'
                      WHEN 'error' THEN 'failed' WHEN 'cancel' THEN 'not_sent'
                      ELSE 'queued' END,
                  'mailing.trace', mm.user_id, mm.dealer_company_id
             FROM mailing_trace t JOIN mailing_mailing mm ON mm.id = t.mass_mailing_id
            WHERE t.model = 'res.partner' AND t.trace_type = 'mail'""",
    )

    def _query(self):
        return SQL(" UNION ALL ").join(SQL(query) for query in self.SOURCES)

    @api.depends("kind", "source_name", "source_state", "res_model", "res_id", "partner_id")
    @api.depends_context("uid", "lang")
    def _compute_name(self):
        """The record's title (and what became of it) for who may open it; only its kind
        for the others."""
        readable = self._readable_records()
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        states = self._dealer_labels("source_state")
        for row in self:
            if row._opened_record() in readable:
                row.name = row.source_name
                if row.source_state:
                    row.name = _(
                        "%(title)s (%(state)s)",
                        title=row.source_name or "",
                        state=states[row.source_state],
                    )
            else:
                row.name = _("%s (not yours to open)", kinds.get(row.kind, row.kind))

    def _condition_to_sql(self, alias, fname, operator, value, query):
        """A search by ids (every read of rows by id) as each branch's own ids: ``kind``
        is a constant in each branch, so PostgreSQL keeps, in each branch, only the
        condition on its source's primary key (``id = 10^10 + 7`` becomes ``i.id = 7``
        in the interactions, nothing in the others) instead of computing every row's id
        in every source table."""
        ids = value if operator == "in" else [value]
        if (
            fname != "id"
            or operator not in ("in", "=")
            or not isinstance(ids, list | tuple)
            or not ids
            or not all(isinstance(id_, int) for id_ in ids)
        ):
            return super()._condition_to_sql(alias, fname, operator, value, query)
        kinds = [kind for kind, _label in self._fields["kind"].selection]
        by_kind = defaultdict(list)
        for id_ in ids:
            code, source_id = divmod(id_, ID_BASE)
            if 1 <= code <= len(kinds):
                by_kind[kinds[code - 1]].append(source_id)
        if not by_kind:
            return SQL("FALSE")
        return SQL(
            "(%s)",
            SQL(" OR ").join(
                SQL(
                    "(%s = %s AND %s = ANY(%s))",
                    SQL.identifier(alias, "kind"),
                    kind,
                    SQL.identifier(alias, "source_id"),
                    source_ids,
                )
                for kind, source_ids in by_kind.items()
            ),
        )

    def _opened_record(self):
        """(model, id) of the record whose read rights decide whether the row shows its
        title: its own, or for an email the customer's it was exchanged on (mail's own
        rule: who may read a document reads its messages)."""
        if self.res_model == "mail.message":
            return ("res.partner", self.partner_id.id)
        return (self.res_model, self.res_id)

    def _readable_records(self):
        """The set of the rows' :meth:`_opened_record` that the user may read, in one
        query whatever the number of rows and kinds (the record rules of each source,
        as ``_search`` applies them)."""
        by_model = defaultdict(set)
        for row in self:
            model, res_id = row._opened_record()
            by_model[model].add(res_id)
        if self.env.su:
            return {(model, i) for model, ids in by_model.items() for i in ids}
        selects = []
        for model, ids in by_model.items():
            Model = self.env[model].with_context(active_test=False)
            if Model.has_access("read"):
                query = Model._search([("id", "in", list(ids))])
                selects.append(query.select(SQL("%s", model), SQL.identifier(Model._table, "id")))
        if not selects:
            return set()
        rows = self.env.execute_query(SQL(" UNION ALL ").join(SQL("(%s)", s) for s in selects))
        return set(rows)

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
