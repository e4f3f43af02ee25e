# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Which records belong to a customer, and which of their fields are personal.

A model joins by declaring two class attributes:

``_dealer_partner_fields``
    the fields (many2one to res.partner) that tie a record to a customer; an empty
    tuple says the model holds nothing about a person;
``_dealer_personal_fields``
    the fields cleared when the customer is anonymised.

The access export and the anonymisation read this declaration and nothing else, and a
test fails when a dealer_crm model with a link to a partner does not declare it.
"""

from odoo import _, api, models
from odoo.osv import expression


class Base(models.AbstractModel):
    _inherit = "base"

    #: None means "not declared"; a tuple (possibly empty) means declared.
    _dealer_partner_fields = None
    _dealer_personal_fields = ()

    def _dealer_related_action(self, xmlid, field, **context):
        """The window action ``xmlid`` on the records whose ``field`` is this record."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [(field, "=", self.id)]
        action["context"] = context or {f"default_{field}": self.id}
        return action


class DealerPersonalData(models.AbstractModel):
    _name = "dealer.personal.data"
    _description = "Personal Data Registry"

    @api.model
    def _covered_models(self):
        """{model name: (partner fields, personal fields)} for every declaring model."""
        covered = {}
        for name, model in self.env.registry.items():
            partner_fields = getattr(model, "_dealer_partner_fields", None)
            if partner_fields and not model._abstract and not model._transient:
                covered[name] = (tuple(partner_fields), tuple(model._dealer_personal_fields))
        return covered

    @api.model
    def _cleared_values(self, records, field_names):
        """What erases ``field_names`` on ``records``: empty, or a placeholder where the
        field is required (an interaction keeps a subject, saying it was anonymised)."""
        values = {}
        for name in field_names:
            field = records._fields[name]
            if field.required and field.type in ("char", "text", "html"):
                values[name] = _("[anonymised]")
            else:
                values[name] = False
        return values

    @api.model
    def _records_of(self, partners):
        """{model name: records} held about ``partners`` (archived ones included)."""
        result = {}
        for name, (partner_fields, _personal) in self._covered_models().items():
            if name not in self.env:
                continue
            Model = self.env[name].sudo().with_context(active_test=False)
            domain = expression.OR([[(f, "in", partners.ids)] for f in partner_fields])
            records = Model.search(domain)
            if records:
                result[name] = records
        return result
