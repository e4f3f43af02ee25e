# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo's contact merge, made to find a dealer's duplicates and to keep their history.

Finding: the wizard's ``group_by_*`` criteria gain the VIN of a vehicle owned, the phone
in E.164 and a similar name; the email criterion ignores case and surrounding spaces.

Merging: core moves every link to the source contacts with one SQL ``UPDATE`` per table,
and when that update breaks a unique constraint it *deletes* the source's rows (its
``_update_foreign_keys_generic``). For a dealer that would lose loyalty cards with their
ledger, consents and evaluation snapshots. So, before core moves anything:

- the cards of one program (every dealer scheme, and the nominative cards core's loyalty
  combines) become one: points summed, every history line moved to it; the emptied card
  is archived and follows the customer;
- consents for one purpose, channel and company keep the newest answer; the other
  answer's evidence (its details, its document, its tracking) moves to the kept one;
- evaluation snapshots of a month both customers have keep the destination's, noted;
- every table of a model dealer_crm defines or extends is then moved first, each in a
  savepoint: if a row still cannot move, the merge is refused with a message naming
  what would be lost, and core's ``DELETE`` fallback is never reached for those tables.
After the move the destination's tiers and evaluation are computed again. An anonymised
contact is never merged.
"""

import unicodedata
from collections import defaultdict

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, mute_logger

from ..tools.phone import normalize_phone


def _accent_map():
    """(accented letters, their base letters) for PostgreSQL's ``translate()``: Latin-1
    and Latin Extended-A, so similar names compare without accents with or without the
    ``unaccent`` extension."""
    src, dst = [], []
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFKD", char)[0]
        if base != char and base.isascii() and base.isalpha():
            src.append(char)
            dst.append(base)
    for char, base in (("ø", "o"), ("Ø", "O"), ("ł", "l"), ("Ł", "L"), ("đ", "d"), ("Đ", "D")):
        src.append(char)
        dst.append(base)
    return "".join(src), "".join(dst)


ACCENTED, UNACCENTED = _accent_map()


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    group_by_dealer_vin = fields.Boolean(
        string="VIN of a Vehicle Owned",
        help="Contacts who own (or currently hold) a vehicle with the same VIN, in any "
        "company, archived vehicles included.",
    )
    group_by_dealer_phone = fields.Boolean(
        string="Phone (E.164)",
        help="The same phone number once normalised to the international E.164 form, "
        "with the contact's (or the company's) country: +852 9123 4567 and 9123-4567 "
        "for a Hong Kong contact are one number.",
    )
    group_by_dealer_name = fields.Boolean(
        string="Similar Name",
        help="Names equal once case, accents, spaces, punctuation and the order of the "
        "words are ignored: 'Chan Tai-Man' and 'CHAN Tai Man' or 'Tai Man Chan'.",
    )

    # ------------------------------------------------------------------ finding
    @api.model
    def _dealer_criterion(self, criterion):
        """SQL giving (partner_id, value) rows for one grouping criterion."""
        if criterion == "dealer_vin":
            return SQL(
                """
                SELECT v.owner_id AS partner_id, upper(v.vin) AS value
                  FROM dealer_vehicle v
                 WHERE v.owner_id IS NOT NULL AND v.vin IS NOT NULL
                 UNION
                SELECT o.partner_id, upper(v.vin)
                  FROM dealer_vehicle_ownership o
                  JOIN dealer_vehicle v ON v.id = o.vehicle_id
                 WHERE o.date_end IS NULL AND v.vin IS NOT NULL
                """
            )
        if criterion == "dealer_phone":
            # the addon's one phone normalisation (tools/phone.py): the phone and the
            # mobile of every contact in E.164, the contact's country else the company's
            rows = self._dealer_phones()
            return SQL(
                "SELECT * FROM unnest(%s::int[], %s::varchar[]) AS p(partner_id, value)",
                [row[0] for row in rows],
                [row[1] for row in rows],
            )
        if criterion == "dealer_name":
            return SQL(
                """
                SELECT p.id AS partner_id, (
                    SELECT string_agg(w, ' ' ORDER BY w)
                      FROM regexp_split_to_table(
                               lower(translate(p.name, %(accented)s, %(plain)s)),
                               '[[:space:][:punct:]]+') w
                     WHERE w <> ''
                ) AS value
                  FROM res_partner p
                 WHERE p.name IS NOT NULL
                """,
                accented=ACCENTED,
                plain=UNACCENTED,
            )
        if criterion == "email":
            return SQL(
                "SELECT id AS partner_id, lower(trim(email)) AS value FROM res_partner "
                "WHERE trim(email) <> ''"
            )
        if criterion == "name":
            return SQL(
                "SELECT id AS partner_id, lower(name) AS value FROM res_partner "
                "WHERE name IS NOT NULL"
            )
        if criterion == "vat":
            return SQL(
                "SELECT id AS partner_id, replace(vat, ' ', '') AS value FROM res_partner "
                "WHERE vat IS NOT NULL"
            )
        field = self.env["res.partner"]._fields.get(criterion)
        if not field or not field.store or field.type in ("one2many", "many2many"):
            raise UserError(_("Contacts cannot be grouped by %s.", criterion))
        return SQL(
            "SELECT id AS partner_id, %s AS value FROM res_partner", SQL.identifier(criterion)
        )

    @api.model
    def _dealer_phones(self):
        """[(partner id, E.164)] for the phone and the mobile of every contact that has
        one, normalised as every phone lookup of the addon is (``normalize_phone``,
        the contact's country else the company's). One query, one pass in Python."""
        # read before the query: a field read in between would run its own query and
        # lose the rows still to fetch
        default = self.env.company.country_id.code
        self.env.cr.execute(
            SQL(
                """SELECT p.id, p.phone, p.mobile, c.code FROM res_partner p
                     LEFT JOIN res_country c ON c.id = p.country_id
                    WHERE trim(p.phone) <> '' OR trim(p.mobile) <> ''"""
            )
        )
        result = set()
        for partner_id, phone, mobile, country in self.env.cr.fetchall():
            for number in (phone, mobile):
                e164 = normalize_phone(number, country or default)
                if e164:
                    result.add((partner_id, e164))
        return sorted(result)

    @api.model
    def _generate_query(self, fields, maximum_group=100):
        """Groups of contacts sharing every selected criterion, in one query.

        A contact has several values for some criteria (every VIN it owns), so each
        criterion gives (contact, value) rows; the rows of all criteria are joined per
        contact and grouped by the combination of values. A pair found through two VINs
        is proposed once. Core's own criteria are read the same way (an email is
        compared without case or surrounding spaces).
        """
        self.env.flush_all()
        criteria = [self._dealer_criterion(criterion) for criterion in fields]
        joined = SQL("(%s) k0", criteria[0])
        for index, criterion in enumerate(criteria[1:], start=1):
            joined = SQL(
                "%s JOIN (%s) %s USING (partner_id)", joined, criterion, SQL.identifier(f"k{index}")
            )
        key = SQL(", ").join(
            SQL("%s.value", SQL.identifier(f"k{index}")) for index in range(len(criteria))
        )
        not_empty = SQL(" AND ").join(
            SQL("%s.value IS NOT NULL", SQL.identifier(f"k{index}"))
            for index in range(len(criteria))
            if fields[index] not in ("is_company", "parent_id")
        )
        return SQL(
            """
            SELECT g.ids[1], g.ids FROM (
                SELECT array_agg(DISTINCT partner_id ORDER BY partner_id) AS ids
                  FROM %(joined)s
                 WHERE %(not_empty)s
                 GROUP BY jsonb_build_array(%(key)s)
                HAVING count(DISTINCT partner_id) >= 2
            ) g
            GROUP BY g.ids
            ORDER BY g.ids[1]
            %(limit)s
            """,
            joined=joined,
            not_empty=not_empty or SQL("TRUE"),
            key=key,
            limit=SQL("LIMIT %s", maximum_group) if maximum_group else SQL(),
        )

    # ------------------------------------------------------------------ merging
    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """Core asks contacts to share their email (unless an administrator merges);
        an email is the same whatever its case."""
        partners = self.env["res.partner"].browse(partner_ids).exists()
        if (
            extra_checks
            and len(partners) > 1
            and len({(p.email or "").strip().lower() for p in partners}) == 1
        ):
            extra_checks = False
        return super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)

    @api.model
    def _dealer_merge_models(self):
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

    @api.model
    def _update_foreign_keys(self, src_partners, dst_partner):
        # The caller merges under their own rights: core writes the destination and
        # deletes the sources as the caller; the dealer records are then moved in sudo.
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
        self.env.flush_all()
        try:
            # all or nothing, even for a caller that catches the refusal
            with self.env.cr.savepoint():
                self._merge_loyalty_cards(src_partners, dst_partner)
                self._dealer_merge_consents(src_partners, dst_partner)
                self._dealer_merge_scores(src_partners, dst_partner)
                self._dealer_move_links(src_partners, dst_partner)
        except UserError:
            self.env.invalidate_all()
            raise
        return super()._update_foreign_keys(src_partners, dst_partner)

    def _merge_loyalty_cards(self, src_partners, dst_partner):
        """One card per program for the cards core combines (and every dealer scheme):
        the destination's card (or the oldest source card) receives the points and every
        history line of the sources' cards, which are archived empty and follow the
        customer. Core sums the points but leaves the lines on the archived cards."""
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
            elif final.partner_id != dst_partner:
                final.write({"partner_id": dst_partner.id})
        return super()._merge_loyalty_cards(src_partners, dst_partner)

    @api.model
    def _dealer_merge_consents(self, src_partners, dst_partner):
        """One consent per purpose, channel and company: the newest answer stands (an
        answer given beats "never asked"); the other's evidence moves to it."""
        Consent = self.env["dealer.consent"].sudo()
        consents = Consent.search([("partner_id", "in", (src_partners | dst_partner).ids)])
        groups = defaultdict(lambda: Consent)
        for consent in consents:
            groups[(consent.purpose, consent.channel, consent.company_id)] |= consent
        states = dict(Consent._fields["state"].selection)
        sources = dict(Consent._fields["source"].selection)
        cr = self.env.cr
        for group in groups.values():
            if len(group) < 2:
                continue
            ordered = group.sorted(
                lambda c: (c.state != "never_asked", c.date, c.write_date, c.id), reverse=True
            )
            winner, losers = ordered[0], ordered[1:]
            for loser in losers:
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

    @api.model
    def _dealer_merge_scores(self, src_partners, dst_partner):
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
        segments = dict(superseded._fields["segment"].selection)
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
    def _dealer_move_links(self, src_partners, dst_partner):
        """Move the dealer models' links first, one savepoint per column; refuse the merge
        if a row cannot move, rather than let core delete it."""
        tables = {self.env[name]._table: name for name in self._dealer_merge_models()}
        cr = self.env.cr
        for table, column in self._get_fk_on("res_partner"):
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
    def _update_values(self, src_partners, dst_partner):
        self._dealer_carry_protected_values(src_partners, dst_partner)
        result = super()._update_values(src_partners, dst_partner)
        self._dealer_after_merge(src_partners, dst_partner)
        return result

    @api.model
    def _dealer_carry_protected_values(self, src_partners, dst_partner):
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
    def _dealer_after_merge(self, src_partners, dst_partner):
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
