from . import dealer_vehicle_transfer
