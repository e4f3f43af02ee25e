# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.access import MANAGER_GROUP

#: what ties a rating to its record and its customer, and its link: set by the system
#: (the rating request), never by a user who is not a manager
RATING_IDENTITY_FIELDS = frozenset(
    {"res_model_id", "res_model", "res_id", "partner_id", "access_token", "is_internal"}
)


class RatingRating(models.Model):
    _inherit = "rating.rating"
    # The customer's rating comment is personal data, and the name of the rated record
    # (a ticket titled after them) is kept beside it: erased with them (issue 31).
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = ("feedback", "res_name")

    # The link of the rating email: read by the system (in sudo) and managers only.
    access_token = fields.Char(groups=f"base.group_system,{MANAGER_GROUP}")
    dealer_requested = fields.Boolean(
        string="Requested by the Rating Email",
        readonly=True,
        copy=False,
        groups=f"base.group_system,{MANAGER_GROUP}",
        help="The rating was made by the system when it asked the customer for a rating "
        "(the rating email of a resolved ticket). Only such a rating, answered through "
        "its link, is the ticket's satisfaction.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._dealer_check_ticket_rating_rights(
                [vals.get("res_model_id") for vals in vals_list],
                [vals.get("res_model") for vals in vals_list],
                protected={"dealer_requested"} & {key for vals in vals_list for key in vals},
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            ticket_ratings = self.sudo().filtered(lambda r: r.res_model == "helpdesk.ticket")
            if "dealer_requested" in vals:
                raise AccessError(
                    self.env._("Only the rating request marks a rating as requested.")
                )
            moves_to_ticket = vals.get("res_model") == "helpdesk.ticket" or (
                vals.get("res_model_id") == self.env["ir.model"]._get_id("helpdesk.ticket")
            )
            if moves_to_ticket:
                ticket_ratings |= self.sudo()
            changes_theirs = RATING_IDENTITY_FIELDS & set(vals) or any(
                ticket_ratings.mapped("consumed")
            )
            if ticket_ratings and changes_theirs and not self.env.user.has_group(MANAGER_GROUP):
                raise AccessError(
                    self.env._(
                        "A ticket's rating is the customer's: only a manager may change "
                        "an answered rating, or whose rating it is."
                    )
                )
        return super().write(vals)

    @api.model
    def _dealer_check_ticket_rating_rights(self, model_ids, model_names, protected=()):
        """A rating of a ticket is made by the system (the rating request, in sudo), or
        by a manager; nobody makes a rating that counts as requested."""
        if protected:
            raise AccessError(self.env._("Only the rating request marks a rating as requested."))
        if self.env.user.has_group(MANAGER_GROUP):
            return
        ticket_model = self.env["ir.model"]._get_id("helpdesk.ticket")
        if ticket_model in model_ids or "helpdesk.ticket" in model_names:
            raise AccessError(
                self.env._(
                    "Ratings of tickets are made by the rating email sent to the customer: "
                    "they cannot be created by hand."
                )
            )
