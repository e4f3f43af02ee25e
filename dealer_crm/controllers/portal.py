# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's own pages under /my (issue 29).

A portal user has no access right on dealer_crm's models: every page reads with
``sudo()``, and only after checking that the record is the customer's own (its customer
is the user's contact or the user's commercial partner). An id of somebody else's record,
typed into the URL, gets the same answer as an id that does not exist: a 404. Pages show
the fields a customer is told anyway (their vehicle, its visits, what is due, open
recalls, points); never the internal ones (ratings, scores, segments, notes, root causes).

- vehicles: /my/vehicles and /my/vehicles/<id>, with the customer's own visits, the next
  service due and the open recalls; (issue 32) the pages speak of the customer's items:
  "My Watches" and a watch's serial number, no VIN, plate, odometer or recall, when they
  are all watches; "My Items" when they are of more than one kind; a customer of road
  vehicles only reads them as before (``_dealer_portal_item_word``);
- loyalty: /my/loyalty lists the cards' balances; each card's history is core loyalty's
  own page (/my/loyalty_card/<id>/history), which checks the card's holder itself;
- complaints: helpdesk_mgmt's /my/tickets (its record rule and portal templates);
- consents: /my/consents, where each change is recorded as evidence by
  ``dealer.consent._dealer_record_answer``, as an unsubscribe link's is;
- personal data: /my/personal_data, the access request export staff make
  (``dealer.access.export``), of the user's own contact.
