# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Finding a contact by phone, however the number was typed: the one lookup."""

from odoo import api, models
from odoo.osv import expression
from odoo.tools.sql import create_index

from ..tools.phone import national_forms, normalize_phone, number_region, phone_digits


class DealerPartnerPhoneMixin(models.AbstractModel):
    _name = "dealer.partner.phone.mixin"
    _description = "Dealer Contact Phone Lookup"

    #: the texts a contact or vehicle lookup matches with ``ilike``: Odoo's contact
    #: name_search (``_rec_names_search``) and the vehicle's owner; sparse ones are
    #: indexed where set (an ``ilike`` implies the value is set)
    _dealer_trigram_columns = {
        "complete_name": False,
        "email": True,
        "ref": True,
        "vat": True,
        "company_registry": True,
    }

    def init(self):
        """The indexes the vehicle and contact lookups use (issue 26): the texts by
        trigram (``ilike``) and Odoo's E.164 ``phone_sanitized`` (``=``). The phone and
        mobile digits are indexed by phone_validation (``mail.thread.phone``)."""
        super().init()
        if self._abstract or "phone_sanitized" not in self._fields:
            return
        # pg_trgm: Odoo creates it with the database (as for the fields'
        # index="trigram"); in a database created without it, the texts are scanned
        if self.env.registry.has_trigram:
            for column, sparse in self._dealer_trigram_columns.items():
                create_index(
                    self.env.cr,
                    f"{self._table}_dealer_{column}_trgm_index",
                    self._table,
                    [f"{column} gin_trgm_ops"],
                    method="gin",
                    where=f"{column} IS NOT NULL" if sparse else "",
                )
        create_index(
            self.env.cr,
            f"{self._table}_dealer_phone_sanitized_index",
            self._table,
            ["phone_sanitized"],
            where="phone_sanitized IS NOT NULL",
        )

    @api.model
    def _dealer_phone_domain(self, value, prefix=""):
        """A domain for the partners whose phone or mobile is the number ``value``,
        however either was typed (``prefix`` is the path to the partner, such as
        ``"owner_id."``). Every phone lookup of the addon asks this one method.

        ``value`` is normalised to E.164 with the company's country for a number
        without one (tools/phone.py). It then matches, set-based: Odoo's sanitised
        number; a phone or mobile stored with its country in any format (+ or 00);
        one stored without a country, as dialled in the company's country or in the
        contact's own. A value that is no valid number where it is dialled from (a
        local number of another country, ``(852) 9123-4567`` typed in a US company) is
        matched on its digits, as Odoo's own contact search matches it. A value that
        is no phone number matches nobody.
        """
        region = self.env.company.country_id.code
        # phone_mobile_search reads the columns in SQL: write pending changes first
        self.flush_model(["phone", "mobile"])
        own_region = number_region(value, region)
        if not own_region:
            # Not a valid number where it would be dialled from (a local number of
            # another country, a number typed with its country in brackets): match as
            # Odoo's own contact search does, on the digits, if there are enough of them.
            digits = phone_digits(value)
            if not digits:
                return expression.FALSE_DOMAIN
            return [(f"{prefix}phone_mobile_search", "ilike", digits)]
        e164 = normalize_phone(value, region)
        domains = [
            [(f"{prefix}phone_sanitized", "=", e164)],
            [(f"{prefix}phone_mobile_search", "=", e164)],
        ]
        # stored without their country, as dialled in the company's country ...
        domains += [
            [(f"{prefix}phone_mobile_search", "=", digits)]
            for digits in national_forms(value, region)
        ]
        # ... or in the contact's own country
        if own_region != (region or "").upper():
            domains += [
                [
                    (f"{prefix}country_id.code", "=", own_region),
                    (f"{prefix}phone_mobile_search", "=", digits),
                ]
                for digits in national_forms(value, own_region)
            ]
        return expression.OR(domains)

    @api.model
    def _dealer_find_by_phone(self, number):
        """The contacts whose phone or mobile is ``number``, however typed: the match of
        an inbound call or message. Record rules apply: only contacts the user may see."""
        return self.search(self._dealer_phone_domain(number))
