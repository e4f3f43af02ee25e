# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import _, api, fields, models

from .dealer_department import DEPARTMENTS


class DealerFollowupStep(models.Model):
    _name = "dealer.followup.step"
    _description = "Follow-up Procedure Step"
    _order = "trigger, delay_days, sequence, id"
    _dealer_partner_fields = ()

    name = fields.Char(string="Step", required=True, translate=True)
    sequence = fields.Integer(default=10)
    trigger = fields.Selection(
        [("vehicle_sale", "After a vehicle sale"), ("service_done", "After a service visit")],
        required=True,
    )
    delay_days = fields.Integer(
        string="Days After",
        required=True,
        default=3,
        help="Deadline of the activity, counted from the delivery or visit date.",
    )
    department = fields.Selection(DEPARTMENTS, required=True)
    activity_type_id = fields.Many2one("mail.activity.type", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Always Assign To",
        help="Leave empty to assign the seller (sales), the service advisor (service), else "
        "the department's leader.",
    )
    note = fields.Html(string="Instructions", translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)

    _sql_constraints = [
        ("delay_check", "CHECK(delay_days >= 0)", "A follow-up cannot be due before its event."),
    ]

    @api.model
    def _schedule(self, trigger, records):
        """Create the activities of every step of ``trigger`` for ``records``.

        ``records`` are vehicle ownership lines (vehicle_sale) or service visits
        (service_done); the activity goes on the vehicle or the visit.
        """
        steps = self.search([("trigger", "=", trigger)])
        if not steps or not records:
            return self.env["mail.activity"]
        # no follow-up of a customer who may not be contacted: noted on the record
        Consent = self.env["dealer.consent"]
        contactable = Consent._contactable_partners(records.partner_id)
        skipped = records.filtered(lambda r: r.partner_id and r.partner_id not in contactable)
        for record in skipped:
            target = record.vehicle_id if trigger == "vehicle_sale" else record
            target.sudo().message_post(
                body=Consent._not_contactable_note(record.partner_id, _("Follow-up")),
                subtype_xmlid="mail.mt_note",
            )
        records -= skipped
        activities = self.env["mail.activity"]
        # One create per step: mail.activity subscribes the assignees per record, and a
        # record twice in one batch (two steps for the same person) would subscribe
        # them twice and break the followers' unique index.
        for step in steps:
            vals_list = []
            for record in records:
                if trigger == "vehicle_sale":
                    target, base_date = record.vehicle_id, record.date_start
                else:
                    target, base_date = record, record.date
                vals_list.append(
                    {
                        "res_model_id": self.env["ir.model"]._get_id(target._name),
                        "res_id": target.id,
                        "activity_type_id": step.activity_type_id.id,
                        "summary": step.name,
                        "note": step.note,
                        "date_deadline": base_date + timedelta(days=step.delay_days),
                        "user_id": step._responsible(record).id,
                    }
                )
            activities |= self.env["mail.activity"].sudo().create(vals_list)
        return activities

    def _responsible(self, record):
        """The user of the step's department who follows ``record`` up."""
        self.ensure_one()
        if self.user_id:
            return self.user_id
        user = self.env["res.users"]
        if self.department == "sales":
            user = (
                record.vehicle_id.seller_id
                if record._name == "dealer.vehicle.ownership"
                else (record.sale_order_id.user_id or record.vehicle_id.seller_id)
            )
        elif self.department == "service" and record._name == "dealer.service.record":
            user = record.advisor_id
        return self.env["dealer.department"]._dealer_leader(
            self.department, record.company_id, preferred=user
        )
