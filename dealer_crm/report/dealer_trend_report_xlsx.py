# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, models


class DealerTrendReportXlsx(models.AbstractModel):
    """The trend report: its figures against the period before and the targets, the top
    complaint causes and unmet needs, and the movements between segments."""

    _name = "report.dealer_crm.trend_report_xlsx"
    _inherit = "report.dealer_crm.xlsx_mixin"
    _description = "Trend Report (XLSX)"

    def generate_xlsx_report(self, workbook, data, reports):
        sheet = self._dealer_sheet(
            workbook,
            _("Figures"),
            [
                _("Period"),
                _("Figure"),
                _("Value"),
                _("Period Before"),
                _("Change"),
                _("Change (%)"),
                _("Target"),
                _("Target Met"),
            ],
        )
        # a figure with no data reads "No data", never 0 nor met
        no_data = _("No data")
        statuses = dict(
            reports.env["dealer.trend.report.line"]
            ._fields["status"]
            ._description_selection(reports.env)
        )
        row = 0
        for report in reports:
            for line in report.line_ids:
                row += 1
                # a count in whole numbers; a change in percent from 0 is no data (empty)
                shown = round if line.is_count else float
                self._dealer_write_row(
                    workbook,
                    sheet,
                    row,
                    [
                        report.display_name,
                        line.name,
                        no_data if line.no_data else shown(line.value),
                        no_data if line.previous_no_data else shown(line.previous),
                        None if line.no_data or line.previous_no_data else shown(line.change),
                        line.change_pct if line.change_pct_known else None,
                        shown(line.target) if line.target_set else None,
                        statuses.get(line.status) if line.target_set else None,
                    ],
                )
        for kind, title in (
            ("cause", _("Top Complaint Causes")),
            ("need", _("Top Unmet Needs")),
            ("movement", _("Segment Movements")),
        ):
            sheet = self._dealer_sheet(workbook, title, [_("Period"), _("Name"), _("Count")])
            row = 0
            for report in reports:
                for item in report[f"{kind}_ids"]:
                    row += 1
                    self._dealer_write_row(
                        workbook, sheet, row, [report.display_name, item.label, item.count]
                    )
