# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.items import ROAD_KINDS

#: Who records a customer's driving licence at a test drive (without reading it back).
LICENCE_TAKERS = "dealer_crm.group_sales,dealer_crm.group_manager"


class DealerTestDrive(models.Model):
    """A test drive booked from an enquiry: a vehicle, a consultant and a time, in the
    consultant's calendar. The driving licence must be on file (it is read only by who
    may read it: the check runs on the server). Done, it is logged as an interaction."""

    _name = "dealer.test.drive"
    _description = "Test Drive"
    _inherit = ["mail.thread"]
    _order = "start desc, id desc"
    _dealer_partner_fields = ("partner_id",)

    lead_id = fields.Many2one("crm.lead", string="Enquiry", index=True, ondelete="set null")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    vehicle_id = fields.Many2one(
        "dealer.vehicle",
        required=True,
        domain=[("item_kind", "in", ROAD_KINDS)],
        help="The demonstrator driven.",
    )
    user_id = fields.Many2one(
        "res.users", string="Consultant", required=True, default=lambda self: self.env.user
    )
    start = fields.Datetime(required=True)
    duration = fields.Float(string="Duration (Hours)", default=0.5)
    state = fields.Selection(
        [("booked", "Booked"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="booked",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    licence_on_file = fields.Boolean(compute="_compute_licence_on_file", compute_sudo=True)
    licence_number_entry = fields.Char(
        string="Driving Licence No.",
        compute="_compute_licence_number_entry",
        inverse="_inverse_licence_number_entry",
        help="Taken at the desk: recorded on the customer, and never shown again here. "
        "Only customer relations and managers read it on the customer.",
    )
    calendar_event_id = fields.Many2one("calendar.event", readonly=True, copy=False)
    interaction_id = fields.Many2one("dealer.interaction", readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    #: recorded by booking (its calendar event), Done and Cancel
    _dealer_protected_fields = frozenset({"state", "calendar_event_id", "interaction_id"})

    @api.depends("partner_id.dealer_licence_number")
    def _compute_licence_on_file(self):
        for drive in self:
            drive.licence_on_file = bool((drive.partner_id.dealer_licence_number or "").strip())

    def _compute_licence_number_entry(self):
        # write-only: the number is kept on the customer, read there by who may
        self.licence_number_entry = False

    def _inverse_licence_number_entry(self):
        """The consultant records the licence shown at the desk on the customer, which
        they cannot read: checked first, then written as superuser."""
        drives = self.filtered(lambda d: (d.licence_number_entry or "").strip())
        if not drives:
            return
        drives._dealer_check_caller(groups=LICENCE_TAKERS, operation="write")
        drives.partner_id.check_access("read")
        for drive in drives:
            number = drive.licence_number_entry.strip()
            if drive.state != "booked":
                raise UserError(_("The licence is taken for a test drive still booked."))
            partner = drive.partner_id.sudo()
            if (partner.dealer_licence_number or "").strip():
                # never replaced, nor compared (the entry would tell whether a guess is right)
                raise AccessError(
                    _(
                        "A driving licence is already on file for %s: customer relations "
                        "update it on the customer.",
                        partner.display_name,
                    )
                )
            partner.dealer_licence_number = number

    @api.constrains("vehicle_id")
    def _check_vehicle_is_road(self):
        self.vehicle_id._dealer_check_road(_("a test drive"))

    @api.constrains("duration")
    def _check_duration(self):
        if any(drive.duration <= 0 or drive.duration > 8 for drive in self):
            raise ValidationError(_("A test drive lasts more than nothing and at most 8 hours."))

    @api.model_create_multi
    def create(self, vals_list):
        drives = super().create(vals_list)
        for drive in drives:
            if not drive.licence_on_file:
                raise ValidationError(
                    _(
                        "Enter %s's driving licence number on the test drive (or customer "
                        "relations on the Privacy tab) before booking it.",
                        drive.partner_id.display_name,
                    )
                )
            drive.sudo().calendar_event_id = (
                self.env["calendar.event"]
                .sudo()
                .create(
                    {
                        "name": _(
                            "Test drive: %(customer)s, %(vehicle)s",
                            customer=drive.partner_id.name,
                            vehicle=drive.vehicle_id.display_name,
                        ),
                        "start": drive.start,
                        "stop": drive.start + timedelta(hours=drive.duration),
                        "user_id": drive.user_id.id,
                        "partner_ids": [(6, 0, (drive.user_id.partner_id | drive.partner_id).ids)],
                        "res_model_id": self.env["ir.model"]._get_id(self._name),
                        "res_id": drive.id,
                    }
                )
            )
        return drives

    def action_done(self):
        """The drive took place: it is logged on the customer's record as a visit."""
        self._dealer_check_caller(groups="dealer_crm.group_sales")
        for drive in self:
            if drive.state != "booked":
                raise UserError(_("Only a booked test drive can be done."))
            interaction = self.env["dealer.interaction"].create(
                {
                    "partner_id": drive.partner_id.id,
                    "vehicle_id": drive.vehicle_id.id,
                    "lead_id": drive.lead_id.id,
                    "channel": "visit",
                    "subject": _("Test drive of %s", drive.vehicle_id.display_name),
                    "user_id": drive.user_id.id,
                    "date": drive.start,
                }
            )
            drive.sudo().write({"interaction_id": interaction.id, "state": "done"})

    def action_cancel(self):
        self._dealer_check_caller(groups="dealer_crm.group_sales")
        if any(drive.state == "done" for drive in self):
            raise UserError(_("A test drive that took place cannot be cancelled."))
        self.sudo().calendar_event_id.unlink()
        self.sudo().write({"state": "cancelled"})

    @api.depends("partner_id", "vehicle_id", "start")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for drive in self:
            drive.display_name = _(
                "%(customer)s, %(vehicle)s",
                customer=drive.partner_id.name or "",
                vehicle=drive.vehicle_id.display_name or "",
            )
