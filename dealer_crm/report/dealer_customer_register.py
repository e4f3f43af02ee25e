# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, models


class DealerCustomerRegister(models.AbstractModel):
    """The customer register: who they are, how they are classified, what they spend."""

    _name = "report.dealer_crm.customer_register"
    _inherit = "report.dealer_crm.xlsx_mixin"
    _description = "Customer Register (XLSX)"

    def _dealer_items_header(self):
        """The items column's title (issue 32), by what the current company sells:
        "Vehicles" for a vehicle dealer, the item's word for a company that sells no
        vehicles ("Watches"), "Items" for a company that sells both."""
        if self._dealer_sells_no_vehicles():
            return self._dealer_reword(_("Vehicles"))
        if self.env.company.dealer_item_kinds == "both":
            return _("Items")
        return _("Vehicles")

    def generate_xlsx_report(self, workbook, data, partners):
        Partner = partners.env["res.partner"]
        selections = {
            name: dict(Partner._fields[name]._description_selection(partners.env))
            for name in ("dealer_customer_type", "dealer_rfm_segment")
        }
        sheet = self._dealer_sheet(
            workbook,
            _("Customers"),
            [
                _("Customer"),
                _("Customer Type"),
                _("Phone"),
                _("Mobile"),
                _("Email"),
                _("City"),
                _("Segment"),
                _("Value Tier"),
                _("Loyalty Tier"),
                _("Lifetime Spend"),
                _("Revenue, 12 Months"),
                _("Satisfaction"),
                _("Churn Risk"),
                _("Details Verified On"),
                self._dealer_items_header(),
            ],
        )
        row = 0
        for chunk in self._dealer_chunks(partners):
            for partner in chunk:
                row += 1
                self._dealer_write_row(
                    workbook,
                    sheet,
                    row,
                    [
                        partner.name,
                        selections["dealer_customer_type"].get(partner.dealer_customer_type),
                        partner.phone,
                        partner.mobile,
                        partner.email,
                        partner.city,
                        selections["dealer_rfm_segment"].get(partner.dealer_rfm_segment),
                        partner.dealer_value_tier,
                        # the tier of the card in this company's scheme
                        partner.dealer_loyalty_card_id.dealer_tier_id.name,
                        partner.dealer_lifetime_spend,
                        partner.dealer_revenue_12m,
                        partner.dealer_satisfaction_avg or None,
                        partner.dealer_churn_risk,
                        partner.dealer_last_verified_date,
                        partner.dealer_vehicle_count,
                    ],
                )
