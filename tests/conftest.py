"""The checks without Odoo (tests/) and the ops tests (tests/ops, issue 27).

tests/ops drives Odoo and PostgreSQL as processes, on databases of its own: `make test`
runs it apart, in the background, with DEALER_OPS_DB and the other variables set (see
tests/ops/conftest.py). Everywhere else it is left out of the collection.
"""

import os

collect_ignore = [] if os.environ.get("DEALER_OPS_DB") else ["ops"]
