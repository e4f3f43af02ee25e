# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class DealerImportMixin(models.AbstractModel):
    """Importing a dealer's history is not doing the work again.

    Odoo's Import button (base_import's ``execute_import``) loads the rows with the context
    key ``import_file``, as core modules detect an import. Records imported with a date
    before today are history: they earn no points, start no follow-up, send no survey or
    message and take no discount again. The context key is no guard, since any client can
    send it: it spares only these side effects, and only on records dated in the past, which
    a user could equally leave undone. Every rule that protects someone else (access rights,
    record rules, the loyalty ledger, ownership periods, odometer readings) holds for an
    import as for any other input.
    """

    _name = "dealer.import.mixin"
    _description = "Imported History"

    @api.model
    def _dealer_importing(self):
        return bool(self.env.context.get("import_file"))

    def _dealer_imported_history(self, date_field):
        """The records of ``self`` being imported with ``date_field`` before today."""
        if not self._dealer_importing():
            return self.browse()
        today = fields.Date.context_today(self)
        return self.filtered(lambda r: r[date_field] and fields.Date.to_date(r[date_field]) < today)

    def _dealer_import_quiet(self):
        """``self`` without the notices sent to the staff assigned by an imported row."""
        if not self._dealer_importing():
            return self
        return self.with_context(mail_auto_subscribe_no_notify=True)
