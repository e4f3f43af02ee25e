# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dealer CRM settings for the dealer's managers.

Odoo's Settings (``res.config.settings``) are for administrators: its ``execute`` refuses
anyone else. A manager sets the dealer's own figures here (service-standard targets,
surveys, the trade-in limit, evaluation and reminder windows): the same fields, checked
the same way, written to their ``dealer_crm.*`` parameters and to nothing else.
"""

import logging

from odoo import _, api, models
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)

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
            if name not in fields_list:
                continue
            field = self._fields[name]
            raw = params.get_param(key, field.default(self) if field.default else False)
            values[name] = self._dealer_from_parameter(field, raw)
        return values

    @api.model
    def _dealer_from_parameter(self, field, raw):
        if raw is False or raw is None:
            return False
        try:
            if field.type == "many2one":
                return self.env[field.comodel_name].browse(int(raw)).exists().id
            if field.type == "integer":
                return int(raw)
            if field.type == "float":
                return float(raw)
        except (TypeError, ValueError):
            _logger.warning("Dealer CRM setting %s has an unreadable value %r", field.name, raw)
            return False
        return raw

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
