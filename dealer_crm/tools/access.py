"""Group sets shared by the models and views."""

#: every dealer department (the manager implies all three). A field that dealer_crm adds
#: to a core model and that reads dealer records carries these groups, so a user with the
#: core app but no department (a receptionist with Sales rights, an accountant) opens
#: leads, orders, tickets and contacts as in plain Odoo.
DEALER_GROUPS = (
    "dealer_crm.group_sales,dealer_crm.group_service,dealer_crm.group_customer_relations"
)

#: Who rates customers (the staff rating and its reason).
RATING_GROUP = "dealer_crm.group_customer_relations"
#: Who reads the staff rating and its reason: who rates, and managers. Not the customer
#: (portal), not an internal user of no department, not sales or service.
RATING_READERS = f"{RATING_GROUP},dealer_crm.group_manager"
