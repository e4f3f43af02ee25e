# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from ..models.dealer_consent import never_asked_sql

ISSUES = [
    ("no_phone", "No phone"),
    ("no_email", "No email"),
    ("no_consent", "Consent never asked"),
    ("stale", "Details not verified"),
    ("vehicle_no_owner", "Vehicle without owner"),
]
#: issue -> its code in the row id (code * 10**10 + id of the source row)
CODES = {key: index + 1 for index, (key, _label) in enumerate(ISSUES)}


class DealerDataQuality(models.Model):
    """What is missing from the customer database, one row per gap, to be fixed.

    A query over the active customers (the one definition,
    ``res.partner._dealer_customer_domain``) and the vehicle register, built when it is
    read (``_table_query``) so that the months of the verification setting and today are
    parameters, not a view reading the parameter table. Row ids are stable: the
    issue's code times 10^10 plus the id of the customer or vehicle.
    """

    _name = "dealer.data.quality"
    _description = "Customer Data Quality"
    _inherit = ["dealer.analysis.mixin"]
    _auto = False
    _order = "issue, partner_id, id"
    _depends = {
        "res.partner": [
            "phone",
            "mobile",
            "email",
            "dealer_last_verified_date",
            "dealer_customer_type",
            "customer_rank",
            "dealer_anonymized",
            "type",
            "active",
            "company_id",
            "user_id",
        ],
        "dealer.consent": ["partner_id", "state"],
        "dealer.vehicle": ["owner_id", "company_id", "active"],
        "sale.order": ["partner_id", "state"],
        "dealer.service.record": ["partner_id", "state"],
        "dealer.vehicle.ownership": ["partner_id"],
        "helpdesk.ticket": ["partner_id"],
    }

    issue = fields.Selection(ISSUES, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    vehicle_id = fields.Many2one("dealer.vehicle", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    last_verified_date = fields.Date(string="Details Verified On", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    @property
    def _table_query(self):
        return self._query()

    def _query(self):
        customers = SQL(
            "SELECT p.* FROM res_partner p WHERE p.active AND %s",
            self.env["res.partner"]._dealer_customer_sql("p"),
        )
        # the same cutoff as res.partner's Details Stale (the verification setting)
        stale = SQL(
            "c.dealer_last_verified_date IS NULL OR c.dealer_last_verified_date < %s",
            self.env["res.partner"]._dealer_verify_cutoff(),
        )

        def row(issue, condition):
            return SQL(
                """
                SELECT %(code)s * 10000000000::bigint + c.id AS id, %(issue)s AS issue,
                       c.id AS partner_id, NULL::int AS vehicle_id, c.user_id,
                       c.dealer_last_verified_date AS last_verified_date, c.company_id
                  FROM customers c WHERE %(condition)s
                """,
                code=CODES[issue],
                issue=issue,
                condition=condition,
            )

        vehicles = SQL(
            """
            SELECT %s * 10000000000::bigint + v.id, 'vehicle_no_owner', NULL,
                   v.id, NULL, NULL, v.company_id
              FROM dealer_vehicle v WHERE v.active AND v.owner_id IS NULL
            """,
            CODES["vehicle_no_owner"],
        )
        rows = [
            row("no_phone", SQL("COALESCE(c.phone, '') = '' AND COALESCE(c.mobile, '') = ''")),
            row("no_email", SQL("COALESCE(c.email, '') = ''")),
            row("no_consent", never_asked_sql(SQL("c.id"))),
            row("stale", stale),
            vehicles,
        ]
        return SQL("WITH customers AS (%s) %s", customers, SQL(" UNION ALL ").join(rows))

    def action_open(self):
        self.ensure_one()
        record = self.vehicle_id or self.partner_id
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
