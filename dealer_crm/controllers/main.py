# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Downloads that only read are served by the read replica.

Odoo 18 sends a request to the replica (``db_replica_host``/``db_replica_port``) when its
route is read-only; Odoo declares the XLSX export of a list and the report download
read/write, so both would load the primary. Each is read-only here exactly when it
writes nothing:

- an export without import-compatible ids (``import_compat``) and without an External ID
  column (``id``): with either, Odoo creates the missing ``ir.model.data`` rows; and the
  export controller turns every error into a 500, so a write refused on the replica would
  not be retried on the primary;
- the download of one of dealer_crm's own XLSX reports: they only read (no stored
  attachment), and report_xlsx turns every error into an error page, so no other report
  is declared read-only here.
"""

import json

from odoo import http
from odoo.http import request

from odoo.addons.report_xlsx.controllers.main import ReportController
from odoo.addons.web.controllers.export import ExcelExport


def _http_data(default):
    """The JSON ``data`` parameter of the download request, or ``default``."""
    try:
        return json.loads(request.get_http_params().get("data") or "null") or default
    except ValueError:
        return default


def _export_only_reads(controller):
    data = _http_data({})
    if not isinstance(data, dict) or data.get("import_compat"):
        return False
    names = [field.get("name") for field in data.get("fields") or () if isinstance(field, dict)]
    # a name that is no text is Odoo's export to refuse (on the primary), not a crash here
    return bool(names) and all(
        isinstance(name, str) and "id" not in name.split("/") for name in names
    )


def _download_only_reads(controller):
    data = _http_data([])
    if not isinstance(data, list) or len(data) < 2 or data[1] != "xlsx":
        return False
    url = str(data[0])
    return url.startswith("/report/xlsx/dealer_crm.")


class DealerExcelExport(ExcelExport):
    @http.route(readonly=_export_only_reads)
    def web_export_xlsx(self, data):
        return super().web_export_xlsx(data)


class DealerReportController(ReportController):
    @http.route(readonly=_download_only_reads)
    def report_download(self, data, context=None, token=None, readonly=True):
        return super().report_download(data, context=context, token=token, readonly=readonly)
