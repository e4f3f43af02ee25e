# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class DealerVehicleDelivery(models.TransientModel):
    """Deliver a vehicle sold on a confirmed order: register it as sold by us to the
    customer, with its warranty, and start the after-sale follow-ups. A watch (the
    product's catalog model is a watch reference) is registered by its serial number
    and warranty card instead of a VIN, plate and odometer."""

    _name = "dealer.vehicle.delivery"
    _description = "Deliver Vehicle"

    sale_order_id = fields.Many2one("sale.order", required=True, readonly=True)
    line_id = fields.Many2one(
        "sale.order.line",
        string="Vehicle Sold",
        required=True,
        domain="[('order_id', '=', sale_order_id), ('dealer_is_vehicle', '=', True),"
        " ('dealer_vehicle_id', '=', False)]",
    )
    item_kind = fields.Selection(related="line_id.dealer_item_kind", string="Kind")
    vin = fields.Char(string="VIN")
    license_plate = fields.Char(string="Plate")
    serial_number = fields.Char(help="The watch's case or movement serial number.")
    warranty_card = fields.Char(help="The number of the warranty card given with the watch.")
    delivery_date = fields.Date(required=True, default=fields.Date.context_today)
    odometer = fields.Float(string="Odometer at Delivery")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        order = self.env["sale.order"].browse(values.get("sale_order_id"))
        todo = order.order_line.filtered(lambda l: l.dealer_is_vehicle and not l.dealer_vehicle_id)
        if todo and "line_id" in fields_list:
            values["line_id"] = todo[0].id
        return values

    def action_deliver(self):
        self.ensure_one()
        self.sale_order_id._dealer_check_caller(
            groups="dealer_crm.group_sales,dealer_crm.group_manager"
        )
        if self.item_kind == "vehicle":
            return self.sale_order_id._dealer_deliver(
                self.line_id, self.vin, self.license_plate, self.delivery_date, self.odometer
            )
        return self.sale_order_id._dealer_deliver_item(
            self.line_id, self.serial_number, self.warranty_card, self.delivery_date
        )
