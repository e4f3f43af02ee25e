# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.9 (issue 31): customers the retention job could not anonymise because of a survey
answer get one more try.

Before 1.9 the erasure wrote the customer's survey words on every answer of theirs, and
survey's ``write`` then failed on a numerical one (``float(None)``) or one it could not
score: the retention job flagged such customers *Erasure Failed* and skipped them for
ever. The erasure now clears only the lines holding words; the flag of the customers
who failed that way is lifted, and the next run anonymises them.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

#: the errors of that failure, as the Erasure Log keeps them
SURVEY_ERRORS = (
    "%float() argument must be a string or a real number, not 'NoneType'%",
    "%Computing score requires a question in arguments%",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    retried = env["dealer.personal.data"]._retry_failed_erasures(*SURVEY_ERRORS)
    if retried:
        _logger.info("dealer_crm: %s customers failed by a survey answer are retried", retried)
