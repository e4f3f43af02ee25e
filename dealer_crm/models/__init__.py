from . import dealer_vehicle
from . import dealer_vehicle_ownership
from . import dealer_vehicle_odometer
from . import res_partner
