# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.access import DEALER_GROUPS

_logger = logging.getLogger(__name__)

#: What only the scheme's own moves write on a dealer card (never a user, whatever the context).
LEDGER_FIELDS = {"points", "dealer_tier_id", "dealer_points_12m"}
#: the nightly tier job's progress marker: the last card it recomputed
TIER_CURSOR_KEY = "dealer_crm.tier_cron_last_id"


class LoyaltyCard(models.Model):
    _name = "loyalty.card"
    _inherit = ["loyalty.card", "dealer.department.fields.mixin"]
    _dealer_partner_fields = ("partner_id",)

    dealer_scheme = fields.Boolean(related="program_id.dealer_scheme", store=True)

    def init(self):
        # One card per customer and dealer scheme: a database truth, so that two first
        # awards at the same moment cannot open two cards. Archived cards are left out:
        # a contact merge archives the emptied card of the merged contact, which then
        # follows the customer (wizards/base_partner_merge_automatic_wizard.py).
        self.env.cr.execute(SQL("DROP INDEX IF EXISTS loyalty_card_dealer_one_per_partner_idx"))
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS loyalty_card_dealer_one_active_per_partner_idx "
                "ON loyalty_card (program_id, partner_id) WHERE dealer_scheme AND active"
            )
        )

    dealer_tier_id = fields.Many2one(
        "dealer.loyalty.tier",
        string="Tier",
        tracking=True,
        readonly=True,
        copy=False,
        index=True,
        groups=DEALER_GROUPS,
    )
    dealer_points_12m = fields.Float(string="Points Earned in 12 Months", readonly=True, copy=False)
    dealer_expiring_points = fields.Float(
        string="Points Expiring Soon", compute="_compute_dealer_expiring_points"
    )

    def _compute_dealer_expiring_points(self):
        """Points that expire within the program's warning window, in one search."""
        today = fields.Date.context_today(self)
        earnings = self.env["loyalty.history"].search(
            [
                ("card_id", "in", self.ids),
                ("dealer_remaining", ">", 0),
                ("dealer_expiry_date", "!=", False),
            ]
        )
        expiring = dict.fromkeys(self, 0.0)
        for earning in earnings:
            card = earning.card_id
            if earning.dealer_expiry_date <= today + timedelta(
                days=card.program_id.dealer_warning_days
            ):
                expiring[card] += earning.dealer_remaining
        for card in self:
            card.dealer_expiring_points = expiring.get(card, 0.0)

    #: points and tier move only by the scheme's own earning, redemption and expiry
    _dealer_protected_fields = frozenset(LEDGER_FIELDS)

    def _dealer_protected_records(self):
        # a gift card or coupon of core loyalty keeps core's behaviour
        return self.filtered("program_id.dealer_scheme")

    @api.model
    def _dealer_protected_create_vals(self, vals_list):
        # the program may come from the context (default_program_id) or a user default
        default = self.default_get(["program_id"]).get("program_id") or False
        program_ids = [vals.get("program_id", default) for vals in vals_list]
        programs = self.env["loyalty.program"].sudo().browse(set(program_ids) - {False})
        dealer = set(programs.filtered("dealer_scheme").ids)
        return [vals for vals, pid in zip(vals_list, program_ids, strict=True) if pid in dealer]

    def write(self, vals):
        if "program_id" in vals and not self.env.su:
            # a card moved into a dealer scheme would bring its points and tier past the
            # guard, and one moved out (then back) would leave the ledger behind
            program = self.env["loyalty.program"].sudo().browse(vals["program_id"])
            moved = self.sudo().filtered(lambda card: card.program_id != program)
            if moved and (program.dealer_scheme or moved.filtered("program_id.dealer_scheme")):
                raise AccessError(
                    _(
                        "A card of a dealer scheme stays in its scheme, and a card of another "
                        "program cannot join one: the scheme opens its members' cards itself."
                    )
                )
        return super().write(vals)

    # Movements -------------------------------------------------------------
    def _dealer_lock(self):
        """Lock the card rows until the end of the transaction, then read them fresh.

        The members' rows are not taken: a move writes the member's row only when their
        tier changes, so a job's award does not wait on (nor fail for) a user saving the
        customer. ``NO KEY``: a history line or a redemption being recorded against the
        card (which holds a key share on it) is not waited for, nor waits."""
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM loyalty_card WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["points"])

    def _dealer_move(self, points, description, kind, origin=None, expiry=True):
        """Add (or, negative, take) points with a history line; FIFO on what is taken."""
        self.ensure_one()
        self._dealer_lock()
        history = self.env["loyalty.history"].sudo()
        vals = {
            "card_id": self.id,
            "description": description,
            "dealer_kind": kind,
            "order_model": origin._name if origin else False,
            "order_id": origin.id if origin else False,
        }
        if points >= 0:
            months = self.program_id.dealer_expiry_months
            vals.update(
                issued=points,
                dealer_remaining=points,
                dealer_expiry_date=(
                    fields.Date.context_today(self) + relativedelta(months=months)
                    if expiry and months
                    else False
                ),
            )
        else:
            if self.points + points < -0.0001:
                raise UserError(
                    _(
                        "%(card)s has %(balance)s points: %(asked)s cannot be taken.",
                        card=self.display_name,
                        balance=self.points,
                        asked=-points,
                    )
                )
            self._dealer_consume(-points)
            vals["used"] = -points
        line = history.create(vals)
        self.sudo().write({"points": self.points + points})
        self._dealer_update_tiers()
        return line

    def _dealer_consume(self, points):
        """Take ``points`` from the oldest earnings first."""
        earnings = (
            self.env["loyalty.history"]
            .sudo()
            .search(
                [("card_id", "=", self.id), ("dealer_remaining", ">", 0)],
                order="dealer_expiry_date asc nulls last, id asc",
            )
        )
        for earning in earnings:
            if points <= 0:
                break
            taken = min(points, earning.dealer_remaining)
            earning.dealer_remaining -= taken
            points -= taken

    def _dealer_net_earned(self, origin):
        """Points ``origin`` earned on this card, less what its cancellation returned."""
        self.ensure_one()
        lines = (
            self.env["loyalty.history"]
            .sudo()
            .search(
                [
                    ("card_id", "=", self.id),
                    ("order_model", "=", origin._name),
                    ("order_id", "=", origin.id),
                    ("dealer_kind", "in", ("earn", "reverse")),
                ]
            )
        )
        return sum(lines.mapped("issued")) - sum(
            lines.filtered(lambda line: line.dealer_kind == "reverse").mapped("used")
        )

    def _dealer_redeem(self, points, description, origin=None):
        """Spend points; concurrent redemptions wait on the card lock and never overspend."""
        if points <= 0:
            raise UserError(_("Redeem a positive number of points."))
        return self._dealer_move(-points, description, "redeem", origin)

    def _dealer_adjust(self, points, reason):
        """A manager's manual adjustment, with its reason in the history."""
        if not self.env.user.has_group("dealer_crm.group_manager"):
            raise AccessError(_("Only managers adjust points by hand."))
        if not (reason or "").strip():
            raise UserError(_("Give the reason for the adjustment."))
        return self._dealer_move(points, _("Adjustment: %s", reason), "adjust")

    def _dealer_claim_members(self):
        """These cards, less those another transaction holds (the card, or its
        customer's row, which the stored tier is written to: a user editing the
        customer). Taken with SKIP LOCKED for the job's batch: a card left out is
        picked up by the job's next call or run, never lost."""
        cards = self.with_context(active_test=False)._dealer_claim([("id", "in", self.ids)], None)
        partners = cards.partner_id.with_context(active_test=False)
        free = partners._dealer_claim([("id", "in", partners.ids)], None) if partners else partners
        return cards.filtered(lambda card: not card.partner_id or card.partner_id in free)

    # Tiers ---------------------------------------------------------------------
    def _dealer_update_tiers(self):
        """Recompute the rolling 12-month points and the tier of these cards."""
        cards = self.filtered("program_id.dealer_scheme")
        if not cards:
            return
        since = fields.Datetime.now() - relativedelta(months=12)
        earned = dict(
            self.env["loyalty.history"]
            .sudo()
            ._read_group(
                [
                    ("card_id", "in", cards.ids),
                    ("dealer_kind", "=", "earn"),
                    ("create_date", ">=", since),
                ],
                ["card_id"],
                ["issued:sum"],
            )
        )
        Consent = self.env["dealer.consent"]
        for card in cards:
            points = earned.get(card, 0.0)
            tier = card.program_id.dealer_tier_ids.filtered(
                lambda t, p=points: t.threshold_points <= p
            ).sorted("threshold_points")[-1:]
            vals = {}
            if card.dealer_points_12m != points:
                vals["dealer_points_12m"] = points
            if card.dealer_tier_id != tier:
                vals["dealer_tier_id"] = tier.id
                card.sudo().message_post(
                    body=_(
                        "Tier changed from %(old)s to %(new)s.",
                        old=card.dealer_tier_id.name or _("none"),
                        new=tier.name or _("none"),
                    ),
                    # told to the member only through the consent gate (loyalty, by email)
                    partner_ids=Consent._allowed_partners(
                        card.partner_id, "loyalty", "email", card.company_id or None
                    ).ids,
                    subtype_xmlid="mail.mt_note",
                )
            if vals:
                card.sudo().write(vals)

    @api.model
    def _cron_dealer_tiers(self, batch_size=1000):
        """Nightly: the 12-month window slides, so tiers move down too.

        The last card done is the job's progress marker, locked for the batch and moved
        in the batch's own transaction: a second run at once does nothing, a run after a
        crash starts after the last batch committed. A card another transaction holds
        (a user editing its customer) ends the batch before it: the next call starts
        there."""
        if not self._dealer_claim_marker(TIER_CURSOR_KEY):
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return self.browse()
        last_id = int(self.env["ir.config_parameter"].sudo().get_param(TIER_CURSOR_KEY, 0))
        cards = self.search(
            [("program_id.dealer_scheme", "=", True), ("id", ">", last_id)],
            order="id",
            limit=batch_size,
        )
        free = cards._dealer_claim_members()
        held = cards - free
        if held:
            cards = cards.filtered(lambda card: card.id < min(held.ids))
        cards._dealer_update_tiers()
        remaining = (
            self.search_count(
                [("program_id.dealer_scheme", "=", True), ("id", ">", cards[-1:].id or last_id)]
            )
            if cards
            else 0
        )
        if cards or not held:
            self.env["ir.config_parameter"].sudo().set_param(
                TIER_CURSOR_KEY, cards[-1:].id if remaining else 0
            )
        self.env["ir.cron"]._notify_progress(done=len(cards), remaining=remaining)
        return cards

    # Expiry ----------------------------------------------------------------------
    @api.model
    def _cron_dealer_expire_points(self, batch_size=1000):
        """Expire earnings past their date, oldest first, writing each into the history.

        The batch's earnings, their cards and customers are taken with SKIP LOCKED (an
        earning whose card or customer another transaction holds waits for the next
        call) and zeroed in the batch's own transaction, which the cron framework
        commits: a second run at once, or a run after a crash, expires nothing twice."""
        _ = self.env._
        today = fields.Date.context_today(self)
        domain = [("dealer_remaining", ">", 0), ("dealer_expiry_date", "<", today)]
        History = self.env["loyalty.history"].sudo()
        earnings = History._dealer_claim(domain, batch_size, order="dealer_expiry_date, id")
        # set-based: the batch's cards locked at once, one history line each created at
        # once, the points written in one flush
        cards = earnings.card_id._dealer_claim_members()
        earnings = earnings.filtered(lambda earning: earning.card_id in cards)
        if cards:
            cards._dealer_lock()
        expired_of = defaultdict(float)
        for earning in earnings:
            expired_of[earning.card_id] += earning.dealer_remaining
        earnings.write({"dealer_remaining": 0})
        History.create(
            [
                {
                    "card_id": card.id,
                    "description": _("%s points expired", points),
                    "dealer_kind": "expire",
                    "used": points,
                }
                for card, points in expired_of.items()
            ]
        )
        for card, points in expired_of.items():
            card.sudo().write({"points": max(card.points - points, 0)})
        self.env["ir.cron"]._notify_progress(
            done=len(earnings), remaining=History.search_count(domain)
        )
        return earnings

    @api.model
    def _cron_dealer_expiry_warnings(self, batch_size=500):
        """Warn customers whose points expire soon, where they consent to loyalty messages."""
        History = self.env["loyalty.history"].sudo()
        today = fields.Date.context_today(self)
        # Each scheme's warning window, in the database: a batch holds only earnings
        # that are due a warning, the soonest to expire first.
        programs = self.env["loyalty.program"].sudo().search([("dealer_scheme", "=", True)])
        if not programs:
            return self.env["loyalty.card"]
        domain = [
            ("dealer_remaining", ">", 0),
            ("dealer_warned", "=", False),
            ("dealer_expiry_date", ">=", today),
            ("card_id.partner_id", "!=", False),
        ] + expression.OR(
            [
                [
                    ("card_id.program_id", "=", program.id),
                    (
                        "dealer_expiry_date",
                        "<=",
                        today + timedelta(days=program.dealer_warning_days),
                    ),
                ]
                for program in programs
            ]
        )
        # taken with SKIP LOCKED and marked warned in the batch's own transaction: a
        # second run at once, or a run after a crash, warns nobody twice (the emails
        # leave by Odoo's mail queue once the batch commits)
        earnings = History._dealer_claim(domain, batch_size, order="dealer_expiry_date, id")
        cards = earnings.card_id
        template = self.env.ref("dealer_crm.mail_template_loyalty_expiry")
        warned = self.env["loyalty.card"]
        default = self.env.company
        for company in cards.company_id | default:
            of_company = cards.filtered(lambda c, co=company: (c.company_id or default) == co)
            allowed, _refused = self.env["dealer.consent"]._gate(
                of_company.partner_id,
                "loyalty",
                "email",
                records={c.partner_id: c for c in of_company},
                company=company,
            )
            warned |= of_company.filtered(lambda c, a=allowed: c.partner_id in a)
        for card in warned:
            card.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
        earnings.write({"dealer_warned": True})
        self.env["ir.cron"]._notify_progress(
            done=len(earnings), remaining=History.search_count(domain)
        )
        return warned
