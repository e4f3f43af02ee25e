# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import main
from . import mass_mailing
from . import portal
from . import resource_booking
