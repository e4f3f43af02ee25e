"""Group sets shared by the models and views."""

#: The manager's group: it implies the three departments' groups.
MANAGER_GROUP = "dealer_crm.group_manager"

#: The group that gives each department (``DEPARTMENTS`` in
#: ``models/dealer_department.py``) its rights and its members.
DEPARTMENT_GROUPS = {
    "sales": "dealer_crm.group_sales",
    "service": "dealer_crm.group_service",
    "customer_relations": "dealer_crm.group_customer_relations",
    "manager": MANAGER_GROUP,
}

#: every dealer department (the manager implies all three). A field that dealer_crm adds
#: to a core model and that reads dealer records carries these groups, so a user with the
#: core app but no department (a receptionist with Sales rights, an accountant) opens
#: leads, orders, tickets and contacts as in plain Odoo.
DEALER_GROUPS = ",".join(
    DEPARTMENT_GROUPS[code] for code in ("sales", "service", "customer_relations")
)

#: Who rates customers (the staff rating and its reason).
RATING_GROUP = "dealer_crm.group_customer_relations"
#: Who reads the staff rating and its reason: who rates, and managers. Not the customer
#: (portal), not an internal user of no department, not sales or service.
RATING_READERS = f"{RATING_GROUP},{MANAGER_GROUP}"
