# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Recall campaigns (issue 28): a manufacturer's campaign, the vehicles it affects, and
the owners told of it.

The affected vehicles are matched set-based, with one ``INSERT ... SELECT ... ON
CONFLICT DO NOTHING`` (by model and model years, or by a VIN list), so that a campaign
against 150,000 vehicles is a few queries and a second run adds nothing. The owners are
told by the batched job ``_cron_recalls`` (see ``dealer.recall.vehicle._notify``)."""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.items import ROAD_KINDS
from ..tools.vin import normalize_vin

#: who sets campaigns up, opens and closes them
MANAGER_GROUP = "dealer_crm.group_manager"
#: lines notified per batch (a button's first batch, the nightly job's batches)
NOTIFY_BATCH = 500

LAWFUL_BASES = [
    ("legal_obligation", "Legal obligation"),
    ("legitimate_interest", "Legitimate interest"),
]


class DealerRecallCampaign(models.Model):
    _name = "dealer.recall.campaign"
    _description = "Recall Campaign"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, id desc"
    _dealer_partner_fields = ()
    _check_company_auto = True

    name = fields.Char(string="Manufacturer Reference", required=True, tracking=True, copy=False)
    title = fields.Char(required=True, tracking=True)
    description = fields.Html()
    remedy = fields.Text(help="The work that puts an affected vehicle right.")
    is_safety = fields.Boolean(
        string="Safety Recall",
        default=True,
        tracking=True,
        help="A safety recall is a legal notice: owners who allow no electronic channel "
        "are told by post, else by telephone.",
    )
    lawful_basis = fields.Selection(
        LAWFUL_BASES,
        required=True,
        compute="_compute_lawful_basis",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Why the owners may be contacted: a safety recall is a legal obligation.",
    )
    brand_id = fields.Many2one("fleet.vehicle.model.brand", string="Make", tracking=True)
    model_ids = fields.Many2many(
        "fleet.vehicle.model",
        string="Models",
        domain="[('brand_id', '=?', brand_id)]",
        help="The models affected; none means every model of the make.",
    )
    year_from = fields.Integer(string="Model Years From", tracking=True)
    year_to = fields.Integer(string="Model Years To", tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("open", "Open"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        help="Follow-ups and calls of this campaign are assigned to them.",
    )
    followup_interval_days = fields.Integer(
        string="Follow Up Every (Days)", default=14, tracking=True
    )
    followup_max = fields.Integer(string="Follow-ups at Most", default=3, tracking=True)
    line_ids = fields.One2many("dealer.recall.vehicle", "campaign_id", string="Vehicles")
    vehicle_count = fields.Integer(compute="_compute_counts", string="Vehicles Affected")
    to_notify_count = fields.Integer(compute="_compute_counts", string="To Notify")
    notified_count = fields.Integer(compute="_compute_counts", string="Notified")
    booked_count = fields.Integer(compute="_compute_counts", string="Booked")
    done_count = fields.Integer(compute="_compute_counts", string="Done")
    unreachable_count = fields.Integer(compute="_compute_counts", string="Unreachable")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    #: opened and closed by its buttons only
    _dealer_protected_fields = frozenset({"state"})

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "This manufacturer reference already has a recall campaign.",
        ),
        (
            "followup_check",
            "CHECK(followup_interval_days > 0 AND followup_max >= 0)",
            "Follow-ups need an interval of at least one day and a maximum of zero or more.",
        ),
    ]

    @api.depends("is_safety")
    def _compute_lawful_basis(self):
        for campaign in self:
            campaign.lawful_basis = (
                "legal_obligation" if campaign.is_safety else "legitimate_interest"
            )

    @api.depends("line_ids.state")
    def _compute_counts(self):
        """Lines per campaign and state, in one grouped query for the whole set."""
        counts = {
            (campaign.id, state): count
            for campaign, state, count in self.env["dealer.recall.vehicle"]._read_group(
                [("campaign_id", "in", self.ids)], ["campaign_id", "state"], ["__count"]
            )
        }
        for campaign in self:
            total = 0
            for state in ("to_notify", "notified", "booked", "done", "unreachable"):
                count = counts.get((campaign.id, state), 0)
                campaign[f"{state}_count"] = count
                total += count
            campaign.vehicle_count = total

    @api.constrains("year_from", "year_to")
    def _check_years(self):
        for campaign in self:
            if campaign.year_from and campaign.year_to and campaign.year_from > campaign.year_to:
                raise ValidationError(
                    _(
                        "Recall %(name)s: the model years run from %(start)s to %(end)s, "
                        "which is backwards.",
                        name=campaign.name,
                        start=campaign.year_from,
                        end=campaign.year_to,
                    )
                )

    # Buttons ----------------------------------------------------------------------
    def action_open(self):
        self._dealer_check_caller(groups=MANAGER_GROUP)
        if any(c.state != "draft" for c in self):
            raise UserError(_("Only a draft recall campaign can be opened."))
        self.sudo().write({"state": "open"})

    def action_close(self):
        self._dealer_check_caller(groups=MANAGER_GROUP)
        self.sudo().write({"state": "closed"})

    def action_match_models(self):
        """Add the company's active vehicles of the campaign's models and model years."""
        self.ensure_one()
        self._dealer_check_caller(groups=MANAGER_GROUP)
        added = self._match_models()
        self.message_post(
            body=_(
                "%(count)s vehicles added by model and model years (%(total)s affected).",
                count=added,
                total=self.vehicle_count,
            )
        )
        return True

    def action_import_vins(self):
        self.ensure_one()
        self._dealer_check_caller(groups=MANAGER_GROUP)
        return {
            "type": "ir.actions.act_window",
            "name": _("Import VIN List"),
            "res_model": "dealer.recall.vin.import",
            "view_mode": "form",
            "target": "new",
            "context": {"default_campaign_id": self.id},
        }

    def action_notify(self):
        """Tell the owners not told yet: a first batch now, the rest by the nightly
        job's batches, started at once."""
        self.ensure_one()
        self._dealer_check_caller(groups=MANAGER_GROUP)
        if self.state != "open":
            raise UserError(_("Open the recall campaign before notifying the owners."))
        Line = self.env["dealer.recall.vehicle"].sudo()
        domain = [("campaign_id", "=", self.id), ("state", "=", "to_notify")]
        Line._dealer_claim(domain, NOTIFY_BATCH)._notify()
        if Line.search_count(domain, limit=1):
            self.env.ref("dealer_crm.ir_cron_dealer_recalls")._trigger()
        return True

    def action_view_lines(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action(
            "dealer_crm.dealer_recall_vehicle_action",
            "campaign_id",
            name=_("Recall %s", self.name),
            search_default_group_state=1,
        )

    # Matching -----------------------------------------------------------------------
    def _match_models(self):
        """The campaign's models and years against the company's active vehicles: one
        INSERT ... SELECT, whatever the number of vehicles. Returns how many were added."""
        self.ensure_one()
        if not self.model_ids and not self.brand_id:
            raise UserError(_("Choose the make or the models the recall affects."))
        conditions = [
            SQL("v.active"),
            SQL("v.company_id = %s", self.company_id.id),
        ]
        if self.model_ids:
            conditions.append(SQL("v.model_id IN %s", tuple(self.model_ids.ids)))
        else:
            conditions.append(SQL("v.brand_id = %s", self.brand_id.id))
        if self.year_from:
            conditions.append(SQL("v.model_year >= %s", self.year_from))
        if self.year_to:
            conditions.append(SQL("v.model_year BETWEEN 1 AND %s", self.year_to))
        return self._insert_lines(SQL(" AND ").join(conditions))

    def _match_vins(self, text):
        """The VINs of ``text`` (one a line, or separated by commas, semicolons or
        spaces), normalised, against the company's active vehicles: one INSERT ...
        SELECT. Returns (added, [(vin, why it was not matched)])."""
        _ = self.env._
        self.ensure_one()
        raw = [part for part in _split_vins(text) if part]
        if not raw:
            raise UserError(_("The list holds no VIN."))
        problems, vins = [], []
        for value in raw:
            problem = self.env["dealer.vehicle"]._dealer_vin_problem(value)
            if problem:
                problems.append((value, problem))
            else:
                vins.append(normalize_vin(value))
        vins = list(dict.fromkeys(vins))
        added = 0
        if vins:
            found = {
                vin
                for (vin,) in self.env.execute_query(
                    SQL(
                        "SELECT vin FROM dealer_vehicle WHERE company_id = %s AND active "
                        "AND vin = ANY(%s)",
                        self.company_id.id,
                        vins,
                    )
                )
            }
            problems += [
                (vin, _("No active vehicle of %s has this VIN.", self.company_id.name))
                for vin in vins
                if vin not in found
            ]
            if found:
                added = self._insert_lines(
                    SQL(
                        "v.active AND v.company_id = %s AND v.vin = ANY(%s)",
                        self.company_id.id,
                        sorted(found),
                    )
                )
        return added, problems

    def _insert_lines(self, condition):
        """One line per vehicle ``v`` meeting the SQL ``condition``, those already in
        the campaign left as they are; road vehicles only (a watch of a recalled make is
        no recalled vehicle). Returns how many were added."""
        self.ensure_one()
        Line = self.env["dealer.recall.vehicle"]
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO dealer_recall_vehicle
                    (campaign_id, vehicle_id, partner_id, company_id, state,
                     followup_count, create_uid, create_date, write_uid, write_date)
                SELECT %(campaign)s, v.id, v.owner_id, v.company_id, 'to_notify',
                       0, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM dealer_vehicle v
                 WHERE %(condition)s AND v.item_kind IN %(road)s
                ON CONFLICT (campaign_id, vehicle_id) DO NOTHING
                RETURNING id
                """,
                campaign=self.id,
                uid=self.env.uid,
                now=self.env.cr.now(),
                condition=condition,
                road=ROAD_KINDS,
            )
        )
        Line.invalidate_model()
        self.invalidate_recordset()
        return len(rows)

    # The nightly job ------------------------------------------------------------------
    @api.model
    def _cron_recalls(self, batch_size=NOTIFY_BATCH):
        """Notify the owners of open campaigns' vehicles, then follow up those notified
        and not booked, one batch per call. A processed line leaves the job's domain in
        the batch's own transaction, so a second run sends and schedules nothing twice."""
        Line = self.env["dealer.recall.vehicle"]
        notify_domain = Line._to_notify_domain()
        followup_domain = Line._followup_domain()
        lines = Line._dealer_claim(notify_domain, batch_size)
        lines._notify()
        due = (
            Line._dealer_claim(followup_domain, batch_size - len(lines))
            if len(lines) < batch_size
            else Line.browse()
        )
        due._schedule_followups()
        remaining = Line.search_count(notify_domain) + Line.search_count(followup_domain)
        self.env["ir.cron"]._notify_progress(done=len(lines) + len(due), remaining=remaining)
        return lines | due

    def _next_followup(self, day):
        self.ensure_one()
        return day + timedelta(days=self.followup_interval_days)


def _split_vins(text):
    """The values of a pasted or uploaded VIN list: one a line, or separated by commas,
    semicolons or tabs; a CSV header cell ("VIN") is no VIN."""
    for line in (text or "").replace(";", "\n").replace(",", "\n").replace("\t", "\n").splitlines():
        value = line.strip().strip('"').strip()
        if value and value.upper() != "VIN":
            yield value
