# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who is a customer: the one definition, in Python and in SQL, side by side.

A customer is a contact (a person or a company, not one of their addresses) we serve or
quote, who was not anonymised, and who is either declared one (Odoo's customer rank, or a
customer type: prospects included) or has a customer history: an order (a quotation,
even cancelled: a contact we quoted is a prospect, as Odoo's own quotation form makes
them a customer), a completed service visit, a vehicle owned (now or before) or a ticket.
With a company: a contact of that company or shared, with that history in that company.

Archived contacts are customers too (retention must reach them): the ORM leaves them out
as it always does (``active_test``), and a SQL reader adds ``active`` where it lists only
the live ones. Every reader asks this definition: the customer analysis (New customers),
Data Quality, the evaluation's candidates, the verification job and retention.
``tests/test_customer_definition.py`` checks that the two forms select the same partners.

The verification of details (details stale, the weekly job) lives here too: it asks
customers, and only them, to confirm their details.
"""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.access import DEALER_GROUPS

#: customer history: model -> (domain of the records that make a customer, SQL condition
#: on the same records with alias ``h``); the partner link is ``partner_id`` in each
HISTORY = {
    "sale.order": ([], "TRUE"),
    "dealer.service.record": ([("state", "=", "done")], "h.state = 'done'"),
    "dealer.vehicle.ownership": ([], "TRUE"),
    "helpdesk.ticket": ([], "TRUE"),
}


class DealerPartnerCustomerMixin(models.AbstractModel):
    _name = "dealer.partner.customer.mixin"
    _description = "Dealer Customer Definition and Details Verification"

    dealer_last_verified_date = fields.Date(
        string="Details Verified On",
        tracking=True,
        help="When the customer last confirmed their details were current.",
    )
    dealer_is_customer = fields.Boolean(
        string="Is a Customer",
        compute="_compute_dealer_is_customer",
        search="_search_dealer_is_customer",
        help="Declared a customer, or with a customer history (an order, a completed "
        "visit, a vehicle, a ticket): the one definition of a customer.",
        groups=DEALER_GROUPS,
    )
    dealer_details_stale = fields.Boolean(
        string="Details Stale",
        compute="_compute_dealer_details_stale",
        search="_search_dealer_details_stale",
        help="The details were never verified, or not within the months set in the settings.",
    )

    # ------------------------------------------------------------------ the definition
    @api.model
    def _dealer_customer_domain(self, company=None):
        """The customers (see the module docstring), as a domain on res.partner; with
        ``company`` (one company or several), the customers of those companies: a
        contact of one of them or shared, with a history in one of them. The history is
        read without record rules nor archiving, so the domain means the same for every
        user."""
        history = []
        for model, (domain, _sql) in HISTORY.items():
            Model = self.env[model].sudo().with_context(active_test=False)
            if company:
                domain = [*domain, ("company_id", "in", company.ids)]
            query = Model._search([*domain, ("partner_id", "!=", False)])
            column = SQL.identifier(Model._table, "partner_id")
            history.append(("id", "in", query.subselect(column)))
        declared = [("customer_rank", ">", 0), ("dealer_customer_type", "!=", False)]
        signals = [*declared, *history]
        domain = [
            ("dealer_anonymized", "=", False),
            ("type", "in", ("contact", False)),
            *(["|"] * (len(signals) - 1)),
            *signals,
        ]
        if company:
            domain += [("company_id", "in", [*company.ids, False])]
        return domain

    @api.model
    def _dealer_customer_sql(self, alias, company=None):
        """The SQL twin of :meth:`_dealer_customer_domain`: a condition on the res_partner
        row ``alias`` (a table alias), true for the customers (of ``company``, if given)."""
        partner = SQL.identifier(alias, "id")

        def history(model, condition):
            return SQL(
                "EXISTS (SELECT 1 FROM %(table)s h WHERE h.partner_id = %(partner)s AND %(cond)s"
                " %(company)s)",
                table=SQL.identifier(self.env[model]._table),
                partner=partner,
                cond=SQL(condition),
                company=SQL("AND h.company_id = %s", company.id) if company else SQL(),
            )

        return SQL(
            """(NOT COALESCE(%(anonymized)s, FALSE)
                AND COALESCE(%(type)s, 'contact') = 'contact'
                AND (COALESCE(%(rank)s, 0) > 0 OR %(kind)s IS NOT NULL OR %(history)s)
                %(company)s)""",
            anonymized=SQL.identifier(alias, "dealer_anonymized"),
            type=SQL.identifier(alias, "type"),
            rank=SQL.identifier(alias, "customer_rank"),
            kind=SQL.identifier(alias, "dealer_customer_type"),
            history=SQL(" OR ").join(
                history(model, condition) for model, (_domain, condition) in HISTORY.items()
            ),
            company=SQL(
                "AND (%s IS NULL OR %s = %s)",
                SQL.identifier(alias, "company_id"),
                SQL.identifier(alias, "company_id"),
                company.id,
            )
            if company
            else SQL(),
        )

    # Is a Customer: a customer of the user's current companies (a customer of another
    # company is not one here, as the per-company figures of the evaluation)
    def _compute_dealer_is_customer(self):
        customers = self.search(
            [("id", "in", self._origin.ids), *self._dealer_customer_domain(self.env.companies)]
        )
        for partner in self:
            partner.dealer_is_customer = partner._origin in customers

    def _search_dealer_is_customer(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search 'Is a Customer' with 'is set' or 'is not set'."))
        customers = expression.normalize_domain(self._dealer_customer_domain(self.env.companies))
        return customers if (operator == "=") == value else ["!", *customers]

    # ------------------------------------------------------------------ verification
    @api.model
    def _dealer_verify_cutoff(self):
        """Details verified before this date are stale (setting: months, default 12)."""
        months = self.env["dealer.settings.mixin"]._dealer_get("dealer_verify_months")
        return fields.Date.context_today(self) - relativedelta(months=max(months, 1))

    @api.depends("dealer_last_verified_date")
    def _compute_dealer_details_stale(self):
        limit = self._dealer_verify_cutoff()
        for partner in self:
            verified = partner.dealer_last_verified_date
            partner.dealer_details_stale = not verified or verified < limit

    def _search_dealer_details_stale(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search 'Details Stale' with 'is set' or 'is not set'."))
        stale = [
            "|",
            ("dealer_last_verified_date", "=", False),
            ("dealer_last_verified_date", "<", self._dealer_verify_cutoff()),
        ]
        return stale if (operator == "=") == value else ["!", *stale]

    def action_dealer_verified(self):
        """The customer confirmed their details: the verification activity is done."""
        self._dealer_check_caller()
        self.write({"dealer_last_verified_date": fields.Date.context_today(self)})
        activity_type = self.env.ref("dealer_crm.mail_activity_type_verify_details")
        self.env["mail.activity"].sudo().search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        ).action_feedback(feedback=_("Details verified."))

    @api.model
    def _cron_dealer_verify_details(self, batch_size=500):
        """Ask the responsible staff member to verify details not verified for the months
        set: one activity per customer, never a second while the first is open. The
        batch is taken with SKIP LOCKED and its activities created in its own
        transaction, which the cron framework commits: a second run at once, or a run
        after a crash, asks nothing twice."""
        _ = self.env._
        activity_type = self.env.ref("dealer_crm.mail_activity_type_verify_details")
        domain = [
            ("dealer_details_stale", "=", True),
            *self._dealer_customer_domain(),
            ("activity_ids", "not any", [("activity_type_id", "=", activity_type.id)]),
        ]
        partners = self._dealer_claim(domain, batch_size)
        if partners:
            self.env["mail.activity"].sudo().create(
                [
                    {
                        "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                        "res_id": partner.id,
                        "activity_type_id": activity_type.id,
                        "summary": _("Verify the customer's details"),
                        "date_deadline": fields.Date.context_today(self),
                        "user_id": partner._dealer_responsible().id,
                    }
                    for partner in partners
                ]
            )
        remaining = self.search_count(domain) if partners else 0
        self.env["ir.cron"]._notify_progress(done=len(partners), remaining=remaining)
        return partners

    def _dealer_responsible(self):
        """The salesperson of the customer if they work here, else a sales consultant."""
        self.ensure_one()
        company = self.company_id or self.env.company
        return self.env["dealer.department"]._dealer_leader(
            "sales", company, preferred=self.user_id
        )
