# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The monthly trend report: every figure against the period before and its target.

Each figure is read from the analysis views (``report/``) or the records with one
grouped query; nothing is typed. The same figures feed the manager dashboard and the
service plan's KPIs.
"""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..tools.period import period_bounds
from .dealer_followup_step import company_staff

#: code: (label, unit, higher is better, target setting or None, default target)
FIGURES = {
    "customers_new": ("New customers", "", True, None, 0),
    "visits": ("Service visits completed", "", True, None, 0),
    "service_revenue": ("Service revenue", "amount", True, None, 0),
    "sales_orders": ("Sales confirmed", "", True, None, 0),
    "sales_revenue": ("Sales revenue (untaxed)", "amount", True, None, 0),
    "interactions": ("Interactions recorded", "", True, None, 0),
    "complaints": ("Complaints received", "", False, None, 0),
    "first_response_hours": ("First response (hours)", "h", False, "first_response_hours", 8),
    "resolution_days": ("Complaint resolution (days)", "d", False, "resolution_days", 5),
    "sla_met": ("Complaints within service level (%)", "%", True, None, 0),
    "satisfaction": ("Satisfaction (1-5)", "", True, "satisfaction", 4),
    "promises_kept": ("Promises kept on time (%)", "%", True, "promises_kept", 90),
    "reminders_answered": ("Service reminders answered (%)", "%", True, "reminders_answered", 50),
    "comebacks": ("Service comebacks (%)", "%", False, "comebacks", 5),
    "retention": ("Buyers back for service within 12 months (%)", "%", True, "retention", 60),
    "points_earned": ("Loyalty points earned", "", True, None, 0),
    "points_redeemed": ("Loyalty points redeemed", "", True, None, 0),
    "points_expired": ("Loyalty points expired", "", False, None, 0),
    "lost_enquiries": ("Enquiries lost", "", False, None, 0),
}
STANDARDS = [code for code, spec in FIGURES.items() if spec[3]]
#: how a figure stands against its target: a figure with no data is neither met nor missed
STATUSES = [("met", "Met"), ("missed", "Missed"), ("no_data", "No data")]


def standard_status(value, target, higher_is_better):
    """'met', 'missed', or 'no_data' when nothing was measured (``value`` None)."""
    if value is None:
        return "no_data"
    return "met" if (value >= target if higher_is_better else value <= target) else "missed"


class DealerTrendReport(models.Model):
    _name = "dealer.trend.report"
    _description = "Customer Service Trend Report"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"
    _dealer_partner_fields = ()
    _dealer_protected_fields = frozenset(
        {"name", "standards_met", "standards_count", "standards_no_data", "sent_date"}
    )

    name = fields.Char(compute="_compute_name", store=True, copy=False)
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True, help="The last day of the period.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many("dealer.trend.report.line", "report_id", string="Figures")
    cause_ids = fields.One2many(
        "dealer.trend.report.item", "report_id", domain=[("kind", "=", "cause")]
    )
    need_ids = fields.One2many(
        "dealer.trend.report.item", "report_id", domain=[("kind", "=", "need")]
    )
    movement_ids = fields.One2many(
        "dealer.trend.report.item", "report_id", domain=[("kind", "=", "movement")]
    )
    standards_met = fields.Integer(compute="_compute_standards", store=True, copy=False)
    standards_count = fields.Integer(
        compute="_compute_standards",
        store=True,
        copy=False,
        help="The standards measured in the period: those with no data are not counted.",
    )
    standards_no_data = fields.Integer(
        string="Standards Without Data",
        compute="_compute_standards",
        store=True,
        copy=False,
    )
    sent_date = fields.Datetime(string="Sent to Managers On", readonly=True, copy=False)

    _sql_constraints = [
        (
            "period_uniq",
            "unique(company_id, date_from, date_to)",
            "There is already a trend report for this period: refresh it instead.",
        ),
        ("dates_check", "CHECK(date_to >= date_from)", "The period ends before it starts."),
    ]

    @api.depends("date_from", "date_to")
    def _compute_name(self):
        for report in self:
            if report.date_from and report.date_to:
                report.name = _(
                    "Trend report %(from)s to %(to)s",
                    **{"from": report.date_from, "to": report.date_to},
                )
            else:
                report.name = _("New trend report")

    @api.depends("line_ids.status")
    def _compute_standards(self):
        for report in self:
            statuses = report.line_ids.filtered("target_set").mapped("status")
            report.standards_count = statuses.count("met") + statuses.count("missed")
            report.standards_met = statuses.count("met")
            report.standards_no_data = statuses.count("no_data")

    @api.model_create_multi
    def create(self, vals_list):
        reports = super().create(vals_list)
        reports.action_refresh()
        return reports

    # ------------------------------------------------------------------ figures
    @api.model
    def _targets(self):
        get = self.env["dealer.settings.mixin"]._dealer_get
        return {code: get(f"dealer_target_{FIGURES[code][3]}") for code in STANDARDS}

    @api.model
    def _period_bounds(self, date_from, date_to):
        """The UTC instants a datetime is compared with for whole days from ``date_from``
        to ``date_to`` in the user's time zone: ``start <= value < end``."""
        return period_bounds(date_from, date_to, self.env.context.get("tz") or self.env.user.tz)

    @api.model
    def _figures(self, date_from, date_to, company):
        """{code: value} for the period [date_from, date_to], in ``company``."""
        env = self.env(context=dict(self.env.context, allowed_company_ids=[company.id]))
        start, end = self._period_bounds(date_from, date_to)
        co = [("company_id", "in", (company.id, False))]

        def aggregate(model, domain, spec):
            [[value]] = env[model]._read_group(co + domain, [], [spec])
            return value

        figures = {
            "customers_new": aggregate(
                "dealer.customer.report",
                [("create_date", ">=", start), ("create_date", "<", end)],
                "customer_count:sum",
            ),
            "visits": aggregate(
                "dealer.service.report",
                [("state", "=", "done"), ("date", ">=", date_from), ("date", "<=", date_to)],
                "visit_count:sum",
            ),
            "service_revenue": aggregate(
                "dealer.service.report",
                [("state", "=", "done"), ("date", ">=", date_from), ("date", "<=", date_to)],
                "amount:sum",
            ),
            "sales_orders": aggregate(
                "sale.order",
                [("state", "=", "sale"), ("date_order", ">=", start), ("date_order", "<", end)],
                "__count",
            ),
            # untaxed, in the company currency at each order's date
            "sales_revenue": env["res.currency"]
            .with_company(company)
            ._dealer_company_sums(
                "sale.order",
                co
                + [("state", "=", "sale"), ("date_order", ">=", start), ("date_order", "<", end)],
                "amount_untaxed",
                "date_order",
            ),
            "interactions": aggregate(
                "dealer.interaction.report",
                [("date", ">=", start), ("date", "<", end)],
                "interaction_count:sum",
            ),
            "complaints": aggregate(
                "dealer.complaint.report",
                [
                    ("kind", "=", "complaint"),
                    ("create_date", ">=", start),
                    ("create_date", "<", end),
                ],
                "ticket_count:sum",
            ),
            "first_response_hours": aggregate(
                "dealer.complaint.report",
                [("create_date", ">=", start), ("create_date", "<", end)],
                "response_hours:avg",
            ),
            "resolution_days": aggregate(
                "dealer.complaint.report",
                [("closed", "=", True), ("closed_date", ">=", start), ("closed_date", "<", end)],
                "resolution_days:avg",
            ),
            "sla_met": aggregate(
                "dealer.complaint.report",
                [("closed", "=", True), ("closed_date", ">=", start), ("closed_date", "<", end)],
                "sla_met:avg",
            ),
            "satisfaction": aggregate(
                "dealer.satisfaction.report",
                [("date", ">=", start), ("date", "<", end)],
                "score:avg",
            ),
            "promises_kept": aggregate(
                "dealer.promise",
                [
                    ("state", "in", ("kept", "broken")),
                    ("date_due", ">=", date_from),
                    ("date_due", "<=", date_to),
                ],
                "on_time_score:avg",
            ),
            "reminders_answered": self._reminders_answered(env, date_from, date_to, company),
            "comebacks": aggregate(
                "dealer.service.report",
                [("state", "=", "done"), ("date", ">=", date_from), ("date", "<=", date_to)],
                "comeback_rate:avg",
            ),
            "retention": aggregate(
                "dealer.retention.report",
                [
                    ("sale_date", ">=", date_from - relativedelta(months=12)),
                    ("sale_date", "<=", date_to - relativedelta(months=12)),
                ],
                "retention_rate:avg",
            ),
            "points_earned": aggregate(
                "dealer.loyalty.report", [("date", ">=", start), ("date", "<", end)], "earned:sum"
            ),
            "points_redeemed": aggregate(
                "dealer.loyalty.report",
                [("date", ">=", start), ("date", "<", end)],
                "redeemed:sum",
            ),
            "points_expired": aggregate(
                "dealer.loyalty.report", [("date", ">=", start), ("date", "<", end)], "expired:sum"
            ),
            "lost_enquiries": aggregate(
                "dealer.unmet.need.report",
                [
                    ("kind", "=", "lost_enquiry"),
                    ("closed_at", ">=", start),
                    ("closed_at", "<", end),
                ],
                "count:sum",
            ),
        }
        # A standard measured on nothing has no figure (None), not a perfect one: Odoo's
        # _read_group gives False for the average of no rows, never a real 0.
        return {
            code: (None if code in STANDARDS else 0.0)
            if value is None or value is False
            else round(float(value), 2)
            for code, value in figures.items()
        }

    @api.model
    def _reminders_answered(self, env, date_from, date_to, company):
        """Of the vehicles reminded in the period, the share booked for service since."""
        reminded = env["dealer.vehicle"].search(
            [
                ("company_id", "in", (company.id, False)),
                ("service_reminder_date", ">=", date_from),
                ("service_reminder_date", "<=", date_to),
            ]
        )
        if not reminded:
            return None
        booked = env["dealer.service.record"]._read_group(
            [("vehicle_id", "in", reminded.ids), ("state", "!=", "cancelled")],
            ["vehicle_id"],
            ["create_date:max"],
        )
        answered = sum(
            1
            for vehicle, created in booked
            if created and created.date() >= vehicle.service_reminder_date
        )
        return 100.0 * answered / len(reminded)

    @api.model
    def _previous_period(self, date_from, date_to):
        months = relativedelta(date_to + relativedelta(days=1), date_from)
        if not months.days and (months.months or months.years):
            start = date_from - months
            return start, date_from - relativedelta(days=1)
        days = (date_to - date_from).days + 1
        return date_from - relativedelta(days=days), date_from - relativedelta(days=1)

    def action_refresh(self):
        """Recompute every figure, the top causes and needs, and the segment movements."""
        self._dealer_check_caller(groups="dealer_crm.group_manager")
        Line = self.env["dealer.trend.report.line"].sudo()
        Item = self.env["dealer.trend.report.item"].sudo()
        targets = self._targets()
        for report in self:
            current = self._figures(report.date_from, report.date_to, report.company_id)
            previous = self._figures(
                *self._previous_period(report.date_from, report.date_to), report.company_id
            )
            report.line_ids.sudo().unlink()
            Line.create(
                [
                    {
                        "report_id": report.id,
                        "sequence": index,
                        "code": code,
                        "value": current[code] or 0.0,
                        "previous": previous[code] or 0.0,
                        "no_data": current[code] is None,
                        "previous_no_data": previous[code] is None,
                        "target": targets.get(code, 0.0),
                        "target_set": code in targets,
                    }
                    for index, code in enumerate(FIGURES)
                ]
            )
            (report.cause_ids | report.need_ids | report.movement_ids).sudo().unlink()
            Item.create(report._items())
        return True

    def _items(self):
        self.ensure_one()
        start, end = self._period_bounds(self.date_from, self.date_to)
        co = [("company_id", "in", (self.company_id.id, False))]
        items = []
        causes = self.env["dealer.complaint.report"]._read_group(
            co
            + [("kind", "=", "complaint"), ("create_date", ">=", start), ("create_date", "<", end)],
            ["root_cause_id"],
            ["ticket_count:sum"],
            order="ticket_count:sum desc",
            limit=5,
        )
        items += [
            {"kind": "cause", "name": cause.name or _("Cause not found yet"), "count": count}
            for cause, count in causes
        ]
        # a lost enquiry by the instant it was lost, a need by its day
        needs = self.env["dealer.unmet.need.report"]._read_group(
            co
            + expression.OR(
                [
                    [("kind", "=", "lost_enquiry"), ("closed_at", ">=", start)]
                    + [("closed_at", "<", end)],
                    [("kind", "!=", "lost_enquiry"), ("date", ">=", self.date_from)]
                    + [("date", "<=", self.date_to)],
                ]
            ),
            ["name"],
            ["count:sum"],
            order="count:sum desc",
            limit=5,
        )
        items += [{"kind": "need", "name": name, "count": count} for name, count in needs]
        segments = dict(self.env["dealer.customer.score"]._fields["segment"].selection)
        moves = self.env["dealer.customer.score"]._read_group(
            co
            + [
                ("segment_moved", "=", True),
                ("month", ">=", self.date_from.replace(day=1)),
                ("month", "<=", self.date_to),
            ],
            ["previous_segment", "segment"],
            ["__count"],
            order="__count desc",
        )
        items += [
            {
                "kind": "movement",
                "name": _(
                    "%(before)s → %(after)s",
                    before=segments.get(before, before),
                    after=segments.get(after, after or _("none")),
                ),
                "count": count,
            }
            for before, after, count in moves
        ]
        for index, item in enumerate(items):
            item.update(report_id=self.id, sequence=index)
        return items

    # ------------------------------------------------------------------ digest
    def _managers(self):
        """Every active manager of the report's company: the digest's recipients."""
        self.ensure_one()
        managers = self.env.ref("dealer_crm.group_manager").users
        return company_staff(managers, self.company_id).filtered("email")

    def action_send(self):
        """Email the report, with its XLSX, to every manager (and no one else)."""
        self._dealer_check_caller(groups="dealer_crm.group_manager")
        template = self.env.ref("dealer_crm.mail_template_dealer_trend_report")
        for report in self:
            managers = report._managers()
            if not managers:
                raise UserError(_("No manager with an email address to send the report to."))
            content, _type = (
                self.env["ir.actions.report"]
                .sudo()
                ._render("dealer_crm.trend_report_xlsx", report.ids)
            )
            attachment = self.env["ir.attachment"].create(
                {
                    "name": f"{report.name}.xlsx",
                    "raw": content,
                    "res_model": report._name,
                    "res_id": report.id,
                    "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                }
            )
            template.send_mail(
                report.id,
                email_values={
                    "recipient_ids": [(6, 0, managers.partner_id.ids)],
                    "attachment_ids": [(4, attachment.id)],
                },
            )
            report.sudo().sent_date = fields.Datetime.now()
            report.message_post(
                body=_("Sent to %s.", ", ".join(managers.mapped("name"))),
                attachment_ids=attachment.ids,
                subtype_xmlid="mail.mt_note",
            )
        return True

    @api.model
    def _cron_monthly(self):
        """Make last month's report for every company and send it, once."""
        today = fields.Date.context_today(self)
        date_to = today.replace(day=1) - relativedelta(days=1)
        date_from = date_to.replace(day=1)
        for company in self.env["res.company"].search([]):
            exists = self.search_count(
                [
                    ("company_id", "=", company.id),
                    ("date_from", "=", date_from),
                    ("date_to", "=", date_to),
                ]
            )
            if not exists:
                report = self.with_company(company).create(
                    {"date_from": date_from, "date_to": date_to, "company_id": company.id}
                )
                if report._managers():
                    report.action_send()
