from . import vin
from . import service_due
from . import rfm
from . import access
from . import xlsx
from . import distance
from . import phone
from . import target
