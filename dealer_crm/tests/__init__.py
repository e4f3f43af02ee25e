from . import test_security_groups
from . import test_dealer_vehicle
from . import test_personal_data
from . import test_service
from . import test_customer_360
from . import test_complaints
from . import test_loyalty
from . import test_screens
