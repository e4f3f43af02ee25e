# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, models

from ..tools.xlsx import write_cells


class DealerVehicleCallList(models.AbstractModel):
    """The 'due for service' call list, one row per vehicle, for the phone team."""

    _name = "report.dealer_crm.vehicle_call_list"
    _inherit = "report.dealer_crm.xlsx_mixin"
    _description = "Service Call List (XLSX)"

    def generate_xlsx_report(self, workbook, data, vehicles):
        sheet = workbook.add_worksheet(_("Call list"))
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        headers = [
            _("Customer"),
            _("Phone"),
            _("Mobile"),
            _("Email"),
            _("Vehicle"),
            _("Plate"),
            _("VIN"),
            _("Odometer"),
            _("Last Service"),
            _("Next Service"),
            _("Due At (Distance)"),
            _("Status"),
            _("May Call"),
            _("Distance Unit"),
        ]
        write_cells(sheet, 0, headers, cell_format=bold)
        sheet.set_column(0, len(headers) - 1, 16)
        # distances in whole units, as the screens show them (109,710)
        distance = workbook.add_format({"num_format": "#,##0"})
        for column in (headers.index(_("Odometer")), headers.index(_("Due At (Distance)"))):
            sheet.set_column(column, column, 16, distance)
        states = dict(vehicles._fields["service_due_state"]._description_selection(self.env))
        units = vehicles._dealer_labels("odometer_unit")
        # a call (interaction channel) needs the consent its channel maps to
        may_call = self.env["dealer.consent"]._reachable_partners(
            vehicles.owner_id, "service_reminder", "phone"
        )
        # soonest due first; a vehicle without a due date (no plan, no history) last
        by_due = vehicles.sorted(lambda v: (not v.next_service_date, v.next_service_date or 0))
        for row, vehicle in enumerate(by_due, start=1):
            owner = vehicle.owner_id
            self._dealer_write_row(
                workbook,
                sheet,
                row,
                [
                    owner.name,
                    owner.phone,
                    owner.mobile,
                    owner.email,
                    vehicle.model_id.display_name,
                    vehicle.license_plate,
                    vehicle.vin,
                    vehicle.odometer,
                    vehicle.last_service_date,
                    vehicle.next_service_date,
                    vehicle.next_service_odometer or None,
                    states.get(vehicle.service_due_state),
                    _("Yes") if owner in may_call else _("No"),
                    # the odometer and the due distance are in the vehicle's own unit
                    units.get(vehicle.odometer_unit),
                ],
            )
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(vehicles), 1), len(headers) - 1)
