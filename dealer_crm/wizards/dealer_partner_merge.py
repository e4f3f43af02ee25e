# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The steps of a contact merge that keep a dealer's history (see the module docstring of
``base_partner_merge_automatic_wizard.py``): called by the merge wizard only, in the
order it gives, after its own checks."""

from collections import defaultdict

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, mute_logger


class DealerPartnerMerge(models.AbstractModel):
    _name = "dealer.partner.merge"
    _description = "Contact Merge Steps for Dealer Records"

    # ------------------------------------------------------------------ checks
    @api.model
    def _check_mergeable(self, src_partners, dst_partner):
        """The caller may write the contacts and delete the sources; loyalty members are
        merged by a manager; an anonymised contact is never merged."""
        (src_partners | dst_partner).check_access("write")
        src_partners.check_access("unlink")
        members = (
            self.env["loyalty.card"]
            .sudo()
            .search_count(
                [
                    ("partner_id", "in", (src_partners | dst_partner).ids),
                    ("program_id.dealer_scheme", "=", True),
                    ("points", "!=", 0),
                ]
            )
        )
        if members and not (self.env.su or self.env.user.has_group("dealer_crm.group_manager")):
            raise AccessError(
                _(
                    "These contacts hold loyalty points, which a merge adds together: only a "
                    "manager may merge loyalty members."
                )
            )
        anonymised = (src_partners | dst_partner).sudo().filtered("dealer_anonymized")
        if anonymised:
            raise UserError(
                _(
                    "%s has been anonymised: the records left of an erased customer are not "
                    "tied to another contact. Nothing was merged.",
                    ", ".join(anonymised.mapped("display_name")),
                )
            )

    @api.model
    def _models(self):
        """Models that dealer_crm defines or extends and that link to a contact: their
        rows are moved by the merge itself, never deleted by core's fallback."""
        names = []
        for name in self.env.registry:
            Model = self.env[name]
            if Model._abstract or Model._transient or not Model._auto or name == "res.partner":
                continue
            for cls in type(Model).mro():
                if getattr(cls, "_module", None) != "dealer_crm":
                    continue
                inherits = cls._inherit or []
                if isinstance(inherits, str):
                    inherits = [inherits]
                if cls._name == name or name in inherits:
                    names.append(name)
                    break
        return names

    # ------------------------------------------------------------------ loyalty
    @api.model
    def _merge_cards(self, src_partners, dst_partner):
        """One card per program for the cards core combines (and every dealer scheme):
        the destination's card (or the oldest source card) receives the points and every
        history line of the sources' cards, which are archived empty and follow the
        customer."""
        Card = self.env["loyalty.card"].sudo()
        cards = Card.search(
            [
                ("partner_id", "in", (src_partners | dst_partner).ids),
                "|",
                ("program_id.dealer_scheme", "=", True),
                # the nominative cards core's loyalty merges (loyalty/wizard)
                "|",
                ("program_id.applies_on", "=", "both"),
                "&",
                ("program_id.program_type", "in", ("ewallet", "loyalty")),
                ("program_id.applies_on", "=", "future"),
            ],
            order="id",
        )
        by_program = defaultdict(lambda: Card)
        for card in cards:
            by_program[card.program_id] |= card
        for program_cards in by_program.values():
            program_cards._dealer_lock()
            final = program_cards.filtered(lambda c: c.partner_id == dst_partner)[:1]
            final = final or program_cards[:1]
            others = program_cards.filtered(lambda c: c.partner_id in src_partners) - final
            if others:
                self._combine_cards(final, others, dst_partner)
            elif final.partner_id != dst_partner:
                final.write({"partner_id": dst_partner.id})

    @api.model
    def _combine_cards(self, final, others, dst_partner):
        """Move the points and history of ``others`` to ``final``, the destination's."""
        moved = {other: other.points for other in others}
        history = self.env["loyalty.history"].sudo().search([("card_id", "in", others.ids)])
        history.write({"card_id": final.id})
        final.write(
            {"partner_id": dst_partner.id, "points": sum((final | others).mapped("points"))}
        )
        # emptied and archived, the other cards follow the customer
        others.write({"points": 0, "active": False})
        for other, points in moved.items():
            other.message_post(
                body=_(
                    "Contacts merged: %(points)s points and their history moved "
                    "to card %(card)s of %(partner)s.",
                    points=points,
                    card=final.code,
                    partner=dst_partner.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        final.message_post(
            body=_(
                "Contacts merged: cards %(cards)s combined into this card "
                "(%(lines)s history lines, %(points)s points).",
                cards=", ".join(others.mapped("code")),
                lines=len(history),
                points=sum(moved.values()),
            ),
            subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------------ consents
    @api.model
    def _merge_consents(self, src_partners, dst_partner):
        """One consent per purpose, channel and company: the newest answer stands (an
        answer given beats "never asked"); the other's evidence moves to it."""
        Consent = self.env["dealer.consent"].sudo()
        consents = Consent.search([("partner_id", "in", (src_partners | dst_partner).ids)])
        groups = defaultdict(lambda: Consent)
        for consent in consents:
            groups[(consent.purpose, consent.channel, consent.company_id)] |= consent
        for group in groups.values():
            if len(group) < 2:
                continue
            ordered = group.sorted(
                lambda c: (c.state != "never_asked", c.date, c.write_date, c.id), reverse=True
            )
            winner, losers = ordered[0], ordered[1:]
            for loser in losers:
                self._absorb_consent(winner, loser)

    @api.model
    def _absorb_consent(self, winner, loser):
        """``loser``'s messages and files move to ``winner``, its evidence document as an
        attachment of a note that tells its answer; then ``loser`` goes."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            SQL(
                "UPDATE mail_message SET res_id = %s "
                "WHERE model = 'dealer.consent' AND res_id = %s",
                winner.id,
                loser.id,
            )
        )
        cr.execute(
            SQL(
                "SELECT id FROM ir_attachment WHERE res_model = 'dealer.consent' "
                "AND res_id = %s AND res_field = 'evidence_document'",
                loser.id,
            )
        )
        evidence_ids = [row[0] for row in cr.fetchall()]
        cr.execute(
            SQL(
                """
                UPDATE ir_attachment
                   SET res_id = %(winner)s,
                       res_field = NULL,
                       name = CASE WHEN id IN %(evidence)s
                                   THEN COALESCE(%(filename)s, name) ELSE name END
                 WHERE res_model = 'dealer.consent' AND res_id = %(loser)s
                """,
                winner=winner.id,
                loser=loser.id,
                evidence=tuple(evidence_ids) or (0,),
                filename=loser.evidence_filename or None,
            )
        )
        self.env.invalidate_all()
        states, sources = loser._dealer_labels("state"), loser._dealer_labels("source")
        winner.message_post(
            body=_(
                "Contacts merged: %(partner)s's answer of %(date)s is kept here as "
                "evidence: %(state)s (%(how)s), recorded by %(user)s. %(note)s "
                "The newer answer stands.",
                partner=loser.partner_id.display_name,
                date=fields.Date.to_string(loser.date),
                state=states.get(loser.state),
                how=sources.get(loser.source) or _("no source"),
                user=loser.user_id.display_name or _("unknown"),
                note=loser.note or "",
            ),
            attachment_ids=evidence_ids,
            subtype_xmlid="mail.mt_note",
        )
        loser.unlink()

    # ------------------------------------------------------------------ evaluation
    @api.model
    def _merge_scores(self, src_partners, dst_partner):
        """One evaluation snapshot a month: where both customers have one, the
        destination's stays (this month's is computed again after the merge) and the
        other's figures are noted on the destination."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM (
                    SELECT id, row_number() OVER (
                               PARTITION BY company_id, month
                               ORDER BY partner_id = %(dst)s DESC, write_date DESC, id DESC
                           ) AS rank
                      FROM dealer_customer_score
                     WHERE partner_id IN %(ids)s
                ) s WHERE rank > 1
                """,
                dst=dst_partner.id,
                ids=tuple((src_partners | dst_partner).ids),
            )
        )
        superseded = (
            self.env["dealer.customer.score"]
            .sudo()
            .browse([row[0] for row in self.env.cr.fetchall()])
            .sorted("month")
        )
        if not superseded:
            return
        segments = superseded._dealer_labels("segment")
        dst_partner.sudo().message_post(
            body=_(
                "Contacts merged: the monthly evaluations of the merged contact for months "
                "this customer already had were replaced by this customer's: %s",
                "; ".join(
                    self.env._(
                        "%(month)s %(partner)s: %(segment)s, value tier %(tier)s",
                        month=score.month.strftime("%Y-%m"),
                        partner=score.partner_id.display_name,
                        segment=segments.get(score.segment) or self.env._("none"),
                        tier=score.value_tier or self.env._("none"),
                    )
                    for score in superseded
                ),
            ),
            subtype_xmlid="mail.mt_note",
        )
        superseded.unlink()

    @api.model
    def _move_links(self, src_partners, dst_partner, foreign_keys):
        """Move the dealer models' links first, one savepoint per column; refuse the merge
        if a row cannot move, rather than let core delete it."""
        tables = {self.env[name]._table: name for name in self._models()}
        cr = self.env.cr
        for table, column in foreign_keys:
            model = tables.get(table)
            if not model:
                continue
            try:
                with mute_logger("odoo.sql_db"), cr.savepoint():
                    cr.execute(
                        SQL(
                            "UPDATE %(table)s SET %(column)s = %(dst)s WHERE %(column)s IN %(src)s",
                            table=SQL.identifier(table),
                            column=SQL.identifier(column),
                            dst=dst_partner.id,
                            src=tuple(src_partners.ids),
                        )
                    )
            except psycopg2.IntegrityError as error:
                Model = self.env[model]
                field = Model._fields.get(column)
                constraint = error.diag.constraint_name or ""
                reasons = {
                    f"{Model._table}_{name}": message
                    for name, _def, message in Model._sql_constraints
                }
                raise UserError(
                    _(
                        "These contacts cannot be merged: %(model)s of %(sources)s (%(field)s) "
                        "cannot be moved to %(destination)s without losing a record "
                        "(%(reason)s). Nothing was merged; settle the records that clash "
                        "first.",
                        model=Model._description,
                        sources=", ".join(src_partners.mapped("display_name")),
                        field=field.string if field else column,
                        destination=dst_partner.display_name,
                        reason=reasons.get(constraint) or constraint or error.pgerror,
                    )
                ) from error
        self.env.invalidate_all()

    @api.model
    def _carry_protected_values(self, src_partners, dst_partner):
        """Core writes the destination with every stored field of the contacts, as the
        caller: the last value set, the destination's first. The fields their workflows
        record (evaluation, reminders, erasure) are carried over here beforehand, in
        sudo and as core would, so that core's write sends the destination its own
        values (the evaluation is run again after the merge)."""
        dst_partner.check_access("write")
        vals = {}
        for name in dst_partner._dealer_protected_fields:
            field = dst_partner._fields[name]
            if field.compute or field.type in ("one2many", "many2many"):
                continue
            for partner in (*src_partners.sudo(), dst_partner.sudo()):
                if partner[name]:
                    vals[name] = field.convert_to_write(partner[name], partner)
        changed = {
            name: value
            for name, value in vals.items()
            if dst_partner._fields[name].convert_to_write(dst_partner.sudo()[name], dst_partner)
            != value
        }
        if changed:
            dst_partner.sudo().write(changed)

    @api.model
    def _after_merge(self, src_partners, dst_partner):
        """The destination's derived figures, from the records it now holds."""
        self.env.invalidate_all()
        dst_partner.sudo().dealer_loyalty_card_ids._dealer_update_tiers()
        for field in dst_partner._fields.values():
            if field.store and field.compute and field._module == "dealer_crm":
                self.env.add_to_compute(field, dst_partner)
        Score = self.env["dealer.customer.score"].sudo()
        if Score.search_count([("partner_id", "in", (src_partners | dst_partner).ids)], limit=1):
            # in every company that evaluated either, with that company's figures
            Score._evaluate_where_evaluated(dst_partner.ids)
