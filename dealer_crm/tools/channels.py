# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Channels: plain data, no Odoo.

Two ideas, two words:

- an **interaction channel** is how a contact with a customer happened or will happen
  (a visit, a call, a letter, a WhatsApp message...): ``dealer.interaction.channel``,
  an enquiry's channel, a customer's preferred channel;
- a **consent channel** is what a customer agreed, or refused, to be contacted by
  (email, SMS, phone, post, messaging app): ``dealer.consent.channel``, the channel the
  consent gate is asked about.

:data:`CONSENT_CHANNEL_OF` is the written mapping between them: the consent channel an
outreach on an interaction channel needs, or ``None`` when the customer came to us (a
visit, the website) and no consent is asked.
"""

INTERACTION_CHANNELS = [
    ("visit", "Face-to-face visit"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("letter", "Letter"),
    ("sms", "SMS"),
    ("whatsapp", "WhatsApp"),
    ("facebook", "Facebook"),
    ("twitter", "X/Twitter"),
    ("survey", "Survey"),
    ("website", "Website"),
]

CONSENT_CHANNELS = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("phone", "Phone"),
    ("post", "Post"),
    ("messaging", "Messaging app"),
]

#: interaction channel -> the consent channel an outreach on it needs (None: none asked)
CONSENT_CHANNEL_OF = {
    "visit": None,
    "phone": "phone",
    "email": "email",
    "letter": "post",
    "sms": "sms",
    "whatsapp": "messaging",
    "facebook": "messaging",
    "twitter": "messaging",
    # our surveys are sent by email (the survey invitation's mail template)
    "survey": "email",
    "website": None,
}

#: consent channel -> the partner fields of which one must hold a contact detail
CONTACT_FIELDS = {
    "email": ("email",),
    "sms": ("mobile", "phone"),
    "phone": ("phone", "mobile"),
    "messaging": ("mobile", "phone"),
    "post": ("street", "city"),
}

#: consent channels whose number may be on the phone blacklist (the rest: email, post)
PHONE_CHANNELS = ("sms", "phone", "messaging")


def consent_channel(interaction_channel):
    """The consent channel an outreach on ``interaction_channel`` needs, or ``None``.

    An unknown interaction channel is an error, never a silent "no consent needed".
    """
    if interaction_channel not in CONSENT_CHANNEL_OF:
        raise ValueError(f"unknown interaction channel: {interaction_channel!r}")
    return CONSENT_CHANNEL_OF[interaction_channel]
