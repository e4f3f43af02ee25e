# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Traditional Chinese for Hong Kong in Odoo's own modules.

Odoo ships its modules' Traditional Chinese as ``zh_TW.po`` and has no ``zh_HK.po``: a
user in Chinese (HK) would see core Odoo in English, and only dealer_crm in Chinese. A
language of :data:`LANG_FALLBACKS` takes, for each module, the terms of its fallback
first (``zh_TW.po``), then the module's own files over them (``zh_HK.po``, as
dealer_crm's): a term a module translates for Hong Kong is its own, any other is
Taiwan's. The web client's own terms follow the same rule (``models/ir_http.py``).

Some modules dealer_crm depends on (OCA's helpdesk_mgmt, resource_booking) ship no
Chinese at all: dealer_crm ships their terms in ``i18n_peers/<module>/<lang>.po``,
loaded between the fallback and the module's own files (a module's own zh_HK wins,
ours beats Taiwan's).
"""

import os

from odoo import models
from odoo.modules.module import get_module_path
from odoo.tools.translate import TranslationImporter, get_po_paths

#: a language Odoo's modules are not translated into -> the one its readers read instead
LANG_FALLBACKS = {"zh_HK": "zh_TW"}
#: dealer_crm's terms for the modules it depends on, one folder per module
PEERS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n_peers")


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """Odoo's load of ``modules``' terms for ``langs``; then, for a language of
        :data:`LANG_FALLBACKS`, each module's files of the fallback and its own over
        them, in one import: terms the first load gave stay (unless ``overwrite``)."""
        super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        fallen = [lang for lang in langs if lang in LANG_FALLBACKS]
        if not fallen:
            return
        importer = TranslationImporter(self.env.cr, verbose=False)
        env = self.env if imported_module else None
        for module_name in modules:
            if not get_module_path(module_name, downloaded=imported_module):
                continue
            for lang in fallen:
                paths = list(get_po_paths(module_name, LANG_FALLBACKS[lang], env=env))
                peer = os.path.join(PEERS, module_name, f"{lang}.po")
                if os.path.isfile(peer):
                    paths.append(peer)
                paths += [p for p in get_po_paths(module_name, lang, env=env) if p not in paths]
                for po_path in paths:
                    importer.load_file(po_path, lang)
        importer.save(overwrite=overwrite)
