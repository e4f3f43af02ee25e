# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dealer CRM settings for the dealer's managers.

Odoo's Settings (``res.config.settings``) are for administrators: its ``execute`` refuses
anyone else. A manager sets the dealer's own figures here (service-standard targets,
surveys, the trade-in limit, evaluation and reminder windows): the same fields, checked
the same way, written to their ``dealer_crm.*`` parameters and to nothing else.
"""

from odoo import _, api, models
from odoo.exceptions import AccessError

PARAMETER_PREFIX = "dealer_crm."


class DealerSettings(models.TransientModel):
    _name = "dealer.settings"
    _description = "Dealer CRM Settings"
    _inherit = ["dealer.settings.mixin"]

    @api.model
    def _dealer_parameters(self):
        """{field name: ir.config_parameter key} of the dealer's own settings."""
        return {
            name: field.config_parameter
            for name, field in self._fields.items()
            if getattr(field, "config_parameter", False)
            and field.config_parameter.startswith(PARAMETER_PREFIX)
        }

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        self._dealer_check_manager()
        params = self.env["ir.config_parameter"].sudo()
        for name, key in self._dealer_parameters().items():
            if name in fields_list:
                values[name] = self._dealer_from_parameter(
                    self._fields[name], params.get_param(key)
                )
        return values

    @api.model
    def _dealer_from_parameter(self, field, raw):
        """The form's value of setting ``field`` stored as ``raw``: the reader's cast
        (``_dealer_cast``), a record given by its id."""
        value = self._dealer_cast(field, raw)
        return value.id if field.type == "many2one" else value

    @api.model
    def _dealer_check_manager(self):
        if not (self.env.su or self.env.user.has_group("dealer_crm.group_manager")):
            raise AccessError(_("Only a Dealer CRM manager changes the dealer's settings."))

    def action_save(self):
        """Store the settings: only Dealer CRM's own parameters, after checking that the
        caller is a manager who may write this form."""
        self.ensure_one()
        self._dealer_check_caller(groups="dealer_crm.group_manager", operation="write")
        self._dealer_check_settings()
        params = self.env["ir.config_parameter"].sudo()
        for name, key in self._dealer_parameters().items():
            field, value = self._fields[name], self[name]
            if field.type == "many2one":
                value = value.id
            elif field.type in ("integer", "float"):
                value = repr(value) if value else False
            if params.get_param(key) not in (value, str(value)):
                params.set_param(key, value)
        return {"type": "ir.actions.client", "tag": "reload"}
