# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.tools import email_normalize


class DealerTicketMail(models.AbstractModel):
    """A ticket's email: the sender's contact, the address the ticket came from, whether
    an author is the ticket's customer, and the stage the customer's reply reopens a
    closed ticket in. The ticket's mail gateway (``message_new``, ``message_update``,
    ``message_post``) asks here."""

    _name = "dealer.ticket.mail"
    _description = "Dealer CRM Ticket Email"

    @api.model
    def _dealer_sender_partner(self, msg, team):
        """The contact of the sender of the incoming email ``msg``, created as Odoo's
        mail gateway creates one (name and address parsed from the From header) when
        no contact has that address, whatever its case, and ``team`` records unknown
        senders. Empty for no usable address or an alias of this database."""
        if msg.get("author_id"):
            return self.env["res.partner"].browse(msg["author_id"])
        email_from = msg.get("email_from")
        if not (team.dealer_record_senders and email_normalize(email_from or "", strict=False)):
            return self.env["res.partner"]
        return self.env["mail.thread"]._mail_find_partner_from_emails(
            [email_from], force_create=True
        )[0]

    @api.model
    def _dealer_adopt_sender(self, tickets, msg):
        """The sender of ``msg``, a reply to ``tickets``, becomes the contact of those of
        them that have none and came from the sender's address."""
        sender = email_normalize(msg.get("email_from") or "", strict=False)
        for ticket in tickets.filtered(lambda t: not t.partner_id and sender):
            if self._dealer_original_sender(ticket) == sender:
                partner = self._dealer_sender_partner(msg, ticket.team_id)
                if partner:
                    msg["author_id"] = partner.id
                    ticket.write(
                        {
                            "partner_id": partner.id,
                            "partner_name": ticket.partner_name or partner.name,
                            "partner_email": ticket.partner_email or partner.email,
                        }
                    )

    @api.model
    def _dealer_original_sender(self, ticket):
        """The normalised address ``ticket`` came from: its email, else the sender of
        its first incoming email."""
        ticket.ensure_one()
        if ticket.partner_email:
            return email_normalize(ticket.partner_email, strict=False)
        first = ticket.message_ids.filtered(lambda m: m.message_type == "email").sorted("id")[:1]
        return email_normalize(first.email_from or "", strict=False)

    @api.model
    def _dealer_is_customer(self, ticket, author):
        """Whether ``author`` is ``ticket``'s customer (or a contact of the same customer),
        or writes from the customer's address, whatever its case."""
        ticket.ensure_one()
        customer = ticket.partner_id.commercial_partner_id
        if not (customer and author):
            return False
        address = ticket.partner_id.email_normalized
        return author.commercial_partner_id == customer or bool(
            address and author.email_normalized == address
        )

    @api.model
    def _dealer_reopen_stage(self, ticket):
        """The stage a customer's reply reopens closed ``ticket`` in: the first open stage
        of its team that does not wait on the customer."""
        ticket.ensure_one()
        stages = (
            ticket.team_id._get_applicable_stages()
            if ticket.team_id
            else self.env["helpdesk.ticket.stage"].search([])
        )
        return stages.filtered(lambda s: not s.closed and not s.dealer_waiting_customer).sorted(
            "sequence"
        )[:1]
