# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models
from odoo.exceptions import AccessError

from ..tools.access import DEALER_GROUPS


class DealerDepartmentFieldsMixin(models.AbstractModel):
    """What dealer_crm adds to a core model for the departments only: the fields with
    ``groups=DEALER_GROUPS``. A user of the core app outside the departments neither reads
    nor sets them (Odoo checks field groups on read and write, not on create), and can
    still duplicate the record, whose copy keeps them."""

    _name = "dealer.department.fields.mixin"
    _description = "Dealer Department Fields on a Core Model"

    def _dealer_hidden_fields(self):
        """The department fields the current user may not use (none for departments)."""
        if self.env.su or self.env.user.has_groups(DEALER_GROUPS):
            return []
        return [name for name, field in self._fields.items() if field.groups == DEALER_GROUPS]

    @api.model_create_multi
    def create(self, vals_list):
        hidden = set(self._dealer_hidden_fields())
        refused = sorted(
            {name for vals in vals_list for name, value in vals.items() if value and name in hidden}
        )
        if refused:
            raise AccessError(
                _(
                    "Only the dealer departments may set %(fields)s on %(record)s.",
                    fields=", ".join(self._fields[name].string for name in refused),
                    record=self._description,
                )
            )
        return super().create(vals_list)

    def copy(self, default=None):
        default = dict(default or {})
        hidden = [
            name
            for name in self._dealer_hidden_fields()
            if self._fields[name].copy and name not in default
        ]
        if not hidden:
            return super().copy(default)
        copies = super().copy({**default, **dict.fromkeys(hidden, False)})
        for original, duplicate in zip(self.sudo(), copies.sudo(), strict=True):
            duplicate.write(
                {
                    name: self._fields[name].convert_to_write(original[name], original)
                    for name in hidden
                }
            )
        return copies
