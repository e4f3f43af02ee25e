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

    # States of imported history --------------------------------------------
    #: {state: workflow method}: how an imported row's state is recorded
    _dealer_import_state_methods = {}

    @api.model
    def _dealer_import_pop_states(self, vals_list):
        """The states the imported rows of ``vals_list`` carry, taken out of them (a
        row may create a record or, by its External ID, update one).

        A state is evidence (``_dealer_protected_fields``): ``create`` never writes it.
        An imported row's state (a visit done years ago) is recorded after the row is
        created, by that state's own workflow method (``_dealer_import_apply_states``),
        which checks the caller as it does for a button. Outside an import the state
        stays in the values, and ``create`` refuses it; in sudo (the workflow method
        itself, data files) it is written as given."""
        states = [None] * len(vals_list)
        if self.env.su or not self._dealer_importing() or not self._dealer_import_state_methods:
            return states
        default = self._dealer_protected_default("state")
        for index, vals in enumerate(vals_list):
            state = vals.get("state")
            if state != default and state in self._dealer_import_state_methods:
                states[index] = vals.pop("state")
        return states

    def _dealer_import_apply_states(self, states):
        """Record ``states`` (from ``_dealer_import_pop_states``) on ``self``, in order."""
        for record, state in zip(self, states, strict=True):
            if state:
                getattr(record, self._dealer_import_state_methods[state])()
