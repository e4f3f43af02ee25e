# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Satisfaction after a vehicle sale and after a service visit, on Odoo's survey.

The survey goes out only through the consent gate (purpose *surveys*, by email). Its
answer keeps the customer, the visit or the order, and the staff member who served;
the score (the average of its scale questions, on 1 to 5) feeds the customer's
evaluation, and a low one opens a follow-up for customer relations.
"""

from odoo import _, api, fields, models

from ..tools.access import DEALER_GROUPS


class SurveyUserInput(models.Model):
    _name = "survey.user_input"
    _inherit = ["survey.user_input", "dealer.department.fields.mixin"]
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = ("email", "nickname")
    # What the invitation recorded and what the answer scored: set by ``_dealer_send``
    # and the answer itself, never typed.
    _dealer_protected_fields = frozenset(
        {
            "dealer_survey_occasion",
            "dealer_service_record_id",
            "dealer_sale_order_id",
            "dealer_staff_id",
            "dealer_score",
            "dealer_followup_done",
        }
    )

    dealer_survey_occasion = fields.Selection(
        [("sale", "After a vehicle sale"), ("service", "After a service visit")],
        string="Satisfaction Survey",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    dealer_service_record_id = fields.Many2one(
        "dealer.service.record",
        string="Service Visit",
        index="btree_not_null",
        readonly=True,
        copy=False,
        groups=DEALER_GROUPS,
    )
    dealer_sale_order_id = fields.Many2one(
        "sale.order",
        string="Sale Order",
        index="btree_not_null",
        readonly=True,
        copy=False,
        groups=DEALER_GROUPS,
    )
    dealer_staff_id = fields.Many2one(
        "res.users",
        string="Served By",
        readonly=True,
        copy=False,
        help="The service advisor of the visit, or the sales consultant of the sale.",
    )
    dealer_score = fields.Float(
        string="Satisfaction Score",
        compute="_compute_dealer_score",
        store=True,
        aggregator="avg",
        digits=(3, 1),
        help="The average of the scale answers, brought to 1 (very dissatisfied) to 5.",
    )
    dealer_followup_done = fields.Boolean(readonly=True, copy=False)

    @api.depends(
        "dealer_survey_occasion",
        "user_input_line_ids.value_scale",
        "user_input_line_ids.answer_type",
        "user_input_line_ids.skipped",
    )
    def _compute_dealer_score(self):
        for answer in self:
            values = []
            for line in answer.user_input_line_ids:
                question = line.question_id
                if line.answer_type != "scale" or line.skipped or not line._dealer_in_scale():
                    # an answer off the question's scale (stored before it was checked)
                    # is no score at all
                    continue
                span = (question.scale_max - question.scale_min) or 1
                values.append(1 + 4 * (line.value_scale - question.scale_min) / span)
            answer.dealer_score = (
                sum(values) / len(values) if values and answer.dealer_survey_occasion else 0.0
            )

    def _mark_done(self):
        res = super()._mark_done()
        self._dealer_low_score_followup()
        return res

    def _dealer_low_score_followup(self):
        """A low satisfaction score gets customer relations to call the customer, once."""
        is_low = self.env["dealer.settings.mixin"]._dealer_is_low_satisfaction
        unhappy = self.filtered(
            lambda a: (
                a.dealer_survey_occasion
                and a.partner_id
                and is_low(a.dealer_score)
                and not a.dealer_followup_done
            )
        )
        activity_type = self.env.ref("dealer_crm.mail_activity_type_satisfaction_check")
        Consent = self.env["dealer.consent"]
        contactable = Consent._contactable_partners(unhappy.partner_id)
        for answer in unhappy.sudo():
            record = answer.dealer_service_record_id or answer.dealer_sale_order_id
            company = record.company_id or self.env.company
            if answer.partner_id not in contactable:
                # archived or anonymised since: no call, noted once on the visit or order
                record.message_post(
                    body=Consent._not_contactable_note(answer.partner_id, _("Satisfaction call")),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            answer.partner_id.activity_schedule(
                activity_type_id=activity_type.id,
                summary=_("Low satisfaction (%.1f/5): call the customer", answer.dealer_score),
                note=_(
                    "%(survey)s about %(record)s, served by %(staff)s.",
                    survey=answer.survey_id.title,
                    record=record.display_name,
                    staff=answer.dealer_staff_id.name or "-",
                ),
                user_id=self.env["dealer.department"]
                ._dealer_leader("customer_relations", company)
                .id,
            )
        unhappy.sudo().write({"dealer_followup_done": True})

    @api.model
    def _dealer_send(self, kind, records):
        """Invite the customers of ``records`` (visits or sale orders) to the survey of
        ``kind``, set in the settings. Customers without consent get a note instead."""
        survey = self.env["dealer.settings.mixin"]._dealer_get(f"dealer_survey_{kind}_id").sudo()
        records = records.filtered("partner_id")
        if not survey or not survey.active or not records:
            return self.browse()
        template = self.env.ref("dealer_crm.mail_template_dealer_satisfaction_survey")
        answers = self.browse()
        by_company = {}
        for record in records:
            by_company.setdefault(record.company_id, record.browse())
            by_company[record.company_id] |= record
        for company, company_records in by_company.items():
            partners = company_records.partner_id
            allowed, _refused = self.env["dealer.consent"]._gate(
                partners, "survey", "email", {r.partner_id: r for r in company_records}, company
            )
            for record in company_records.filtered(lambda r, ok=allowed: r.partner_id in ok):
                vals = {"dealer_survey_occasion": kind}
                if kind == "service":
                    vals.update(
                        dealer_service_record_id=record.id, dealer_staff_id=record.advisor_id.id
                    )
                else:
                    vals.update(dealer_sale_order_id=record.id, dealer_staff_id=record.user_id.id)
                answer = survey._create_answer(
                    partner=record.partner_id, check_attempts=False, **vals
                )
                template.sudo().send_mail(answer.id)
                answers |= answer
        return answers

    def action_dealer_open_answer(self):
        """Staff taking the answer by phone fill in the customer's own survey."""
        self.ensure_one()
        self._dealer_check_caller(operation="write")
        return {"type": "ir.actions.act_url", "url": self.get_start_url(), "target": "new"}
