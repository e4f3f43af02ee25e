# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.9 (issue 31): customers the retention job could not anonymise because of a survey
answer get one more try.

Before 1.9 the erasure wrote the customer's survey words on every answer of theirs, and
survey's ``write`` then failed on a numerical one (``float(None)``) or one it could not
score: the retention job flagged such customers *Erasure Failed* and skipped them for
ever. The erasure now clears only the lines holding words; the flag of the customers
whose last failure was that one is lifted, and the next run anonymises them.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

#: the errors of that failure, as the Erasure Log keeps them
SURVEY_ERRORS = (
    "%float() argument must be a string or a real number, not 'NoneType'%",
    "%Computing score requires a question in arguments%",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            """
            UPDATE res_partner p
               SET dealer_erasure_failed = FALSE
             WHERE p.dealer_erasure_failed
               AND p.dealer_anonymized IS NOT TRUE
               AND (
                   SELECT log.error
                     FROM dealer_erasure_log log
                    WHERE log.partner_id = p.id
                      AND log.state = 'failed'
                 ORDER BY log.id DESC
                    LIMIT 1
               ) ILIKE ANY (%s)
            """,
            list(SURVEY_ERRORS),
        )
    )
    if cr.rowcount:
        _logger.info("dealer_crm: %s customers failed by a survey answer are retried", cr.rowcount)
