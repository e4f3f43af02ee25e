# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.9 (issue 31): a resolved ticket asks its customer for a rating (helpdesk_mgmt_rating).

data/helpdesk_data.xml is ``noupdate`` data, so an upgrade does not reload it: the
resolved stage (helpdesk_mgmt's Done) gets helpdesk_mgmt_rating's rating template, unless
the dealer chose a rating template of their own for it.
"""

from odoo import SUPERUSER_ID, api


def set_rating_template(env):
    """Give the resolved stage, when it has none, the rating request template."""
    stage = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done", raise_if_not_found=False)
    template = env.ref(
        "helpdesk_mgmt_rating.rating_ticket_email_template", raise_if_not_found=False
    )
    if stage and template and not stage.rating_mail_template_id:
        stage.rating_mail_template_id = template


def migrate(cr, version):
    if version:
        set_rating_template(api.Environment(cr, SUPERUSER_ID, {}))
