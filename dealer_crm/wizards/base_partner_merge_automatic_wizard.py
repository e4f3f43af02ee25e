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

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

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

#: core's criteria, read the dealer's way (an email without case or surrounding spaces)
CORE_CRITERIA = {
    "email": "SELECT id AS partner_id, lower(trim(email)) AS value FROM res_partner "
    "WHERE trim(email) <> ''",
    "name": "SELECT id AS partner_id, lower(name) AS value FROM res_partner WHERE name IS NOT NULL",
    "vat": "SELECT id AS partner_id, replace(vat, ' ', '') AS value FROM res_partner "
    "WHERE vat IS NOT NULL",
}


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
        if criterion in ("dealer_vin", "dealer_phone", "dealer_name"):
            return getattr(self, f"_{criterion}_rows")()
        if criterion in CORE_CRITERIA:
            return SQL(CORE_CRITERIA[criterion])
        field = self.env["res.partner"]._fields.get(criterion)
        if not field or not field.store or field.type in ("one2many", "many2many"):
            raise UserError(_("Contacts cannot be grouped by %s.", criterion))
        return SQL(
            "SELECT id AS partner_id, %s AS value FROM res_partner", SQL.identifier(criterion)
        )

    @api.model
    def _dealer_vin_rows(self):
        """The VIN of every vehicle a contact owns or currently holds."""
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

    @api.model
    def _dealer_phone_rows(self):
        """The addon's one phone normalisation (tools/phone.py): the phone and the mobile
        of every contact in E.164, the contact's country else the company's."""
        rows = self._dealer_phones()
        return SQL(
            "SELECT * FROM unnest(%s::int[], %s::varchar[]) AS p(partner_id, value)",
            [row[0] for row in rows],
            [row[1] for row in rows],
        )

    @api.model
    def _dealer_name_rows(self):
        """Each name's words, without case, accents or punctuation, in order."""
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
    def _update_foreign_keys(self, src_partners, dst_partner):
        # The caller merges under their own rights: core writes the destination and
        # deletes the sources as the caller; the dealer records are then moved in sudo.
        Steps = self.env["dealer.partner.merge"]
        Steps._check_mergeable(src_partners, dst_partner)
        self.env.flush_all()
        try:
            # all or nothing, even for a caller that catches the refusal
            with self.env.cr.savepoint():
                self._merge_loyalty_cards(src_partners, dst_partner)
                Steps._merge_consents(src_partners, dst_partner)
                Steps._merge_scores(src_partners, dst_partner)
                Steps._move_links(src_partners, dst_partner, self._get_fk_on("res_partner"))
        except UserError:
            self.env.invalidate_all()
            raise
        return super()._update_foreign_keys(src_partners, dst_partner)

    def _merge_loyalty_cards(self, src_partners, dst_partner):
        """One card per program for the cards core combines (and every dealer scheme):
        see dealer.partner.merge._merge_cards. Core sums the points but leaves the lines
        on the archived cards."""
        self.env["dealer.partner.merge"]._merge_cards(src_partners, dst_partner)
        return super()._merge_loyalty_cards(src_partners, dst_partner)

    @api.model
    def _update_values(self, src_partners, dst_partner):
        Steps = self.env["dealer.partner.merge"]
        Steps._carry_protected_values(src_partners, dst_partner)
        result = super()._update_values(src_partners, dst_partner)
        Steps._after_merge(src_partners, dst_partner)
        return result
