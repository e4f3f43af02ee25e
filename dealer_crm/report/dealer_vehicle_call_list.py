# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, models

from ..tools.items import is_road
from ..tools.xlsx import write_cells


class DealerVehicleCallList(models.AbstractModel):
    """The 'due for service' call list, one row per vehicle, for the phone team."""

    _name = "report.dealer_crm.vehicle_call_list"
    _inherit = "report.dealer_crm.xlsx_mixin"
    _description = "Service Call List (XLSX)"

    def _dealer_columns(self, items):
        """The item columns (issue 32): a vehicle dealer keeps its plate, VIN, odometer
        and distance columns exactly as they were; a company that sells no vehicles has
        the item's word and its serial number and none of the vehicle-only columns; a
        list that holds watches beside vehicles has all, a watch's vehicle cells left
        empty. A list of vehicles only has no serial number column, whoever prints it."""
        road = not self._dealer_sells_no_vehicles()
        serial = not road or not all(is_road(kind) for kind in items.mapped("item_kind"))
        return road, serial

    def generate_xlsx_report(self, workbook, data, vehicles):
        sheet = workbook.add_worksheet(_("Call list"))
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        road, serial = self._dealer_columns(vehicles)
        # (header, value of an item) in the sheet's order; a column is left out when the
        # user's companies have no item of its kind
        states = dict(vehicles._fields["service_due_state"]._description_selection(self.env))
        units = vehicles._dealer_labels("odometer_unit")
        # a call (interaction channel) needs the consent its channel maps to
        may_call = self.env["dealer.consent"]._reachable_partners(
            vehicles.owner_id, "service_reminder", "phone"
        )

        yes, no = _("Yes"), _("No")

        def on_road(getter):
            """A vehicle-only value: empty for an item that is not a road vehicle."""
            return lambda item: getter(item) if is_road(item.item_kind) else None

        columns = [
            (_("Customer"), lambda item: item.owner_id.name),
            (_("Phone"), lambda item: item.owner_id.phone),
            (_("Mobile"), lambda item: item.owner_id.mobile),
            (_("Email"), lambda item: item.owner_id.email),
            (self._dealer_reword(_("Vehicle")), lambda item: item.model_id.display_name),
        ]
        if serial:
            columns.append((_("Serial Number"), lambda item: item.serial_number or None))
        if road:
            columns += [
                (_("Plate"), on_road(lambda item: item.license_plate)),
                (_("VIN"), on_road(lambda item: item.vin)),
                (_("Odometer"), on_road(lambda item: item.odometer)),
            ]
        columns += [
            (_("Last Service"), lambda item: item.last_service_date),
            (_("Next Service"), lambda item: item.next_service_date),
        ]
        if road:
            columns.append(
                (_("Due At (Distance)"), on_road(lambda item: item.next_service_odometer or None))
            )
        columns += [
            (_("Status"), lambda item: states.get(item.service_due_state)),
            (
                _("May Call"),
                lambda item: yes if item.owner_id in may_call else no,
            ),
        ]
        if road:
            # the odometer and the due distance are in the vehicle's own unit
            columns.append(
                (_("Distance Unit"), on_road(lambda item: units.get(item.odometer_unit)))
            )
        headers = [header for header, _value in columns]
        write_cells(sheet, 0, headers, cell_format=bold)
        sheet.set_column(0, len(headers) - 1, 16)
        if road:
            # distances in whole units, as the screens show them (109,710)
            distance = workbook.add_format({"num_format": "#,##0"})
            for column in (headers.index(_("Odometer")), headers.index(_("Due At (Distance)"))):
                sheet.set_column(column, column, 16, distance)
        # soonest due first; a vehicle without a due date (no plan, no history) last
        by_due = vehicles.sorted(lambda v: (not v.next_service_date, v.next_service_date or 0))
        for row, vehicle in enumerate(by_due, start=1):
            self._dealer_write_row(
                workbook, sheet, row, [value(vehicle) for _header, value in columns]
            )
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(vehicles), 1), len(headers) - 1)
