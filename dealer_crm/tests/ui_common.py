# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import odoo.http
from odoo.tests import HttpCase

from .common import DealerFactories


class DealerHttpCase(DealerFactories, HttpCase):
    """Browser tests: parse the addons' manifests before the browser's first request.

    The HTTP server thread otherwise parses them on that request, while the test thread
    may be compiling too, and CPython 3.11 can fail two compilations at once ("AST
    constructor recursion depth mismatch"), which made a tour fail now and then.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        odoo.http.root.statics  # noqa: B018  # pylint: disable=pointless-statement
