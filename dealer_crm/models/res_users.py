# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.fields import Command

#: users of a company that sells watches see a watch's serial, warranty card and screens
WATCH_GROUP = "dealer_crm.group_item_watch"
#: users none of whose companies sells vehicles: no VIN, plate, odometer, test drive,
#: trade-in or recall on any screen, and the shared labels read "watch"
NO_VEHICLE_GROUP = "dealer_crm.group_no_vehicles"


class ResUsers(models.Model):
    _inherit = "res.users"
    _dealer_partner_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        self._dealer_sync_item_groups(users)
        return users

    def write(self, vals):
        res = super().write(vals)
        if {"company_ids", "company_id", "groups_id"} & set(vals) and not self.env.context.get(
            "dealer_item_groups_sync"
        ):
            self._dealer_sync_item_groups(self)
        return res

    @api.model
    def _dealer_sync_item_groups(self, users):
        """The two item groups follow what the users' companies sell (res.company's
        ``dealer_item_kinds``): set-based, one write per group and direction."""
        watch = self.env.ref(WATCH_GROUP, raise_if_not_found=False)
        no_vehicle = self.env.ref(NO_VEHICLE_GROUP, raise_if_not_found=False)
        if not (watch and no_vehicle):
            return  # during the install, before the groups exist
        users = users.sudo().filtered(lambda u: not u.share)
        if not users:
            return
        wants = {watch: set(), no_vehicle: set()}
        for user in users:
            kinds = set(user.company_ids.mapped("dealer_item_kinds")) or {"vehicle"}
            if kinds & {"watch", "both"}:
                wants[watch].add(user.id)
            if not kinds & {"vehicle", "both"}:
                wants[no_vehicle].add(user.id)
        for group, wanted in wants.items():
            group = group.sudo().with_context(dealer_item_groups_sync=True)
            have = set(group.users.ids) & set(users.ids)
            commands = [Command.link(uid) for uid in wanted - have]
            commands += [Command.unlink(uid) for uid in have - wanted]
            if commands:
                group.write({"users": commands})
