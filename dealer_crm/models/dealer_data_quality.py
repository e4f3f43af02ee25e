# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from .dealer_consent import never_asked_sql

ISSUES = [
    ("no_phone", "No phone"),
    ("no_email", "No email"),
    ("no_consent", "Consent never asked"),
    ("stale", "Details not verified"),
    ("vehicle_no_owner", "Vehicle without owner"),
]
#: issue -> its code in the row id (code * 10**10 + id of the source row)
CODES = {key: index + 1 for index, (key, _label) in enumerate(ISSUES)}
# the same months as res.partner._dealer_verify_cutoff (setting, default 12)
STALE = """
    c.dealer_last_verified_date IS NULL
    OR c.dealer_last_verified_date < (now() at time zone 'UTC')::date - make_interval(
        months => COALESCE((SELECT NULLIF(value, '')::int FROM ir_config_parameter
                             WHERE key = 'dealer_crm.verify_months'), 12))
"""


class DealerDataQuality(models.Model):
    """What is missing from the customer database, one row per gap, to be fixed.

    A SQL view over the customers (people with a history or a customer type) and the
    vehicle register. Row ids are stable: the issue's code times 10^10 plus the id of the
    customer or vehicle.
    """

    _name = "dealer.data.quality"
    _description = "Customer Data Quality"
    _auto = False
    _order = "issue, partner_id, id"
    _dealer_partner_fields = ()  # a view over records already covered
    _dealer_not_personal_links = ("partner_id",)
    _depends = {
        "res.partner": [
            "phone",
            "mobile",
            "email",
            "dealer_last_verified_date",
            "dealer_customer_type",
            "customer_rank",
            "dealer_anonymized",
            "active",
            "company_id",
            "user_id",
        ],
        "dealer.consent": ["partner_id", "state"],
        "dealer.vehicle": ["owner_id", "company_id", "active"],
    }

    issue = fields.Selection(ISSUES, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    vehicle_id = fields.Many2one("dealer.vehicle", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    last_verified_date = fields.Date(string="Details Verified On", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        customers = SQL(
            """
            SELECT p.* FROM res_partner p
             WHERE p.active AND NOT COALESCE(p.dealer_anonymized, FALSE) AND NOT p.is_company
               AND p.type = 'contact' AND p.parent_id IS NULL
               AND (p.customer_rank > 0 OR p.dealer_customer_type IS NOT NULL
                    OR EXISTS (SELECT 1 FROM dealer_vehicle v WHERE v.owner_id = p.id))
            """
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

        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (WITH customers AS (%s) %s)",
                SQL.identifier(self._table),
                customers,
                SQL(" UNION ALL ").join(
                    [
                        row(
                            "no_phone",
                            SQL("COALESCE(c.phone, '') = '' AND COALESCE(c.mobile, '') = ''"),
                        ),
                        row("no_email", SQL("COALESCE(c.email, '') = ''")),
                        row(
                            "no_consent",
                            never_asked_sql(SQL("c.id")),
                        ),
                        row(
                            "stale",
                            SQL(STALE),
                        ),
                        SQL(
                            """
                            SELECT %s * 10000000000::bigint + v.id, 'vehicle_no_owner', NULL,
                                   v.id, NULL, NULL, v.company_id
                              FROM dealer_vehicle v WHERE v.active AND v.owner_id IS NULL
                            """,
                            CODES["vehicle_no_owner"],
                        ),
                    ]
                ),
            )
        )

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
