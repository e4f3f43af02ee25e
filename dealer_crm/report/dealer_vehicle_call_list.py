# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models


class DealerVehicleCallList(models.AbstractModel):
    """The 'due for service' call list, one row per vehicle, for the phone team."""

    _name = "report.dealer_crm.vehicle_call_list"
    _inherit = "report.dealer_crm.xlsx_mixin"
    _description = "Service Call List (XLSX)"

    def generate_xlsx_report(self, workbook, data, vehicles):
        sheet = workbook.add_worksheet(_("Call list"))
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
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
        ]
        sheet.write_row(0, 0, headers, bold)
        states = dict(vehicles._fields["service_due_state"]._description_selection(self.env))
        may_call = self.env["dealer.consent"]._allowed_partners(
            vehicles.owner_id, "service_reminder", "phone"
        )
        for row, vehicle in enumerate(vehicles.sorted("next_service_date"), start=1):
            owner = vehicle.owner_id
            sheet.write_row(
                row,
                0,
                [
                    owner.name or "",
                    owner.phone or "",
                    owner.mobile or "",
                    owner.email or "",
                    vehicle.model_id.display_name or "",
                    vehicle.license_plate or "",
                    vehicle.vin,
                    vehicle.odometer,
                ],
            )
            for col, value in ((8, vehicle.last_service_date), (9, vehicle.next_service_date)):
                if value:
                    sheet.write_datetime(row, col, fields.Datetime.to_datetime(value), date_fmt)
            sheet.write(row, 10, vehicle.next_service_odometer or "")
            sheet.write(row, 11, states.get(vehicle.service_due_state, ""))
            sheet.write(row, 12, _("Yes") if owner in may_call else _("No"))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(vehicles), 1), len(headers) - 1)
        sheet.set_column(0, len(headers) - 1, 16)
