# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import timedelta

import psycopg2.errors
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.distance import KILOMETERS, MILES, convert_distance
from .dealer_consent import contactable_domain

_logger = logging.getLogger(__name__)

#: the vehicle triggers of the nightly job, in the order a batch takes them
VEHICLE_REASONS = ("warranty_end", "replacement")


class DealerLifecycleLead(models.AbstractModel):
    """Lifecycle leads (cron "Dealer CRM: lifecycle leads", issue 28).

    What the CRM knows becomes an opportunity (``crm.lead``) for the customer's
    salesperson: a warranty about to end, a vehicle of replacement age or distance (each
    found by the nightly job), and a need recorded that no current vehicle of the customer
    meets (opened at once, when the need is recorded). Each lead carries its reason and
    its vehicle or need (``dealer_lifecycle_*``, written here only) and is created once:
    a unique index on ``crm_lead`` (see ``crm.lead.init``) holds one lead per vehicle and
    reason and one per need, lost and archived leads included.

    Only current owners count: active customers, not anonymised, not the dealership itself
    (a vehicle taken in part-exchange), in the vehicle's company. The salesperson is the
    customer's own (``user_id``), else the vehicle's seller, else nobody: the lead then
    waits in the company's first sales team.
    """

    _name = "dealer.lifecycle.lead"
    _description = "Lifecycle Leads"

    # ------------------------------------------------------------------ the triggers
    @api.model
    def _owner_domain(self, path="owner_id."):
        """The customers a lifecycle lead is for, reached by ``path``."""
        return [
            (path.rstrip("."), "!=", False),
            *contactable_domain(path),
            (f"{path}ref_company_ids", "=", False),
        ]

    @api.model
    def _vehicle_domains(self):
        """{reason: the domain of the vehicles due a lead for it that have none yet}."""
        settings = self.env["dealer.settings.mixin"]
        today = fields.Date.context_today(self)
        days = settings._dealer_get("dealer_lifecycle_warranty_days")
        years = settings._dealer_get("dealer_lifecycle_replacement_years")
        km = settings._dealer_get("dealer_lifecycle_replacement_km")
        # the age from the model year, else (no year recorded) from the purchase date
        age = expression.OR(
            [
                [("model_year", ">", 0), ("model_year", "<=", today.year - years)],
                [
                    ("model_year", "in", [0, False]),
                    ("purchase_date", "<=", today - relativedelta(years=years)),
                ],
            ]
        )
        # the distance in the vehicle's own unit: the setting (km) converted to miles
        distance = expression.OR(
            [
                [
                    ("odometer_unit", "=", unit),
                    ("odometer", ">=", convert_distance(km, KILOMETERS, unit)),
                ]
                for unit in (KILOMETERS, MILES)
            ]
        )
        triggers = {
            "warranty_end": [
                ("warranty_end_date", ">=", today),
                ("warranty_end_date", "<=", today + timedelta(days=days)),
            ],
            "replacement": expression.OR([age, distance]),
        }
        return {
            reason: expression.AND(
                [
                    self._owner_domain(),
                    trigger,
                    # none yet for this vehicle, reason and its current owner: a vehicle
                    # sold on is due a lead for its new owner
                    [
                        (
                            "id",
                            "not in",
                            SQL(
                                """(SELECT lead.dealer_lifecycle_vehicle_id
                                      FROM crm_lead lead
                                      JOIN dealer_vehicle vehicle
                                        ON vehicle.id = lead.dealer_lifecycle_vehicle_id
                                     WHERE lead.dealer_lifecycle_reason = %s
                                       AND lead.partner_id = vehicle.owner_id)""",
                                reason,
                            ),
                        )
                    ],
                ]
            )
            for reason, trigger in triggers.items()
        }

    # ------------------------------------------------------------------ the job
    @api.model
    def _cron_lifecycle_leads(self, batch_size=500):
        """Open the warranty and replacement leads due, one batch of vehicles per call.

        The vehicles are taken with ``SKIP LOCKED`` (``_dealer_claim``); a vehicle with
        its lead is no longer found, so a second run creates nothing, and the cron
        framework commits each batch and calls again while vehicles remain. Returns the
        leads opened.
        """
        Vehicle = self.env["dealer.vehicle"].sudo()
        domains = self._vehicle_domains()
        leads = self.env["crm.lead"]
        done = 0
        for reason in VEHICLE_REASONS:
            if done >= batch_size:
                break
            vehicles = Vehicle._dealer_claim(domains[reason], batch_size - done)
            done += len(vehicles)
            leads |= self._open_leads([self._vehicle_lead_values(reason, v) for v in vehicles])
        remaining = sum(Vehicle.search_count(domains[reason]) for reason in VEHICLE_REASONS)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return leads

    @api.model
    def _open_needs_leads(self, needs):
        """Open a lead for each of ``needs`` (just recorded) that no current vehicle of
        its customer meets: its need offers vehicles (products of a vehicle model) and the
        customer owns none of these models in the need's company. A need whose offering
        holds no vehicle opens nothing: it is met by a service or an accessory, which the
        customer form and the enquiry show (What We Offer For These Needs)."""
        needs = needs.sudo().filtered_domain(
            [("active", "=", True), *self._owner_domain("partner_id.")]
        )
        models_of = {
            need: need.tag_id.product_ids.product_tmpl_id.dealer_model_id for need in needs
        }
        needs = needs.filtered(lambda n: models_of[n])
        if not needs:
            return self.env["crm.lead"]
        owned = {
            (vehicle.owner_id, vehicle.company_id, vehicle.model_id)
            for vehicle in self.env["dealer.vehicle"]
            .sudo()
            .search_fetch(
                [
                    ("owner_id", "in", needs.partner_id.ids),
                    (
                        "model_id",
                        "in",
                        needs.tag_id.product_ids.product_tmpl_id.dealer_model_id.ids,
                    ),
                ],
                ["owner_id", "company_id", "model_id"],
            )
        }
        unmet = needs.filtered(
            lambda n: not any((n.partner_id, n.company_id, m) in owned for m in models_of[n])
        )
        # the same need recorded twice (or again after its lead) opens no second lead
        seen = {
            (lead.partner_id, lead.company_id, lead.dealer_lifecycle_need_id.tag_id)
            for lead in self.env["crm.lead"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("dealer_lifecycle_reason", "=", "unmet_need"),
                    ("partner_id", "in", unmet.partner_id.ids),
                    ("dealer_lifecycle_need_id.tag_id", "in", unmet.tag_id.ids),
                ]
            )
        }
        vals_list = []
        for need in unmet:
            key = (need.partner_id, need.company_id, need.tag_id)
            if key not in seen:
                seen.add(key)
                vals_list.append(self._need_lead_values(need, models_of[need]))
        return self._open_leads(vals_list)

    @api.model
    def _open_leads(self, vals_list):
        """Create the leads of ``vals_list`` (as the job, in sudo) without notifying each
        salesperson by email: a night's batch waits in their pipeline. A lead another run
        opened since this transaction began (the unique index refuses it) leaves this
        batch undone: that run did it."""
        if not vals_list:
            return self.env["crm.lead"]
        Lead = (
            self.env["crm.lead"]
            .sudo()
            .with_context(
                mail_create_nolog=True, mail_auto_subscribe_no_notify=True, tracking_disable=True
            )
        )
        try:
            with self.env.cr.savepoint():
                leads = Lead.create(vals_list)
                self.env.flush_all()
        except psycopg2.errors.UniqueViolation:
            self.env.transaction.clear()
            _logger.info("Lifecycle leads: another run opened these leads first")
            return self.env["crm.lead"]
        return leads.sudo(False)

    # ------------------------------------------------------------------ the leads
    @api.model
    def _salesperson(self, partner, company, vehicle=None):
        """The customer's salesperson, else the vehicle's seller, when they work in
        ``company``; else nobody."""
        for user in (partner.user_id, vehicle and vehicle.seller_id):
            if user and user.active and not user.share and company in user.company_ids:
                return user
        return self.env["res.users"]

    @api.model
    def _lead_values(self, reason, partner, company, name, note, vehicle=None):
        user = self._salesperson(partner, company, vehicle)
        vals = {
            "name": name,
            "type": "opportunity",
            "partner_id": partner.id,
            "company_id": company.id,
            "user_id": user.id,
            "description": Markup("<p>%s</p>") % note,
            "dealer_lifecycle_reason": reason,
        }
        if not user:
            vals["team_id"] = (
                self.env["crm.team"]
                .sudo()
                .search(
                    [("use_opportunities", "=", True), ("company_id", "in", [company.id, False])],
                    limit=1,
                )
                .id
            )
        return vals

    @api.model
    def _vehicle_lead_values(self, reason, vehicle):
        _ = self.env._
        if reason == "warranty_end":
            name = _("Extended warranty: %s", vehicle.display_name)
            note = _(
                "The warranty of %(vehicle)s ends on %(date)s: offer an extended warranty "
                "or a service plan.",
                vehicle=vehicle.display_name,
                date=fields.Date.to_string(vehicle.warranty_end_date),
            )
        else:
            name = _("Replacement: %s", vehicle.display_name)
            note = _(
                "%(vehicle)s (model year %(year)s, bought %(bought)s, %(odometer)s %(unit)s) "
                "has reached the replacement age or distance: offer a newer vehicle.",
                vehicle=vehicle.display_name,
                year=vehicle.model_year or "-",
                bought=fields.Date.to_string(vehicle.purchase_date) or "-",
                odometer=self.env["dealer.vehicle.odometer"]._dealer_distance_text(
                    vehicle.odometer
                ),
                unit=self.env["dealer.vehicle.odometer"]._dealer_unit_label(vehicle),
            )
        vals = self._lead_values(
            reason, vehicle.owner_id, vehicle.company_id, name, note, vehicle=vehicle
        )
        vals["dealer_lifecycle_vehicle_id"] = vehicle.id
        return vals

    @api.model
    def _need_lead_values(self, need, vehicle_models):
        _ = self.env._
        vals = self._lead_values(
            "unmet_need",
            need.partner_id,
            need.company_id,
            _("Need: %s", need.tag_id.name),
            _(
                "%(customer)s needs %(need)s (recorded on %(date)s) and owns none of the "
                "vehicles we offer for it: %(models)s.",
                customer=need.partner_id.display_name,
                need=need.tag_id.name,
                date=fields.Date.to_string(need.date),
                models=", ".join(vehicle_models.mapped("display_name")),
            ),
        )
        vals["dealer_lifecycle_need_id"] = need.id
        if len(vehicle_models) == 1:
            vals["dealer_vehicle_model_id"] = vehicle_models.id
        return vals