"""

from odoo import _, http
from odoo.exceptions import ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.dealer_consent import PURPOSES
from ..tools.channels import CONSENT_CHANNELS
from ..tools.items import is_road

#: the answers a customer gives on the portal
PORTAL_ANSWERS = ("granted", "withdrawn")
#: the export formats offered
PORTAL_EXPORT_FORMATS = ("json", "xlsx")


class DealerCustomerPortal(CustomerPortal):
    # Ownership -------------------------------------------------------------------
    def _dealer_portal_partners(self):
        """The contacts whose records the user sees: their own and their commercial
        partner (the customer a company contact works for)."""
        user = request.env.user
        return user.partner_id | user.commercial_partner_id

    def _dealer_portal_vehicles(self, vehicle_id=None):
        """The user's vehicles (sudo), or the one of them numbered ``vehicle_id``."""
        domain = [("owner_id", "in", self._dealer_portal_partners().ids)]
        if vehicle_id is not None:
            domain.append(("id", "=", vehicle_id))
        return request.env["dealer.vehicle"].sudo().search(domain, order="next_service_date, id")

    def _dealer_portal_item_word(self, items=None):
        """How the customer's pages name their items: ``"vehicle"`` when they are all road
        vehicles, ``"watch"`` when they are all watches, ``"item"`` when of more than one
        kind. Without an item, the kinds the user's companies sell say it."""
        if items is None:
            items = self._dealer_portal_vehicles()
        kinds = set(items.mapped("item_kind"))
        if not kinds:
            sells = set(request.env.user.company_ids.sudo().mapped("dealer_item_kinds"))
            kinds = {"vehicle", "watch"} if "both" in sells else sells or {"vehicle"}
        if all(is_road(kind) for kind in kinds):
            return "vehicle"
        if kinds == {"watch"}:
            return "watch"
        return "item"

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["dealer_item_word"] = self._dealer_portal_item_word()
        return values

    def _dealer_portal_cards(self):
        """The user's loyalty cards of the dealer schemes (sudo)."""
        return (
            request.env["loyalty.card"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self._dealer_portal_partners().ids),
                    ("program_id.dealer_scheme", "=", True),
                    ("program_id.active", "=", True),
                ],
                order="id",
            )
        )

    def _dealer_portal_companies(self):
        """The companies whose consents the user answers: those the user belongs to."""
        return request.env.user.company_ids

    # Home ------------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dealer_vehicle_count" in counters:
            values["dealer_vehicle_count"] = len(self._dealer_portal_vehicles())
        if "dealer_loyalty_count" in counters:
            values["dealer_loyalty_count"] = len(self._dealer_portal_cards())
        return values

    # Vehicles --------------------------------------------------------------------
    @http.route("/my/vehicles", type="http", auth="user", website=True)
    def dealer_portal_vehicles(self, **kw):
        values = self._prepare_portal_layout_values()
        vehicles = self._dealer_portal_vehicles()
        kinds = set(vehicles.mapped("item_kind"))
        values.update(
            {
                "vehicles": vehicles,
                "page_name": "dealer_vehicles",
                # the columns of a kind the customer has: plate, VIN and recalls for road
                # vehicles, the serial number for the other items
                "dealer_road_columns": not kinds or any(is_road(kind) for kind in kinds),
                "dealer_serial_column": any(not is_road(kind) for kind in kinds),
            }
        )
        return request.render("dealer_crm.portal_my_vehicles", values)

    @http.route("/my/vehicles/<int:vehicle_id>", type="http", auth="user", website=True)
    def dealer_portal_vehicle(self, vehicle_id, **kw):
        vehicle = self._dealer_portal_vehicles(vehicle_id)
        if not vehicle:
            raise request.not_found()
        partners = self._dealer_portal_partners()
        # their own visits only: a vehicle bought used keeps its earlier owner's visits
        visits = (
            request.env["dealer.service.record"]
            .sudo()
            .search(
                [
                    ("vehicle_id", "=", vehicle.id),
                    ("partner_id", "in", partners.ids),
                    ("state", "!=", "cancelled"),
                ],
                order="date desc, id desc",
            )
        )
        recalls = (
            request.env["dealer.recall.vehicle"]
            .sudo()
            .search(
                [
                    ("vehicle_id", "=", vehicle.id),
                    ("state", "!=", "done"),
                    ("campaign_id.state", "=", "open"),
                ],
                order="id",
            )
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "vehicle": vehicle,
                "dealer_road": is_road(vehicle.item_kind),
                "visits": visits,
                "recalls": recalls,
                "page_name": "dealer_vehicle",
            }
        )
        return request.render("dealer_crm.portal_my_vehicle", values)

    # Loyalty ---------------------------------------------------------------------
    @http.route("/my/loyalty", type="http", auth="user", website=True)
    def dealer_portal_loyalty(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update({"cards": self._dealer_portal_cards(), "page_name": "dealer_loyalty"})
        return request.render("dealer_crm.portal_my_loyalty", values)

    # Consents --------------------------------------------------------------------
    def _dealer_consent_values(self, error=None, saved=False):
        partner = request.env.user.partner_id
        companies = self._dealer_portal_companies()
        consents = (
            request.env["dealer.consent"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("company_id", "in", companies.ids)])
        )
        answers = {(c.company_id.id, c.purpose, c.channel): c for c in consents}
        Consent = request.env["dealer.consent"]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "companies": companies.sudo(),
                # in the customer's language
                "purposes": list(Consent._dealer_labels("purpose").items()),
                "channels": list(Consent._dealer_labels("channel").items()),
                "answers": answers,
                "error": error,
                "saved": saved,
                "page_name": "dealer_consents",
            }
        )
        return values

    @http.route("/my/consents", type="http", auth="user", website=True, methods=["GET"])
    def dealer_portal_consents(self, **kw):
        return request.render(
            "dealer_crm.portal_my_consents",
            self._dealer_consent_values(saved=kw.get("saved") == "1"),
        )

    @http.route("/my/consents", type="http", auth="user", website=True, methods=["POST"])
    def dealer_portal_consent_answer(
        self, purpose=None, channel=None, company_id=None, state=None, **kw
    ):
        try:
            self._dealer_record_portal_answer(purpose, channel, company_id, state)
        except ValidationError as error:
            values = self._dealer_consent_values(error=error.args[0])
            return request.render("dealer_crm.portal_my_consents", values, status=400)
        return request.redirect("/my/consents?saved=1")

    def _dealer_record_portal_answer(self, purpose, channel, company_id, state):
        """Record the user's answer, once every value is one the user may give: a
        purpose and a channel the consents know, granted or withdrawn, for a company the
        user belongs to. Refused with a ValidationError naming what is wrong."""
        if purpose not in dict(PURPOSES) or channel not in dict(CONSENT_CHANNELS):
            raise ValidationError(_("This is not a consent you can change here."))
        if state not in PORTAL_ANSWERS:
            raise ValidationError(_("A consent is either given or withdrawn."))
        companies = self._dealer_portal_companies()
        company = companies.filtered(lambda c: str(c.id) == str(company_id))
        if not company:
            raise ValidationError(_("You cannot change your consents to this company here."))
        request.env["dealer.consent"]._dealer_record_answer(
            request.env.user.partner_id,
            purpose,
            channel,
            company,
            state,
            "website",
            _("Changed by the customer on the customer portal."),
            user=request.env.user,
        )

    # Personal data ---------------------------------------------------------------
    @http.route("/my/personal_data", type="http", auth="user", website=True)
    def dealer_portal_personal_data(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "dealer_personal_data"})
        return request.render("dealer_crm.portal_my_personal_data", values)

    @http.route(
        "/my/personal_data/download", type="http", auth="user", website=True, methods=["POST"]
    )
    def dealer_portal_personal_data_download(self, file_format="json", **kw):
        if file_format not in PORTAL_EXPORT_FORMATS:
            raise request.not_found()
        raw, filename = request.env["dealer.access.export"]._dealer_portal_file(
            request.env.user, file_format
        )
        mimetype = (
            "application/json"
            if file_format == "json"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        return request.make_response(
            raw,
            headers=[
                ("Content-Type", mimetype),
                ("Content-Disposition", http.content_disposition(filename)),
            ],
        )
