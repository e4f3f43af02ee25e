# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.tools.translate import code_translations

from .ir_module_module import LANG_FALLBACKS


class IrHttp(models.AbstractModel):
    """The web client's own terms (buttons, search panel, dialogs: Odoo's JavaScript) in
    a language of :data:`LANG_FALLBACKS`: a module's own terms for it, and its
    fallback's for the others (zh_TW's for zh_HK), as its records' terms are loaded
    (``models/ir_module_module.py``)."""

    _inherit = "ir.http"

    @api.model
    def get_translations_for_webclient(self, modules, lang):
        translations, lang_params = super().get_translations_for_webclient(modules, lang)
        fallback = LANG_FALLBACKS.get(lang or self.env.context.get("lang"))
        if not fallback:
            return translations, lang_params
        merged = {}
        for module, own in translations.items():
            known = {message["id"] for message in own["messages"]}
            inherited = code_translations.get_web_translations(module, fallback)["messages"]
            merged[module] = {
                "messages": (
                    *own["messages"],
                    *(message for message in inherited if message["id"] not in known),
                )
            }
        return merged, lang_params
