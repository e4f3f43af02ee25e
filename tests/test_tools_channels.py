"""The two channel vocabularies and their written mapping, without Odoo."""

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "dealer_channels", Path(__file__).resolve().parent.parent / "dealer_crm/tools/channels.py"
)
channels = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(channels)

INTERACTION = [value for value, _label in channels.INTERACTION_CHANNELS]
CONSENT = [value for value, _label in channels.CONSENT_CHANNELS]


def test_every_interaction_channel_is_mapped_once():
    assert list(channels.CONSENT_CHANNEL_OF) == INTERACTION


def test_every_mapping_names_a_consent_channel_or_none():
    for interaction, consent in channels.CONSENT_CHANNEL_OF.items():
        assert consent is None or consent in CONSENT, interaction


def test_every_consent_channel_says_which_contact_detail_it_needs():
    assert sorted(channels.CONTACT_FIELDS) == sorted(CONSENT)
    assert set(channels.PHONE_CHANNELS) <= set(CONSENT)


def test_a_letter_needs_consent_by_post_and_a_visit_none():
    assert channels.consent_channel("letter") == "post"
    assert channels.consent_channel("whatsapp") == "messaging"
    assert channels.consent_channel("visit") is None


def test_an_unknown_channel_is_an_error_not_a_free_pass():
    with pytest.raises(ValueError):
        channels.consent_channel("post")  # a consent channel, not an interaction channel
