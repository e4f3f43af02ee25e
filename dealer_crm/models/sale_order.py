# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.access import DEALER_GROUPS
from ..tools.distance import KILOMETERS, convert_distance
from ..tools.items import ROAD_KINDS, normalize_serial
from ..tools.vin import normalize_vin


class SaleOrder(models.Model):
    _inherit = ["sale.order", "dealer.interaction.mixin", "dealer.department.fields.mixin"]
    _name = "sale.order"
    _dealer_partner_fields = ("partner_id", "partner_invoice_id", "partner_shipping_id")
    _dealer_personal_fields = ("client_order_ref",)
    _dealer_date_field = "date_order"

    dealer_estimate_visit_id = fields.Many2one(
        "dealer.service.record",
        string="Estimate for Visit",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        help="The service visit whose work waits on this quotation being approved.",
    )
    _dealer_protected_fields = frozenset({"dealer_estimate_visit_id"})

    def _dealer_interaction_defaults(self):
        return {
            "partner_id": self.partner_id.id,
            "sale_order_id": self.id,
            "lead_id": self.opportunity_id.id,
            "subject": _("Quotation %s", self.name),
            "outcome": "quotation",
        }

    def action_confirm(self):
        # the orders' rows first: confirming one twice at once awards it once (the second
        # waits, fails in a way Odoo retries, and its retry is told it is confirmed)
        self._dealer_lock_rows()
        estimates = self.filtered("dealer_estimate_visit_id")
        estimates._dealer_check_estimate_decision()
        res = super().action_confirm()
        if not self.env.context.get("dealer_estimate_deciding"):
            # the customer's own approval (the portal's signature or payment)
            for order in estimates:
                order.dealer_estimate_visit_id._dealer_estimate_decide("approved", "portal")
        # an estimate earns nothing itself: its visit earns the points when done
        for order in self - estimates:
            lines = [
                (line.price_subtotal, line.product_id.categ_id, None)
                for line in order.order_line
                if not line.display_type and not line.is_reward_line
            ]
            self.env["loyalty.program"]._dealer_award(
                order.partner_id, order, "vehicle_sale", lines, _("Purchase %s", order.name)
            )
        return res

    def action_cancel(self):
        # refused before sale's cancel wizard opens (its mail would tell the customer)
        self.filtered("dealer_estimate_visit_id")._dealer_check_estimate_decision()
        return super().action_cancel()

    def action_draft(self):
        # a decided (or withdrawn) estimate is never offered again: the customer would
        # sign a quotation no visit waits on (issue 32)
        decided = self.filtered(
            lambda o: (
                o.dealer_estimate_visit_id
                and o.dealer_estimate_visit_id.dealer_estimate_state != "waiting"
            )
        )
        if decided:
            raise UserError(
                _(
                    "%s is the estimate of a service visit and was already answered (or "
                    "withdrawn with its visit): it cannot be set back to a quotation. Make a "
                    "new visit and estimate if the customer wants the work after all.",
                    ", ".join(decided.mapped("name")),
                )
            )
        return super().action_draft()

    def _action_cancel(self):
        # any estimate, waiting or answered: only the workflow cancels it (issue 32)
        self.filtered("dealer_estimate_visit_id")._dealer_check_estimate_decision()
        estimates = self.filtered(
            lambda o: o.dealer_estimate_visit_id.dealer_estimate_state == "waiting"
        )
        confirmed = self.filtered(lambda order: order.state == "sale")
        res = super()._action_cancel()
        if not self.env.context.get("dealer_estimate_deciding"):
            # declined by the customer on the portal
            for order in estimates:
                order.dealer_estimate_visit_id._dealer_estimate_decide("refused", "portal")
        for order in confirmed:
            self.env["loyalty.program"]._dealer_reverse(order, _("Order %s cancelled", order.name))
        # rewards paid with points go, and give their points back (sale_loyalty removes
        # its own reward lines the same way); so does any other reward redeemed on it.
        # Not once invoiced: the posted invoice keeps the discount, so the points stay
        # spent until a credit note undoes it.
        invoiced = self.filtered(
            lambda order: order.sudo().invoice_ids.filtered(
                lambda move: move.state == "posted" and move.move_type == "out_invoice"
            )
        )
        for order in invoiced.filtered(lambda o: o.sudo().order_line.dealer_redemption_id):
            order.message_post(
                body=_(
                    "Cancelled after invoicing: the reward paid with points stays on the "
                    "posted invoice, so its points are not given back. Issue a credit note "
                    "and give the points back from the loyalty card if the customer is owed."
                )
            )
        returned = self - invoiced
        returned.sudo().order_line.filtered("dealer_redemption_id").with_env(self.env).unlink()
        returned._dealer_give_back_redemptions()
        return res

    def _dealer_give_back_redemptions(self):
        """Give back every points redemption made on these orders, once."""
        redemptions = (
            self.env["loyalty.history"]
            .sudo()
            .search(
                [
                    ("order_model", "=", self._name),
                    ("order_id", "in", self.ids),
                    ("dealer_kind", "=", "redeem"),
                ]
            )
        )
        for order in self:
            redemptions.filtered(lambda r, o=order: r.order_id == o.id)._dealer_give_back(
                _("Points given back: %s cancelled", order.name)
            )

    def _get_update_prices_lines(self):
        """Updating the prices keeps a reward paid with points as it was redeemed."""
        return (
            super()
            ._get_update_prices_lines()
            .filtered(lambda line: not line.sudo().dealer_redemption_id)
        )

    def _get_copiable_order_lines(self):
        """A copy carries no reward paid with the points of the original."""
        return (
            super()
            ._get_copiable_order_lines()
            .filtered(lambda line: not line.sudo().dealer_redemption_id)
        )

    def write(self, vals):
        if not self.env.su:
            self._dealer_check_estimate_write(vals)
        if (
            "partner_id" in vals
            and not self.env.su
            and self.sudo()
            .order_line.filtered("dealer_redemption_id")
            .order_id.filtered(lambda order: order.partner_id.id != vals["partner_id"])
        ):
            raise UserError(
                _(
                    "This quotation carries a reward paid with the customer's points: remove "
                    "the reward line (its points go back) before changing the customer."
                )
            )
        return super().write(vals)

    def unlink(self):
        # a deleted quotation gives back the points of its rewards (lines go by cascade)
        deletable = self.filtered(lambda order: order.state in ("draft", "cancel"))
        deletable.sudo().order_line.filtered("dealer_redemption_id").with_env(self.env).unlink()
        deletable._dealer_give_back_redemptions()
        return super().unlink()

    def action_dealer_confirm_with_customer(self):
        """Verification, step one: the form of the call or visit in which the customer
        confirmed. Its 'Log and Confirm' button saves it, then confirms the quotation
        (_dealer_confirm_with_customer); the context key only shows that button."""
        self._dealer_check_caller()
        action = self.action_dealer_log_interaction()
        action["name"] = _("Confirm with the Customer")
        action["context"].update(
            default_outcome="verified",
            default_direction="outbound",
            default_subject=_("Quotation %s confirmed with the customer", self.name),
            dealer_confirm_order=True,
        )
        return action

    def _dealer_confirm_with_customer(self, interaction):
        """Verification, step two: confirm this quotation on ``interaction``, the logged
        contact in which the customer confirmed it, as the caller (their own rights)."""
        self.ensure_one()
        self._dealer_check_caller()
        # the contact is about the quotation as it stands: logged since its last change
        # (a verification from before it was cancelled and set back to draft, or edited,
        # does not confirm it)
        self.flush_recordset()
        if (
            interaction.sale_order_id != self
            or interaction.outcome != "verified"
            or interaction.create_date < self.write_date
        ):
            raise UserError(
                _(
                    "Log the contact in which the customer confirmed %s, with the outcome "
                    "Verified, before confirming it.",
                    self.name,
                )
            )
        if self.state not in ("draft", "sent"):
            raise UserError(_("%s is no longer a quotation to confirm.", self.name))
        return self.action_confirm()

    dealer_to_deliver = fields.Boolean(
        string="Vehicle to Deliver", compute="_compute_dealer_to_deliver"
    )
    dealer_vehicle_ids = fields.One2many(
        "dealer.vehicle",
        "sale_order_id",
        string="Vehicles Delivered",
        groups=DEALER_GROUPS,
    )

    @api.depends("state", "order_line.dealer_vehicle_id")
    def _compute_dealer_to_deliver(self):
        for order in self:
            order.dealer_to_deliver = order.state == "sale" and any(
                line.dealer_is_vehicle and not line.dealer_vehicle_id for line in order.order_line
            )

    def action_dealer_deliver_vehicle(self):
        self.ensure_one()
        self._dealer_check_caller(groups="dealer_crm.group_sales")
        if not self.dealer_to_deliver:
            if self._dealer_sells_road_items():
                raise UserError(_("No vehicle of this order is waiting for delivery."))
            raise UserError(_("No item of this order is waiting for delivery."))
        return {
            "type": "ir.actions.act_window",
            # the dialog's title, in a watch retailer's words ("Deliver Watch")
            "name": self._dealer_reword(_("Deliver Vehicle")),
            "res_model": "dealer.vehicle.delivery",
            "view_mode": "form",
            "target": "new",
            "context": {"default_sale_order_id": self.id},
        }

    def _dealer_deliver(self, line, vin, plate, date, odometer):
        """Register the vehicle of ``line`` as sold by us, once, by its VIN."""
        self.ensure_one()
        self._dealer_check_caller(groups="dealer_crm.group_sales")
        if line.dealer_item_kind not in ROAD_KINDS:
            raise UserError(
                _(
                    "%s is delivered by its serial number, not by a VIN.",
                    line.product_id.display_name,
                )
            )
        if not (vin or "").strip():
            raise UserError(_("Give the VIN of %s.", line.product_id.display_name))
        return self._dealer_hand_over(
            line,
            date,
            [("vin", "=", normalize_vin(vin))],
            {"vin": vin, "license_plate": plate},
            {"license_plate": plate} if plate else {},
            odometer,
        )

    def _dealer_deliver_item(self, line, serial_number, warranty_card, date):
        """Register the item of ``line`` that is not a road vehicle (a watch) as sold by
        us, once, by its serial number and warranty card: the same handover as a
        vehicle's (ownership "sold by us", warranty, follow-ups), without VIN, plate or
        odometer. A serial number already in the register (of the model's brand, in the
        order's company, whatever its case) is transferred, never duplicated."""
        self.ensure_one()
        self._dealer_check_caller(groups="dealer_crm.group_sales")
        kind = line.dealer_item_kind
        if kind in ROAD_KINDS:
            raise UserError(
                _("%s is a vehicle: deliver it by its VIN.", line.product_id.display_name)
            )
        serial = (serial_number or "").strip() if isinstance(serial_number, str) else ""
        if not normalize_serial(serial):
            raise UserError(_("Give the serial number of %s.", line.product_id.display_name))
        model = line.product_id.product_tmpl_id.dealer_model_id
        card = (warranty_card or "").strip() if isinstance(warranty_card, str) else ""
        return self._dealer_hand_over(
            line,
            date,
            [
                ("item_kind", "=", kind),
                ("company_id", "=", self.company_id.id),
                ("brand_id", "=", model.brand_id.id),
                ("serial_normalized", "=", normalize_serial(serial)),
            ],
            {"item_kind": kind, "serial_number": serial, "warranty_card": card or False},
            {"warranty_card": card} if card else {},
            0.0,
        )

    def _dealer_hand_over(self, line, date, existing_domain, identity, update, odometer):
        """Register the item of ``line`` as sold by us, once, whatever its kind: the
        item found by ``existing_domain`` passes to the customer by a transfer, with
        ``update`` written; else a new item is created with ``identity``."""
        model = self._dealer_check_deliverable(line, date)
        Vehicle = self.env["dealer.vehicle"].with_context(dealer_ownership_origin="sale")
        vehicle = Vehicle.with_context(active_test=False).search(existing_domain, limit=1)
        terms = self._dealer_delivery_terms(
            model, date, odometer, vehicle.odometer_unit or KILOMETERS
        )
        if identity.get("item_kind", "vehicle") not in ROAD_KINDS:
            # no odometer: the warranty runs by time only
            terms["warranty_mileage_limit"] = 0.0
        # "sold by us" is recorded by this delivery only (protected on the vehicle)
        sold_by_us = {"seller_id": self.user_id.id, "sale_order_id": self.id}
        if vehicle:
            # Already in the register (a demonstrator, a vehicle bought back...): it
            # passes to the customer by a transfer, its history kept; never a duplicate.
            # the caller's rights on the vehicle, then the delivery records the sale
            vehicle._dealer_check_caller()
            if vehicle.owner_id != self.partner_id:
                vehicle._transfer_owner(self.partner_id, date, origin="sale")
            vehicle.sudo().write({**terms, **update, "active": True})
            vehicle.sudo().write(sold_by_us)
        else:
            self.env["dealer.vehicle"].check_access("create")
            # the after-sale follow-ups start at creation, addressed to the seller
            vehicle = (
                Vehicle.sudo()
                .create(
                    {
                        **terms,
                        **sold_by_us,
                        **identity,
                        "model_id": model.id,
                        "owner_id": self.partner_id.id,
                        "company_id": self.company_id.id,
                    }
                )
                .sudo(False)
            )
        if odometer:
            self.env["dealer.vehicle.odometer"].create(
                {"vehicle_id": vehicle.id, "date": date, "value": odometer, "source": "sale"}
            )
        line.sudo().dealer_vehicle_id = vehicle
        self.opportunity_id._dealer_take_trade_in(date)
        self.message_post(
            body=_("%(vehicle)s delivered on %(date)s.", vehicle=vehicle.display_name, date=date),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "dealer.vehicle",
            "res_id": vehicle.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _dealer_check_deliverable(self, line, date):
        """The vehicle model of ``line``, a vehicle of this confirmed order not yet
        delivered, handed over on ``date`` (not in the future)."""
        road = line.dealer_item_kind in ROAD_KINDS if line.dealer_is_vehicle else None
        if road is None:
            road = self._dealer_sells_road_items()
        if self.state != "sale":
            if road:
                raise UserError(_("Confirm the order before delivering its vehicle."))
            raise UserError(_("Confirm the order before delivering its item."))
        if line.order_id != self or not line.dealer_is_vehicle:
            if road:
                raise UserError(_("This line is not a vehicle of the order %s.", self.name))
            raise UserError(_("This line is not an item of the order %s.", self.name))
        if line.dealer_vehicle_id:
            raise UserError(
                _(
                    "%(vehicle)s was already delivered on this order.",
                    vehicle=line.dealer_vehicle_id.display_name,
                )
            )
        if date > fields.Date.context_today(self):
            raise UserError(_("A delivery cannot be dated in the future."))
        model = line.product_id.product_tmpl_id.dealer_model_id
        if not model:
            # a watch product without its reference reads as a vehicle's line: the
            # company says what it is
            if road and self.company_id.dealer_item_kinds != "watch":
                raise UserError(
                    _(
                        "Give the vehicle model of %s (on the product) before delivering it.",
                        line.product_id.display_name,
                    )
                )
            raise UserError(
                _(
                    "Give the catalog model of %s (on the product) before delivering it.",
                    line.product_id.display_name,
                )
            )
        return model

    def _dealer_sells_road_items(self):
        """Whether this order speaks of vehicles: it has a vehicle line, or, without
        item lines, its company sells vehicles. A watch retailer's messages name items."""
        self.ensure_one()
        lines = self.order_line.filtered("dealer_is_vehicle")
        if lines:
            return any(kind in ROAD_KINDS for kind in lines.mapped("dealer_item_kind"))
        return (self.company_id.dealer_item_kinds or "vehicle") != "watch"

    @api.model
    def _dealer_delivery_terms(self, model, date, odometer, vehicle_unit):
        """The purchase date and the model's warranty, from the delivery: its distance
        in the unit the vehicle's odometer reads."""
        return {
            "purchase_date": date,
            "warranty_end_date": date + relativedelta(months=model.dealer_warranty_months)
            if model.dealer_warranty_months
            else False,
            "warranty_mileage_limit": (odometer or 0.0)
            + convert_distance(
                model.dealer_warranty_distance, model.dealer_warranty_distance_unit, vehicle_unit
            )
            if model.dealer_warranty_distance
            else 0.0,
        }

    def _dealer_check_estimate_write(self, vals):
        """What a client may not change on a visit's estimate (issue 32): its customer is
        the visit's (the invoice and delivery addresses are that customer's own), and its
        state moves only through the workflow (the customer's answer on the portal or by
        phone, the visit cancelled); a waiting estimate may still go between Quotation
        and Quotation Sent, as sale's own sending does."""
        estimates = self.sudo().filtered("dealer_estimate_visit_id")
        if not estimates:
            return
        for order in estimates:
            customer = order.dealer_estimate_visit_id.partner_id
            if "partner_id" in vals and vals["partner_id"] != customer.id:
                raise UserError(
                    _(
                        "%(order)s is the estimate of service visit %(visit)s: its customer "
                        "is the visit's, %(customer)s, and cannot be changed.",
                        order=order.name,
                        visit=order.dealer_estimate_visit_id.name,
                        customer=customer.display_name,
                    )
                )
            for name in ("partner_invoice_id", "partner_shipping_id"):
                if not vals.get(name):
                    continue
                address = self.env["res.partner"].sudo().browse(vals[name])
                if address.commercial_partner_id != customer.commercial_partner_id:
                    raise UserError(
                        _(
                            "%(order)s is the estimate of service visit %(visit)s: its "
                            "%(field)s is one of %(customer)s's own addresses.",
                            order=order.name,
                            visit=order.dealer_estimate_visit_id.name,
                            field=self._fields[name].get_description(self.env)["string"],
                            customer=customer.display_name,
                        )
                    )
        if "state" in vals:
            moved = estimates.filtered(lambda o: o.state != vals["state"])
            open_moves = {"draft", "sent"}
            if moved.filtered(
                lambda o: (
                    not (
                        o.dealer_estimate_visit_id.dealer_estimate_state == "waiting"
                        and {o.state, vals["state"]} <= open_moves
                    )
                )
            ):
                moved.with_env(self.env)._dealer_check_estimate_decision()

    def _dealer_check_estimate_decision(self):
        """A service visit's estimate is approved or refused by its customer only: on
        the portal (signed or paid, or declined there: run as superuser) or by the call
        the service advisor records on the visit. Staff never confirm or cancel it as
        an ordinary quotation."""
        if self and not self.env.su:
            raise UserError(
                _(
                    "%s is the estimate of a service visit: the customer approves or "
                    "refuses it on the portal, or the service advisor records their answer "
                    "on the visit (Approved by Phone, Refused by Phone).",
                    ", ".join(self.mapped("name")),
                )
            )
