# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DealerErasureLog(models.Model):
    _name = "dealer.erasure.log"
    _description = "Personal Data Erasure Log"
    _order = "date desc, id desc"
    _dealer_partner_fields = ()
    #: written once by the erasure itself, in sudo: a log nobody rewrites
    _dealer_protected_fields = frozenset(
        {
            "partner_id",
            "date",
            "user_id",
            "reason",
            "record_count",
            "kept_note",
            "state",
            "error",
            "company_id",
        }
    )
    # it names no one: the partner it points to is anonymised before the log is written
    _dealer_not_personal_links = ("partner_id",)

    partner_id = fields.Many2one(
        "res.partner", string="Anonymised Partner", readonly=True, copy=False
    )
    date = fields.Datetime(default=fields.Datetime.now, readonly=True, copy=False)
    user_id = fields.Many2one("res.users", string="Done By", readonly=True, copy=False)
    reason = fields.Selection(
        [("request", "Customer's request"), ("retention", "Retention period ended")],
        required=True,
        readonly=True,
        copy=False,
    )
    record_count = fields.Integer(string="Records Cleared", readonly=True, copy=False)
    kept_note = fields.Text(
        string="Kept by Law",
        readonly=True,
        copy=False,
        help="What the erasure kept because the law requires it (accounting), and why; "
        "the personal data in it was cleared.",
    )
    state = fields.Selection(
        [("done", "Anonymised"), ("failed", "Failed")],
        default="done",
        required=True,
        readonly=True,
        copy=False,
    )
    error = fields.Char(
        readonly=True, copy=False, help="Why the anonymisation failed; nothing was changed."
    )
    company_id = fields.Many2one(
        "res.company", readonly=True, copy=False, default=lambda self: self.env.company
    )
