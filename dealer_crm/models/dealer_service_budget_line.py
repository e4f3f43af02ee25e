# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

CATEGORIES = [
    ("events", "Events and owner clubs"),
    ("loyalty_rewards", "Loyalty rewards and offers"),
    ("letters", "Letters of thanks"),
    ("promotional_items", "Promotional items"),
    ("staff", "Staff"),
    ("hardware", "Hardware and systems"),
]
#: categories whose spend is held by records: the loyalty actions of these kinds
LOYALTY_KINDS = {
    "loyalty_rewards": ("complementary_offer", "credit_facility"),
    "letters": ("thanks_letter",),
    "promotional_items": ("promotional_item",),
}


class DealerServiceBudgetLine(models.Model):
    """A line of the customer service budget. Events, loyalty rewards, letters and
    promotional items are counted from the records that hold them (events' costs, the
    loyalty actions' values) in the plan's period; staff and hardware, held nowhere in
    Odoo's customer records, are entered."""

    _name = "dealer.service.budget.line"
    _description = "Customer Service Budget Line"
    _order = "plan_id, category"
    _dealer_partner_fields = ()

    plan_id = fields.Many2one("dealer.service.plan", required=True, ondelete="cascade", index=True)
    category = fields.Selection(CATEGORIES, required=True)
    planned = fields.Monetary(required=True)
    spent_entered = fields.Monetary(
        string="Spent (Entered)", help="Only for staff and hardware, which no record holds."
    )
    actual = fields.Monetary(compute="_compute_actual", string="Spent")
    from_records = fields.Boolean(compute="_compute_actual")
    remaining = fields.Monetary(compute="_compute_actual")
    currency_id = fields.Many2one(related="plan_id.currency_id")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)

    _sql_constraints = [
        ("planned_check", "CHECK(planned >= 0)", "A budget cannot be negative."),
        ("category_uniq", "unique(plan_id, category)", "One budget line per category."),
    ]

    @api.depends("category", "planned", "spent_entered", "plan_id.date_from", "plan_id.date_to")
    @api.depends_context("tz")
    def _compute_actual(self):
        for line in self:
            plan = line.plan_id
            period = [("company_id", "=", plan.company_id.id)]
            if line.category in LOYALTY_KINDS:
                # in the plan's company currency, each action at its own date
                spent = (
                    self.env["res.currency"]
                    .with_company(plan.company_id)
                    ._dealer_company_sums(
                        "dealer.loyalty.action",
                        period
                        + [
                            ("kind", "in", LOYALTY_KINDS[line.category]),
                            ("date", ">=", plan.date_from),
                            ("date", "<=", plan.date_to),
                        ],
                        "value",
                        "date",
                    )
                )
                line.from_records = True
            elif line.category == "events":
                # whole days in the user's time zone, the last one included
                start, end = self.env["dealer.trend.report"]._period_bounds(
                    plan.date_from, plan.date_to
                )
                [[spent]] = self.env["event.event"]._read_group(
                    period + [("date_begin", ">=", start), ("date_begin", "<", end)],
                    [],
                    ["dealer_cost:sum"],
                )
                line.from_records = True
            else:
                spent = line.spent_entered
                line.from_records = False
            line.actual = spent or 0.0
            line.remaining = line.planned - line.actual
