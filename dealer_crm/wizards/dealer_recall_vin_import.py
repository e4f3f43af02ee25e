# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import binascii

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..models.dealer_recall_campaign import MANAGER_GROUP


class DealerRecallVinImport(models.TransientModel):
    """Add a manufacturer's VIN list to a recall campaign: pasted, or a CSV or text file
    (a file: one VIN a line, in its first column). Every VIN that is not matched is reported
    back in words and kept in the campaign's chatter, never dropped silently."""

    _name = "dealer.recall.vin.import"
    _description = "Import a Recall's VIN List"

    campaign_id = fields.Many2one("dealer.recall.campaign", required=True, ondelete="cascade")
    vin_text = fields.Text(
        string="VINs", help="One VIN a line, or separated by commas, semicolons or tabs."
    )
    vin_file = fields.Binary(string="VIN File")
    vin_filename = fields.Char()
    result = fields.Text(readonly=True)

    def action_import(self):
        self.ensure_one()
        self.campaign_id._dealer_check_caller(groups=MANAGER_GROUP)
        # pasted: every value, one a line or separated by commas, semicolons or tabs
        text = self.vin_text or ""
        if self.vin_file:
            try:
                content = base64.b64decode(self.vin_file).decode("utf-8-sig")
            except (binascii.Error, UnicodeDecodeError) as error:
                raise UserError(
                    _("The file is no text file of VINs (CSV or plain text in UTF-8).")
                ) from error
            # a file: one VIN a row, in its first column (a CSV's other columns are no VINs)
            text += "\n" + "\n".join(
                line.split(",")[0].split(";")[0] for line in content.splitlines()
            )
        added, problems = self.campaign_id._match_vins(text)
        lines = [
            _(
                "%(count)s vehicles added to recall %(name)s.",
                count=added,
                name=self.campaign_id.name,
            )
        ]
        if problems:
            lines.append(_("%s VINs were not matched:", len(problems)))
            lines += [f"- {vin}: {why}" for vin, why in problems]
        self.result = "\n".join(lines)
        self.campaign_id.message_post(body="\n".join(lines).replace("\n", "\n\n"))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
