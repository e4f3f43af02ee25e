# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.9 (issue 31, review F2): only a rating the rating email asked for is a ticket's
satisfaction. The ratings asked before the flag existed are those whose link a rating
email of the same ticket carried: they are marked as requested."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE rating_rating rating
           SET dealer_requested = TRUE
         WHERE rating.res_model = 'helpdesk.ticket'
           AND NOT rating.is_internal
           AND rating.partner_id IS NOT NULL
           AND rating.access_token IS NOT NULL
           AND NOT rating.dealer_requested IS TRUE
           AND EXISTS (
                SELECT 1
                  FROM mail_message message
                 WHERE message.model = 'helpdesk.ticket'
                   AND message.res_id = rating.res_id
                   AND message.body LIKE '%/rate/' || rating.access_token || '/%'
           )
        """
    )
