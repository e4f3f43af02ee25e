from . import vin
from . import service_due
