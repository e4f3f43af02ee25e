# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The monthly trend report: every figure against the period before and its target.

The figures and their targets come from the figure registry (``dealer.figure``, in
``dealer_figure.py``), which also feeds the manager dashboard and the service plan's KPIs;
whether a target is met is decided by ``tools/target.py`` alone.
"""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

#: the monthly job's marker: the first day of the last month it reported
TREND_MONTH_KEY = "dealer_crm.trend_report_month"


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
            report.name = report._dealer_title()

    @api.depends("date_from", "date_to")
    @api.depends_context("lang")
    def _compute_display_name(self):
        """The title in the reader's language: ``name`` is recorded in the language of
        whoever made the report (the monthly job's, for its reports)."""
        for report in self:
            report.display_name = report._dealer_title()

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

    def _dealer_title(self):
        self.ensure_one()
        if not (self.date_from and self.date_to):
            return _("New trend report")
        return _("Trend report %(from)s to %(to)s", **{"from": self.date_from, "to": self.date_to})

    # ------------------------------------------------------------------ figures
    @api.model
    def _period_bounds(self, date_from, date_to):
        """The UTC instants a datetime is compared with for whole days from ``date_from``
        to ``date_to`` in the user's time zone: ``start <= value < end``."""
        return self.env["dealer.figure"]._dealer_period_bounds(date_from, date_to)

    @api.model
    def _figures(self, date_from, date_to, company):
        """{code: value} of every registered figure for the period, in ``company``."""
        return self.env["dealer.figure"]._dealer_compute(None, company, date_from, date_to)

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
        targets = self.env["dealer.figure"]._dealer_targets()
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
                    for index, code in enumerate(current)
                ]
            )
            (report.cause_ids | report.need_ids | report.movement_ids).sudo().unlink()
            Item.create(report._items())
        return True

    def _items(self):
        """The report's items: top complaint causes, top unmet needs, segment movements."""
        self.ensure_one()
        co = [("company_id", "in", (self.company_id.id, False))]
        items = self._items_causes(co) + self._items_needs(co) + self._items_movements(co)
        for index, item in enumerate(items):
            item.update(report_id=self.id, sequence=index)
        return items

    def _items_causes(self, co):
        """The five root causes of most complaints received in the period."""
        _ = self.env._
        start, end = self._period_bounds(self.date_from, self.date_to)
        causes = self.env["dealer.complaint.report"]._read_group(
            co
            + [("kind", "=", "complaint"), ("create_date", ">=", start), ("create_date", "<", end)],
            ["root_cause_id"],
            ["ticket_count:sum"],
            order="ticket_count:sum desc",
            limit=5,
        )
        return [
            {
                "kind": "cause",
                "name": cause.name or _("Cause not found yet"),
                "root_cause_id": cause.id,
                "unnamed": not cause,
                "count": count,
            }
            for cause, count in causes
        ]

    def _items_needs(self, co):
        """The five unmet needs seen most often: a lost enquiry by the instant it was
        lost, a need by its day."""
        _ = self.env._
        start, end = self._period_bounds(self.date_from, self.date_to)
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
            ["lost_reason_id", "need_tag_id"],
            ["count:sum"],
            order="count:sum desc",
            limit=5,
        )
        return [
            {
                "kind": "need",
                "name": reason.name or tag.name or _("No reason given"),
                "lost_reason_id": reason.id,
                "need_tag_id": tag.id,
                "unnamed": not (reason or tag),
                "count": count,
            }
            for reason, tag, count in needs
        ]

    def _items_movements(self, co):
        """How many customers moved from one segment to another in the period."""
        _ = self.env._
        segments = self.env["dealer.customer.score"]._dealer_labels("segment")
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
        return [
            {
                "kind": "movement",
                "name": _(
                    "%(before)s → %(after)s",
                    before=segments.get(before) or _("none"),
                    after=segments.get(after) or _("none"),
                ),
                "segment_before": before,
                "segment_after": after,
                "count": count,
            }
            for before, after, count in moves
        ]

    # ------------------------------------------------------------------ digest
    def _managers(self):
        """Every active manager of the report's company: the digest's recipients."""
        self.ensure_one()
        managers = self.env["dealer.department"]._dealer_staff("manager", self.company_id)
        return managers.filtered("email")

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
        # one run at a time: the month done is the job's marker, locked with SKIP LOCKED
        # and moved in the run's transaction, so a second run at once sends no report
        # twice (issue 27)
        if not self._dealer_claim_marker(TREND_MONTH_KEY):
            return
        self.env["ir.config_parameter"].sudo().set_param(TREND_MONTH_KEY, str(date_from))
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
