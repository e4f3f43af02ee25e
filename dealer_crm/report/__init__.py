from . import dealer_vehicle_call_list
