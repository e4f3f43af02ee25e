# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DealerErasureLog(models.Model):
    _name = "dealer.erasure.log"
    _description = "Personal Data Erasure Log"
    _order = "date desc, id desc"
    _dealer_partner_fields = ()
    # it names no one: the partner it points to is anonymised before the log is written
    _dealer_not_personal_links = ("partner_id",)

    partner_id = fields.Many2one("res.partner", string="Anonymised Partner", readonly=True)
    date = fields.Datetime(default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one("res.users", string="Done By", readonly=True)
    reason = fields.Selection(
        [("request", "Customer's request"), ("retention", "Retention period ended")],
        required=True,
        readonly=True,
    )
    record_count = fields.Integer(string="Records Cleared", readonly=True)
    kept_note = fields.Text(
        string="Kept by Law",
        readonly=True,
        help="What the erasure kept because the law requires it (accounting), and why; "
        "the personal data in it was cleared.",
    )
    state = fields.Selection(
        [("done", "Anonymised"), ("failed", "Failed")], default="done", required=True, readonly=True
    )
    error = fields.Char(readonly=True, help="Why the anonymisation failed; nothing was changed.")
    company_id = fields.Many2one(
        "res.company", readonly=True, default=lambda self: self.env.company
    )
