# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Install and upgrade steps that must not scale with the number of customers.

A stored computed field added to ``res.partner`` is computed row by row for every
existing partner when the module is installed; on a dealer group's 100,000 customers
that takes hours. The column is created here, before the ORM sees the field, and filled
with one statement; the ORM keeps it current from then on.
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from .models.ir_module_module import LANG_FALLBACKS


def create_partner_columns(cr):
    if not column_exists(cr, "res_partner", "dealer_tier_id"):
        create_column(cr, "res_partner", "dealer_tier_id", "int4")
    if column_exists(cr, "loyalty_card", "dealer_tier_id") and column_exists(
        cr, "loyalty_card", "dealer_scheme"
    ):
        cr.execute(
            SQL(
                """
                UPDATE res_partner p SET dealer_tier_id = c.dealer_tier_id
                  FROM (SELECT DISTINCT ON (partner_id) partner_id, dealer_tier_id
                          FROM loyalty_card WHERE dealer_scheme AND partner_id IS NOT NULL
                         ORDER BY partner_id, points DESC, id) c
                 WHERE p.id = c.partner_id
                """
            )
        )


def create_computed_columns(cr):
    """Stored computed fields on the dealer's existing records, created empty: the ORM
    would compute them row by row and, doing so, stamp every existing ticket and survey
    answer as written by the install (write_date, write_uid). Their value is known: a
    ticket has no severity before dealer_crm, so no deadline; an answer has no survey
    occasion, so a score of 0."""
    for column in ("dealer_response_deadline", "dealer_resolution_deadline"):
        if not column_exists(cr, "helpdesk_ticket", column):
            create_column(cr, "helpdesk_ticket", column, "timestamp")
    if not column_exists(cr, "survey_user_input", "dealer_score"):
        create_column(cr, "survey_user_input", "dealer_score", "numeric")
        cr.execute(SQL("UPDATE survey_user_input SET dealer_score = 0"))


def pre_init_hook(env):
    create_partner_columns(env.cr)
    create_computed_columns(env.cr)


def post_init_hook(env):
    """Hong Kong Chinese (or another language of ``LANG_FALLBACKS``) already in use when
    dealer_crm is installed: the modules installed before it take its terms again, with
    their Taiwan Chinese for the terms they have no Hong Kong Chinese of."""
    langs = [code for code, _name in env["res.lang"].get_installed() if code in LANG_FALLBACKS]
    if langs:
        env["ir.module.module"].search(
            [("state", "in", ("installed", "to install", "to upgrade"))]
        )._update_translations(langs)


#: helpdesk_mgmt_sla's own access lines, as it ships them (dealer_crm narrows them)
OCA_SLA_ACCESS = {
    "helpdesk_mgmt_sla.access_helpdesk_sla_portal": {"perm_read": True},
    "helpdesk_mgmt_sla.access_helpdesk_ticket_sla_portal": {"perm_read": True},
    "helpdesk_mgmt_sla.access_helpdesk_ticket_sla_user_personal": {
        "perm_read": True,
        "perm_write": True,
        "perm_create": True,
    },
}


def uninstall_hook(env):
    """What dealer_crm changed in the modules it depends on goes back as it was.

    - The severities' SLA policies (helpdesk_mgmt_sla) go with dealer_crm, their
      tickets' lines first (a policy in use cannot be deleted): their filter reads the
      severity, which would be gone, and every ticket of a team using SLAs would fail.
    - helpdesk_mgmt_sla's access lines get back what dealer_crm took away (the portal's
      read, the helpdesk users' write of the SLA lines).
    - privacy_partner_to_be_forgotten gets its Action menu entry back: dealer_crm unbinds
      it while its Anonymise... button is the one way to anonymise in the screens.
    """
    policies = (
        env["helpdesk.sla"]
        .with_context(active_test=False)
        .search([("dealer_severity_id", "!=", False)])
    )
    env["helpdesk.ticket.sla"].search([("sla_id", "in", policies.ids)]).unlink()
    policies.unlink()
    # helpdesk_mgmt_sla's access lines that dealer_crm narrowed (portal, helpdesk users)
    for xmlid, perms in OCA_SLA_ACCESS.items():
        access = env.ref(xmlid, raise_if_not_found=False)
        if access:
            access.write(perms)
    action = env.ref(
        "privacy_partner_to_be_forgotten.action_partner_anonymize", raise_if_not_found=False
    )
    if action:
        action.binding_model_id = env.ref("base.model_res_partner")
