# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models, tools

from ..tools.item_wording import VEHICLE_ONLY_MENUS


class IrUiMenu(models.Model):
    _inherit = "ir.ui.menu"

    @api.model
    @tools.ormcache("frozenset(self.env.user.groups_id.ids)", "debug")
    def _visible_menu_ids(self, debug=False):
        """Without the vehicle-only menu items (tools/item_wording.py) for a user whose
        companies sell no vehicles: a menu's groups cannot say "not in a group". Cached
        on the user's groups, as core's, and the group follows the companies."""
        visible = super()._visible_menu_ids(debug)
        if not self._dealer_sells_no_vehicles():
            return visible
        hidden = {
            menu_id
            for xmlid in VEHICLE_ONLY_MENUS
            if (menu_id := self.env["ir.model.data"]._xmlid_to_res_id(xmlid, False))
        }
        if not hidden & visible:
            return visible
        menus = self.sudo().with_context(**{"ir.ui.menu.full_list": True}).browse(visible)
        parents = {menu.id: menu.parent_id.id for menu in menus}
        # a menu under a hidden one is hidden; a folder left empty is hidden
        kept = {
            menu_id
            for menu_id in visible
            if not {menu_id, *map(int, menus.browse(menu_id).parent_path.split("/")[:-1])} & hidden
        }
        had_children = {parent for child, parent in parents.items() if parent}
        while True:
            has_children = {parents[menu_id] for menu_id in kept if parents.get(menu_id)}
            empty = {
                menu.id
                for menu in menus.browse(kept & had_children - has_children)
                if not menu.action
            }
            if not empty:
                break
            kept -= empty
        return frozenset(kept)

    @api.model
    def load_menus(self, debug):
        menus = super().load_menus(debug)
        if self._dealer_sells_no_vehicles():
            for menu in menus.values():
                if menu.get("name"):
                    menu["name"] = self._dealer_reword(menu["name"])
        return menus
