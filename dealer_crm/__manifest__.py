# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Dealer CRM",
    "summary": "Customer relations for vehicle dealers and retailers who service "
    "what they sell: customers, vehicles, service, complaints, loyalty",
    "version": "18.0.1.0.0",
    "license": "AGPL-3",
    "category": "Sales/CRM",
    "author": "dealer_crm developers",
    "website": "https://github.com/dealer-crm/dealer_crm",
    "depends": [
        "mail",
        "sms",
        "sale_management",
        "crm",
        "helpdesk_mgmt",
        "loyalty",
        "fleet",
        "report_xlsx",
    ],
    "data": [
        "security/dealer_crm_security.xml",
        "security/ir.model.access.csv",
        "views/dealer_vehicle_views.xml",
        "views/dealer_vehicle_ownership_views.xml",
        "views/dealer_vehicle_odometer_views.xml",
        "wizards/dealer_vehicle_transfer_views.xml",
        "views/res_partner_views.xml",
        "views/dealer_crm_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/dealer_vehicle_demo.xml",
    ],
    "development_status": "Alpha",
    "application": True,
    "installable": True,
}
