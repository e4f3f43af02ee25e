from . import dealer_vehicle_transfer
from . import dealer_access_export
from . import dealer_partner_anonymize
from . import dealer_referral
from . import dealer_loyalty_wizards
from . import dealer_event_invite
from . import dealer_vehicle_delivery
from . import base_partner_merge_automatic_wizard
